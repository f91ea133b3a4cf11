"""Ids in a form must point at records of the case's own project (x-projectRef), dates obey
x-notBefore / x-notPast: a clear 422 naming the field, on both databases."""
from __future__ import annotations

import pytest

from app.errors import ValidationError
from app.services.workflow import cases
from tests.support.factories import gen_device, gen_project, gen_user

from .conftest import as_actor, gen_work, open_rows

COMPILE = {
    "$schema": "https://json-schema.org/draft/2020-12/schema", "type": "object",
    "properties": {"plan_name": {"type": "string"},
                   "work": {"type": "integer", "x-projectRef": "hazardous_work"},
                   "devices": {"type": "array", "items": {"type": "integer"}, "x-projectRef": "device"},
                   "deadline": {"type": "string", "format": "date", "x-notPast": True}},
}


def test_ids_of_another_projects_records_are_refused_by_field(app, deploy):
    deploy("review_loop.bpmn", forms={"plan_compile.json": COMPILE})
    project, elsewhere = gen_project(), gen_project()
    pm = as_actor(gen_user("contractor_pm", project=project))
    own_work, own_device = gen_work(project), gen_device(project)
    foreign_work, foreign_device = gen_work(elsewhere), gen_device(elsewhere)
    case = cases.start_case(pm, "review_loop", project_code=project.code,
                            data={"work_id": own_work.id, "compile_days": 2, "history": None})
    [row] = open_rows(case)
    for bad, field in (({"work": foreign_work.id}, "work"),
                       ({"devices": [own_device.id, foreign_device.id]}, "devices"),
                       ({"work": own_work.id, "deadline": "2026-03-01"}, "deadline")):  # T0 is 03-02
        with pytest.raises(ValidationError) as refused:
            cases.complete_task(pm, row.id, {"plan_name": "p", **bad})
        assert refused.value.code == "form_invalid" and set(refused.value.fields) == {field}
    result = cases.complete_task(pm, row.id, {"plan_name": "p", "work": own_work.id,
                                              "devices": [own_device.id], "deadline": "2026-03-02"})
    assert result.status == "running"
