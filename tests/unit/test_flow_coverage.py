"""The flow-coverage check of `make test` (tests/support/flow_coverage.py) reads the diagrams and
judges walked edges as it says."""
from __future__ import annotations

import json
from pathlib import Path

from tests.support.flow_coverage import Recorder, diagram_flows, not_walked

DIAGRAM = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d">
  <bpmn:process id="p" isExecutable="true">
    <bpmn:startEvent id="start"/>
    <bpmn:parallelGateway id="split"/>
    <bpmn:userTask id="a"/><bpmn:userTask id="b"/>
    <bpmn:parallelGateway id="join"/>
    <bpmn:endEvent id="end"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="split"/>
    <bpmn:sequenceFlow id="f2" sourceRef="split" targetRef="a"/>
    <bpmn:sequenceFlow id="f3" sourceRef="split" targetRef="b"/>
    <bpmn:sequenceFlow id="f4" sourceRef="a" targetRef="join"/>
    <bpmn:sequenceFlow id="f5" sourceRef="b" targetRef="join"/>
    <bpmn:sequenceFlow id="f6" sourceRef="join" targetRef="end"/>
  </bpmn:process>
</bpmn:definitions>"""


def test_every_shipped_diagram_has_its_flows_read():
    flows = diagram_flows()
    files = {name.split(":")[0] for name in flows}
    assert files == {p.stem for p in (Path(__file__).resolve().parents[2] / "processes").glob("*.bpmn")}


def test_a_flow_counts_when_its_edge_was_walked_or_its_source_completed_before_a_join(tmp_path):
    (tmp_path / "p.bpmn").write_text(DIAGRAM, encoding="utf-8")
    flows = diagram_flows(tmp_path)
    assert len(flows) == 6 and flows["p:f4"]["join"] and not flows["p:f2"]["join"]
    # a tree where the join sits under b: a → join is not an edge of it, but a completed
    walked = [("p", "", "start"), ("p", "start", "split"), ("p", "split", "a"), ("p", "split", "b"),
              ("p", "a", ""), ("p", "b", "join"), ("p", "join", "end")]
    assert not_walked(walked, flows) == []
    assert not_walked([e for e in walked if e != ("p", "a", "")], flows) == ["p:f4"]
    assert not_walked([e for e in walked if e != ("p", "split", "b")], flows) == ["p:f3"]


def test_each_process_of_a_run_adds_what_it_walked_to_the_file(tmp_path):
    """`make test` runs the suite in two workers: the file must hold both workers' edges."""
    path = tmp_path / "walked" / "flows.json"
    first, second, controller = Recorder(), Recorder(), Recorder()
    first.edges = {("p", "start", "split"), ("p", "split", "a")}
    second.edges = {("p", "split", "a"), ("p", "split", "b")}
    for recorder in (first, second, controller):  # the controller walked nothing itself
        recorder.write(path)
    assert {tuple(e) for e in json.loads(path.read_text(encoding="utf-8"))} == first.edges | second.edges
