"""What changed between two versions of a diagram: elements added, removed, changed; the drawing
and the mirrored incoming/outgoing references are not changes of their own."""
from __future__ import annotations

from app.services.designer.versions import diagram_changes

HEAD = ('<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" '
        'xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" '
        'id="d"><bpmn:process id="p" name="P">')


def _diagram(body: str, x: int = 10) -> str:
    return (HEAD + body + '</bpmn:process><bpmndi:BPMNDiagram id="D"><bpmndi:BPMNPlane id="pl" bpmnElement="p">'
            f'<bpmndi:BPMNShape id="s_di" bpmnElement="s"><dc:Bounds x="{x}" y="0" width="36" height="36"/>'
            '</bpmndi:BPMNShape></bpmndi:BPMNPlane></bpmndi:BPMNDiagram></bpmn:definitions>')


V1 = ('<bpmn:startEvent id="s"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>'
      '<bpmn:userTask id="a" name="填写"><bpmn:incoming>f1</bpmn:incoming></bpmn:userTask>'
      '<bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="a"/>'
      '<bpmn:scriptTask id="old" name="旧脚本"><bpmn:script>x = 1</bpmn:script></bpmn:scriptTask>')


def test_added_removed_and_changed_elements_are_named():
    v2 = ('<bpmn:startEvent id="s"><bpmn:outgoing>f1</bpmn:outgoing><bpmn:outgoing>f2</bpmn:outgoing></bpmn:startEvent>'
          '<bpmn:userTask id="a" name="填写并签字"><bpmn:incoming>f1</bpmn:incoming></bpmn:userTask>'
          '<bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="a"/>'
          '<bpmn:sequenceFlow id="f2" sourceRef="s" targetRef="b"/>'
          '<bpmn:userTask id="b" name="审核"><bpmn:incoming>f2</bpmn:incoming></bpmn:userTask>')
    added, removed, changed = diagram_changes(_diagram(V1), _diagram(v2))
    # an unnamed flow is called by its two ends, a nameless element by nothing (its kind says what it is)
    assert [(e.id, e.kind, e.name) for e in added] == [("f2", "sequenceFlow", ""), ("b", "userTask", "审核")]
    named = diagram_changes(_diagram(V1), _diagram(v2.replace('<bpmn:startEvent id="s">', '<bpmn:startEvent id="s" name="开始">')))
    assert named[0][0].name == "开始 → 审核"
    assert [(e.id, e.name) for e in removed] == [("old", "旧脚本")]
    # the start event only gained a mirrored <outgoing>: not a change; the renamed task is
    assert [(e.id, e.name) for e in changed] == [("a", "填写并签字")]


def test_a_script_or_a_process_property_is_a_change_and_the_drawing_is_not():
    assert diagram_changes(_diagram(V1), _diagram(V1, x=400)) == ([], [], [])
    _, _, changed = diagram_changes(_diagram(V1), _diagram(V1.replace("x = 1", "x = 2")))
    assert [e.id for e in changed] == ["old"]
    # a child with its own id (the task) is the child's change, not its process's
    assert "p" not in [e.id for e in diagram_changes(_diagram(V1), _diagram(V1.replace("填写", "填")))[2]]
