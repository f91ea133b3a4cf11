"""Is a diagram drawable? Every process, lane, flow node and flow needs its DI shape or edge."""
from __future__ import annotations

from lxml import etree

BPMN = "{http://www.omg.org/spec/BPMN/20100524/MODEL}"
BPMNDI = "{http://www.omg.org/spec/BPMN/20100524/DI}"
DI = "{http://www.omg.org/spec/DD/20100524/DI}"
NOT_DRAWN = {"laneSet", "sequenceFlow", "messageFlow", "association", "incoming", "outgoing", "flowNodeRef",
             "extensionElements", "documentation", "ioSpecification", "property", "dataInputAssociation",
             "dataOutputAssociation", "multiInstanceLoopCharacteristics", "standardLoopCharacteristics",
             "conditionExpression", "script", "timerEventDefinition", "messageEventDefinition",
             "errorEventDefinition", "signalEventDefinition", "escalationEventDefinition",
             "terminateEventDefinition", "conditionalEventDefinition", "linkEventDefinition",
             "cancelEventDefinition", "compensateEventDefinition", "correlationSubscription",
             "dataObject", "lane", "childLaneSet"}
EDGES = {"sequenceFlow", "messageFlow", "association", "dataInputAssociation", "dataOutputAssociation"}


def _local(el) -> str:
    return etree.QName(el).localname


def _drawable(container):
    """Elements of a process or subprocess that must appear on the canvas."""
    for el in container:
        if not isinstance(el.tag, str) or not el.tag.startswith(BPMN):
            continue
        name = _local(el)
        if name in EDGES:
            yield el, "edge"
        elif name == "laneSet":
            for lane in el.iter(f"{BPMN}lane"):
                yield lane, "shape"
        elif name not in NOT_DRAWN:
            yield el, "shape"
            if name in ("subProcess", "transaction", "adHocSubProcess"):
                yield from _drawable(el)


def missing_di(xml: bytes) -> list[tuple[str | None, int | None, str]]:
    """(element id, line, Chinese message) for every element the canvas cannot draw; [] when complete."""
    root = etree.fromstring(xml)
    shapes = {s.get("bpmnElement") for s in root.iter(f"{BPMNDI}BPMNShape")}
    planes = {p.get("bpmnElement") for p in root.iter(f"{BPMNDI}BPMNPlane")}
    edges = {e.get("bpmnElement"): len(e.findall(f"{DI}waypoint")) for e in root.iter(f"{BPMNDI}BPMNEdge")}
    processes = list(root.iter(f"{BPMN}process"))
    if not any(_local(el) != "lane" for p in processes for el, kind in _drawable(p) if kind == "shape"):
        return [(None, None, "流程图是空的：没有任何流程节点。")]
    if not shapes and not edges:
        return [(None, None, "流程图没有图形信息（没有任何图形和连线），设计器无法显示，不能部署；"
                             "请先用 flask processes layout 生成布局或在设计器中绘制。")]
    problems = []
    participants = {p.get("processRef"): p.get("id") for p in root.iter(f"{BPMN}participant")}
    for p in processes:
        pid = p.get("id")
        if pid not in planes and participants.get(pid) not in shapes:
            problems.append((pid, p.sourceline, "流程没有在图中画出（缺少泳池或画布）。"))
        for el, kind in _drawable(p):
            eid = el.get("id")
            if kind == "shape" and eid not in shapes and eid not in planes:
                problems.append((eid, el.sourceline, f"元素“{el.get('name') or eid}”没有图形，设计器中看不到它。"))
            elif kind == "edge" and edges.get(eid, 0) < 2:
                what = "没有连线" if eid not in edges else "连线缺少路径点"
                problems.append((eid, el.sourceline, f"连线“{el.get('name') or eid}”{what}，设计器中看不到它。"))
    for flow in root.iter(f"{BPMN}messageFlow"):
        if edges.get(flow.get("id"), 0) < 2:
            problems.append((flow.get("id"), flow.sourceline, "消息流没有连线。"))
    return problems
