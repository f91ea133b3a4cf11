"""Diagram interchange: every diagram in processes/ is drawable, and the layout tool draws one that is not."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from lxml import etree

from app.services.designer.diagram_check import missing_di
from app.services.designer.diagram_writer import DiagramHasDIError, add_layout

ROOT = Path(__file__).resolve().parents[2]
DIAGRAMS = sorted((ROOT / "processes").glob("*.bpmn"))
BPMN = "{http://www.omg.org/spec/BPMN/20100524/MODEL}"
BPMNDI = "{http://www.omg.org/spec/BPMN/20100524/DI}"
DC = "{http://www.omg.org/spec/DD/20100524/DC}"


def _strip_di(xml: bytes) -> bytes:
    return re.sub(rb"[ \t]*<bpmndi:BPMNDiagram\b.*?</bpmndi:BPMNDiagram>\s*\n?", b"", xml, flags=re.S)


def _bounds(root, element_id: str) -> tuple[float, float, float, float]:
    shape = root.find(f".//{BPMNDI}BPMNShape[@bpmnElement='{element_id}']")
    b = shape.find(f"{DC}Bounds")
    return tuple(float(b.get(k)) for k in ("x", "y", "width", "height"))


def _overlap(a, b) -> bool:
    return a[0] < b[0] + b[2] and b[0] < a[0] + a[2] and a[1] < b[1] + b[3] and b[1] < a[1] + a[3]


@pytest.mark.parametrize("path", DIAGRAMS, ids=lambda p: p.stem)
def test_every_process_lane_node_and_flow_has_its_shape_or_edge(path):
    assert missing_di(path.read_bytes()) == []


def test_missing_shapes_edges_and_waypoints_are_named():
    xml = (ROOT / "processes" / "site_check.bpmn").read_bytes()
    assert missing_di(_strip_di(xml))[0][0] is None  # no DI at all: one problem for the whole file
    root = etree.fromstring(xml)
    for element in ("record_check", "Lane_official", "Participant_site_check"):
        shape = root.find(f".//{BPMNDI}BPMNShape[@bpmnElement='{element}']")
        shape.getparent().remove(shape)
    edge = root.find(f".//{BPMNDI}BPMNEdge[@bpmnElement='f2']")
    for waypoint in list(edge)[1:]:
        edge.remove(waypoint)
    edge = root.find(f".//{BPMNDI}BPMNEdge[@bpmnElement='f5']")
    edge.getparent().remove(edge)
    named = {element for element, _, _ in missing_di(etree.tostring(root))}
    assert named == {"record_check", "Lane_official", "site_check", "f2", "f5"}


def test_a_diagram_without_flow_nodes_is_empty():
    xml = (b'<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" '
           b'xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" id="d">'
           b'<bpmn:process id="p" isExecutable="true"/><bpmndi:BPMNDiagram id="D">'
           b'<bpmndi:BPMNPlane id="P" bpmnElement="p"/></bpmndi:BPMNDiagram></bpmn:definitions>')
    assert [m for _, _, m in missing_di(xml)] == ["流程图是空的：没有任何流程节点。"]


@pytest.mark.parametrize("path", DIAGRAMS, ids=lambda p: p.stem)
def test_layout_draws_every_diagram_and_keeps_its_semantics(path):
    bare = _strip_di(path.read_bytes())
    laid = add_layout(bare, path.stem)
    assert missing_di(laid) == []
    # Byte for byte: removing what the tool inserted gives the file back.
    text = laid.decode()
    text = re.sub(r'\n\s*xmlns:(bpmndi|dc|di)="[^"]*"', "", text)
    text = re.sub(r"[ \t]*<bpmndi:BPMNDiagram\b.*?</bpmndi:BPMNDiagram>\n", "", text, flags=re.S)
    if b"<bpmn:collaboration" not in bare:
        text = re.sub(r"[ \t]*<bpmn:collaboration\b.*?</bpmn:collaboration>\n", "", text, flags=re.S)
    original = re.sub(r'\n\s*xmlns:(bpmndi|dc|di)="[^"]*"', "", bare.decode())
    assert text == original


@pytest.mark.parametrize("name", ["rectification_order", "supervision_urging", "clue_assignment"])
def test_layout_runs_left_to_right_without_overlapping_shapes_or_labels(name):
    root = etree.fromstring(add_layout(_strip_di((ROOT / "processes" / f"{name}.bpmn").read_bytes()), name))
    for container in [*root.iter(f"{BPMN}process"), *root.iter(f"{BPMN}subProcess")]:
        nodes = [el.get("id") for el in container if el.find(f"{BPMN}incoming") is not None
                 or el.find(f"{BPMN}outgoing") is not None]
        nodes = [n for n in nodes if container.find(f"*[@id='{n}']").tag != f"{BPMN}boundaryEvent"]
        boxes = {n: _bounds(root, n) for n in nodes}
        for i, a in enumerate(nodes):
            for b in nodes[i + 1:]:
                assert not _overlap(boxes[a], boxes[b]), (a, b)
        starts = [n for n in nodes if container.find(f"*[@id='{n}']").tag == f"{BPMN}startEvent"]
        assert starts and all(boxes[s][0] == min(b[0] for b in boxes.values()) for s in starts)
        for flow in container.findall(f"{BPMN}sequenceFlow"):  # forward flows run left to right
            source, target = flow.get("sourceRef"), flow.get("targetRef")
            if source in boxes and target in boxes and boxes[target][0] > boxes[source][0]:
                edge = root.find(f".//{BPMNDI}BPMNEdge[@bpmnElement='{flow.get('id')}']")
                points = edge.findall("{http://www.omg.org/spec/DD/20100524/DI}waypoint")
                assert float(points[-1].get("x")) >= float(points[0].get("x"))
    labels = [tuple(float(b.get(k)) for k in ("x", "y", "width", "height"))
              for b in root.iter(f"{DC}Bounds") if b.getparent().tag == f"{BPMNDI}BPMNLabel"]
    assert labels
    for i, a in enumerate(labels):
        for b in labels[i + 1:]:
            assert not _overlap(a, b), (a, b)
    nodes = [tuple(float(s.find(f"{DC}Bounds").get(k)) for k in ("x", "y", "width", "height"))
             for s in root.iter(f"{BPMNDI}BPMNShape") if not s.get("isHorizontal") and not s.get("isExpanded")]
    assert not [(label, node) for label in labels for node in nodes if _overlap(label, node)]


def test_layout_keeps_an_existing_diagram():
    with pytest.raises(DiagramHasDIError):
        add_layout((ROOT / "processes" / "hazardous_emergency.bpmn").read_bytes(), "hazardous_emergency")
