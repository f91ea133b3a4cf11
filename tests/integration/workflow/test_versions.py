"""Running instances stay on their definition version, forms included."""
from __future__ import annotations

import pytest

from app.errors import PermissionDeniedError, ValidationError
from app.extensions import db
from app.models import ProcessInstance
from app.services.workflow import cases
from tests.support.factories import gen_project, gen_user

from .conftest import FIXTURES, as_actor, gen_work, open_rows

COMPILE_V2 = {"$schema": "https://json-schema.org/draft/2020-12/schema", "type": "object",
              "required": ["plan_name", "plan_no"],
              "properties": {"plan_name": {"type": "string"}, "plan_no": {"type": "string"}}}


def test_v1_instance_finishes_on_v1_while_new_ones_use_v2(app, deploy):
    [v1] = deploy("review_loop.bpmn")
    project = gen_project()
    pm = as_actor(gen_user("contractor_pm", project=project))
    chief = as_actor(gen_user("chief_supervisor", project=project))
    data = {"work_id": gen_work(project).id, "compile_days": 2, "history": None}
    old = cases.start_case(pm, "review_loop", project_code=project.code, data=data)

    bpmn = (FIXTURES / "review_loop.bpmn").read_text().replace(
        'name="Compile the special plan"', 'name="Compile the special plan (v2)"')
    [v2] = deploy(files={"review_loop.bpmn": bpmn.encode()}, forms={"plan_compile.json": COMPILE_V2})
    assert (v1.version, v2.version, v2.created) == (1, 2, True)
    new = cases.start_case(pm, "review_loop", project_code=project.code, data=data)

    [old_row], [new_row] = open_rows(old), open_rows(new)
    assert old_row.title == "Compile the special plan"
    assert new_row.title == "Compile the special plan (v2)"
    with pytest.raises(ValidationError) as info:
        cases.complete_task(pm, new_row.id, {"plan_name": "p"})
    assert set(info.value.fields) == {"plan_no"}
    cases.complete_task(pm, old_row.id, {"plan_name": "p"})  # v1's form has no plan_no
    cases.complete_task(chief, open_rows(old)[0].id, {"decision": "pass"})
    instance = db.session.get(ProcessInstance, old)
    assert (instance.status, instance.definition.version) == ("completed", 1)
    assert cases.get_case(pm, new).version == 2


def test_a_new_version_moving_the_start_into_an_officials_lane_is_refused_at_once(app, deploy):
    """Whether the start lies in an official's lane is remembered per deployed version: a
    version deployed after a start on the last one is read afresh, either way."""
    [v1] = deploy("review_loop.bpmn")
    project = gen_project()
    pm = as_actor(gen_user("contractor_pm", project=project))
    data = {"work_id": gen_work(project).id, "compile_days": 2, "history": None}
    assert cases.start_case(pm, "review_loop", project_code=project.code, data=data)

    official = (FIXTURES / "review_loop.bpmn").read_text().replace(
        'name="chief_supervisor"', 'name="district_safety_officer"')
    [v2] = deploy(files={"review_loop.bpmn": official.encode()})
    assert v2.version == 2
    with pytest.raises(PermissionDeniedError) as refused:
        cases.start_case(pm, "review_loop", project_code=project.code, data=data)
    assert refused.value.code == "case_start_role"

    [v3] = deploy("review_loop.bpmn")  # back in the enterprise's lane
    assert v3.version == 3
    assert cases.start_case(pm, "review_loop", project_code=project.code, data=data)
