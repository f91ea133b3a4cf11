"""Start rules are properties of the diagram: checked at deploy, read per version, obeyed."""
from __future__ import annotations

import pytest

from app.errors import ConflictError, ValidationError
from app.services.definitions import deployments, start_guards
from app.services.definitions.deployments import Bundle, BundleInvalidError, bundle_from_dirs
from app.services.workflow import cases
from tests.support.factories import gen_project, gen_user

from .conftest import as_actor, gen_work

KEY = "hazardous_acceptance"
RULE = ('<spiffworkflow:property name="startStatuses" value="plan_approved,in_progress"/>')


def _bundle(old: str = RULE, new: str = RULE) -> Bundle:
    base = bundle_from_dirs()
    bpmn = base.files[f"{KEY}.bpmn"].decode()
    assert old in bpmn
    return Bundle({f"{KEY}.bpmn": bpmn.replace(old, new).encode()},
                  {n: b for n, b in base.forms.items() if n.startswith("hazardous_")})


@pytest.mark.parametrize("new,words", [
    ('<spiffworkflow:property name="startStatuses" value="in_progress,flying"/>', "flying"),
    ('<spiffworkflow:property name="startStatuses" value="in_progress"/>'
     '<spiffworkflow:property name="startSingle" value="maybe"/>', "startSingle"),
])
def test_a_rule_naming_an_unknown_status_or_flag_does_not_deploy(app, new, words):
    with pytest.raises(BundleInvalidError) as info:
        deployments.deploy(_bundle(new=new))
    [problem] = info.value.problems
    assert (problem.file, problem.code) == (f"{KEY}.bpmn", "start_rule_invalid")
    assert words in problem.message
    # the line of the property at fault in the file as sent, shown as such (never "第?行")
    line = _bundle(new=new).files[f"{KEY}.bpmn"].decode().splitlines()[problem.line - 1]
    assert words in line
    assert f"第{problem.line}行" in info.value.fields[f"{KEY}.bpmn#{KEY}"][0]


def test_a_problem_without_a_line_names_no_line(app):
    problem = deployments.engine.BundleProblem("x.summary.json", None, None, "summary_invalid", "没有同名的流程图。")
    assert BundleInvalidError([problem]).fields == {"x.summary.json#": ["[summary_invalid] 没有同名的流程图。"]}


def test_a_rule_without_its_subject_points_at_the_first_property_declared(app):
    with pytest.raises(BundleInvalidError) as info:
        deployments.deploy(_bundle(old='<spiffworkflow:property name="startSubject" value="hazardous_work"/>', new=""))
    [problem] = info.value.problems
    text = _bundle(old='<spiffworkflow:property name="startSubject" value="hazardous_work"/>', new="")
    assert "startStatuses" in text.files[f"{KEY}.bpmn"].decode().splitlines()[problem.line - 1]


def test_unknown_subjects_roles_and_half_rules_are_named(app):
    assert start_guards.rule_problems({"startSubject": "spaceship", "startStatuses": "x", "startRoles": "y"}) \
        and "spaceship" in start_guards.rule_problems({"startSubject": "spaceship"})[0]
    assert any("city_official" in p for p in start_guards.rule_problems(
        {"startSubject": "hazardous_work", "startStatuses": "registered", "startRoles": "city_official"}))
    assert start_guards.rule_problems({"startRoles": "contractor_pm"})  # no subject
    assert start_guards.rule_problems({"startSubject": "hazardous_work"})  # no statuses nor roles
    assert start_guards.rule_problems({"startSubject": "hazardous_work", "startStatuses": "registered",
                                       "startRoles": "contractor_pm"}) == []


def test_a_new_version_with_another_status_list_changes_who_may_start(app):
    deployments.deploy(_bundle())
    project = gen_project()
    pm = as_actor(gen_user("contractor_pm", project=project))
    work = gen_work(project, status="registered")
    with pytest.raises(ConflictError) as info:
        cases.start_case(pm, KEY, project_code=project.code, subject_type="hazardous_work", subject_id=work.id)
    assert info.value.code == "work_status_invalid"
    with pytest.raises(ValidationError) as info:
        cases.start_case(pm, KEY, project_code=project.code)
    assert info.value.code == "work_required"

    deployments.deploy(_bundle(new='<spiffworkflow:property name="startStatuses" value="registered"/>'))
    assert cases.start_case(pm, KEY, project_code=project.code, subject_type="hazardous_work",
                            subject_id=work.id) > 0
