"""The semantic comparison the designer's round-trip test relies on: layout, order, prefixes and
comments do not count; a lost extension, a changed condition or a lost shape does."""
from __future__ import annotations

from tests.support.bpmn_semantics import differences

HEAD = ('<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" '
        'xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        'xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core" id="D" {extra}>')
TASK = ('<bpmn:userTask id="t"><bpmn:extensionElements><spiffworkflow:properties>'
        '<spiffworkflow:property name="dueIn" value="\'P3D\'"/></spiffworkflow:properties></bpmn:extensionElements>'
        '<bpmn:multiInstanceLoopCharacteristics><bpmn:loopDataInputRef>seats</bpmn:loopDataInputRef>'
        '</bpmn:multiInstanceLoopCharacteristics></bpmn:userTask>')
FLOW = ('<bpmn:sequenceFlow id="f" sourceRef="t" targetRef="t"><bpmn:conditionExpression '
        'xsi:type="bpmn:tFormalExpression">{cond}</bpmn:conditionExpression></bpmn:sequenceFlow>')
DI = ('<bpmndi:BPMNDiagram id="d"><bpmndi:BPMNPlane id="p" bpmnElement="P">'
      '<bpmndi:BPMNShape id="s" bpmnElement="t"><dc:Bounds x="{x}" y="0" width="100" height="80"/></bpmndi:BPMNShape>'
      '</bpmndi:BPMNPlane></bpmndi:BPMNDiagram>')


def _doc(task=TASK, cond="a == 1", x=0, extra="", flow_first=False, di=True) -> str:
    body = [task, FLOW.format(cond=cond)]
    if flow_first:
        body.reverse()
    return (HEAD.format(extra=extra) + '<bpmn:process id="P">' + "".join(body) + "</bpmn:process>"
            + (DI.format(x=x) if di else "") + "</bpmn:definitions>")


def test_layout_order_comments_and_exporter_do_not_count() -> None:
    moved = _doc(x=500, extra='exporter="bpmn-js" exporterVersion="18"', flow_first=True)
    assert differences(_doc(), moved.replace("<bpmn:process", "<!-- c --><bpmn:process")) == []


def test_a_lost_multi_instance_collection_counts() -> None:
    lost = _doc(task=TASK.replace("<bpmn:loopDataInputRef>seats</bpmn:loopDataInputRef>", ""))
    assert differences(_doc(), lost) == ["/definitions[D]/process[P]/userTask[t]/multiInstanceLoopCharacteristics: "
                                         "lost loopDataInputRef"]


def test_a_changed_condition_a_lost_property_and_a_lost_shape_count() -> None:
    assert any("conditionExpression" in d for d in differences(_doc(), _doc(cond="a == 2")))
    assert any("lost property" in d for d in differences(_doc(), _doc(task=TASK.replace(
        '<spiffworkflow:property name="dueIn" value="\'P3D\'"/>', ""))))
    assert differences(_doc(), _doc(di=False))[-1] == "diagram interchange: ['t']"
