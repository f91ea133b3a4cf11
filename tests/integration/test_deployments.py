"""Deploying diagrams: versions by content hash, every problem with file, element and line."""
import shutil
from pathlib import Path

import pytest
from sqlalchemy import select

from app.extensions import db
from app.http_status import status_of
from app.models import ProcessDefinition
from app.services.definitions import deployments
from app.services.definitions.operator_registry import OPERATORS

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "bpmn"


@pytest.fixture
def bundle_dirs(tmp_path, monkeypatch):
    monkeypatch.setitem(OPERATORS, "draw_experts", lambda ctx, params, data: {"experts": []})
    processes, forms = tmp_path / "processes", tmp_path / "forms"
    processes.mkdir()
    for f in FIXTURES.glob("*.bpmn"):
        shutil.copy(f, processes / f.name)
    shutil.copytree(FIXTURES / "forms", forms)
    return processes, forms


def _versions():
    return {(d.key, d.version) for d in db.session.scalars(select(ProcessDefinition))}


def test_deploy_creates_versions_only_when_content_changes(app, bundle_dirs):
    processes, forms = bundle_dirs
    first = deployments.deploy(deployments.bundle_from_dirs(processes, forms))
    assert {o.key for o in first} == {p.stem for p in processes.glob("*.bpmn")}
    assert all(o.version == 1 and o.created for o in first)
    again = deployments.deploy(deployments.bundle_from_dirs(processes, forms))
    assert not any(o.created for o in again)
    # a form used only by the review loop changes: only that process gets a new version
    review_form = forms / "plan_review.json"
    review_form.write_text(review_form.read_text().replace('"title"', '"description": "改", "title"', 1))
    third = {o.key: o for o in deployments.deploy(deployments.bundle_from_dirs(processes, forms))}
    changed = {k for k, o in third.items() if o.created}
    assert "review_loop" in changed and "alarm_messages" not in changed
    assert third["review_loop"].version == 2
    assert ("review_loop", 1) in _versions() and ("review_loop", 2) in _versions()


def test_called_process_change_versions_the_caller(app, bundle_dirs):
    processes, forms = bundle_dirs
    deployments.deploy(deployments.bundle_from_dirs(processes, forms))
    child = processes / "call_child.bpmn"
    child.write_text(child.read_text().replace('name="Rectification reply"', 'name="Rectification reply v2"', 1))
    outcomes = {o.key: o for o in deployments.deploy(deployments.bundle_from_dirs(processes, forms))}
    assert outcomes["call_child"].created and outcomes["call_parent"].created
    assert not outcomes["review_loop"].created


def test_the_deployed_version_keeps_its_forms(app, bundle_dirs):
    processes, forms = bundle_dirs
    deployments.deploy(deployments.bundle_from_dirs(processes, forms))
    definition = deployments.require_latest("review_loop")
    form = deployments.form_of(definition, "plan_compile.json")
    assert form.schema["type"] == "object" and form.ui is not None
    assert deployments.form_of(definition, "does_not_exist.json") is None


def test_problems_name_file_element_and_line(app, bundle_dirs):
    processes, forms = bundle_dirs
    broken = (processes / "review_loop.bpmn").read_text()
    broken = broken.replace('name="chief_supervisor"', 'name="chief_inspector"', 1)
    broken = broken.replace('value="plan_review.json"', 'value="missing_form.json"', 1)
    (processes / "review_loop.bpmn").write_text(broken)
    (forms / "inspection.json").write_text('{"type": "object", "properties": {"x": {"type": "nonsense"}}}')
    with pytest.raises(deployments.BundleInvalidError) as caught:
        deployments.deploy(deployments.bundle_from_dirs(processes, forms))
    found = {(p.file, p.code) for p in caught.value.problems}
    assert ("review_loop.bpmn", "lane_unknown_role") in found
    assert ("review_loop.bpmn", "form_missing") in found
    assert ("inspection.json", "form_invalid") in found
    lane = next(p for p in caught.value.problems if p.code == "lane_unknown_role")
    assert lane.line and lane.element_id
    assert status_of(caught.value) == 422 and caught.value.code == "bundle_invalid"
    assert _versions() == set()  # nothing deployed when anything is wrong


def test_cli_validate_and_deploy(app, bundle_dirs):
    processes, forms = bundle_dirs
    runner = app.test_cli_runner()
    args = ["--processes-dir", str(processes), "--forms-dir", str(forms)]
    result = runner.invoke(args=["processes", "validate", *args])
    assert result.exit_code == 0 and "0 problem(s)" in result.output
    result = runner.invoke(args=["processes", "deploy", *args])
    assert result.exit_code == 0 and "review_loop v1 deployed" in result.output
    (processes / "bad.bpmn").write_text("<not-bpmn")
    result = runner.invoke(args=["processes", "validate", *args])
    assert result.exit_code == 1 and "bad.bpmn:" in result.output


def test_cli_lists_the_operators_of_a_diagram_with_their_functions(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["processes", "operators", "device_alarm_disposal"])
    assert result.exit_code == 0
    assert "close_device_alarm\tapp.services.monitoring.alarm_operators:" in result.output
    result = runner.invoke(args=["processes", "operators", "no_such_process"])
    assert result.exit_code != 0 and "no diagram" in result.output
