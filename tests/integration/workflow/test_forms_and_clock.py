"""Attachment fields must name files of the same case; the service clock can be pinned."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from app.errors import ValidationError
from app.extensions import db
from app.infra import wallclock as service_clock
from app.models import Attachment
from app.services.workflow import cases
from tests.support.factories import gen_project, gen_user

from .conftest import T0, as_actor, gen_work, open_rows

COMPILE_WITH_FILE = {
    "$schema": "https://json-schema.org/draft/2020-12/schema", "type": "object",
    "required": ["plan_name", "plan_file"],
    "properties": {"plan_name": {"type": "string"},
                   "plan_file": {"type": "integer", "format": "attachment"},
                   "drawings": {"type": "array", "items": {"type": "integer", "format": "attachment"}},
                   "problems": {"type": "array", "items": {"type": "object", "properties": {
                       "text": {"type": "string"},
                       "photos": {"type": "array", "items": {"type": "integer", "format": "attachment"}}}}}},
}


def attach(instance_id: int, name: str) -> int:
    row = Attachment(instance_id=instance_id, sha256="0" * 64, filename=name,
                     content_type="application/pdf", size=1)
    db.session.add(row)
    db.session.commit()
    return row.id


def test_attachment_fields_accept_only_files_of_the_same_case(app, deploy):
    deploy("review_loop.bpmn", forms={"plan_compile.json": COMPILE_WITH_FILE})
    project = gen_project()
    pm = as_actor(gen_user("contractor_pm", project=project))
    data = {"work_id": gen_work(project).id, "compile_days": 2, "history": None}
    mine = cases.start_case(pm, "review_loop", project_code=project.code, data=data)
    other = cases.start_case(pm, "review_loop", project_code=project.code, data=data)
    own_file, foreign_file = attach(mine, "plan.pdf"), attach(other, "x.pdf")
    [row] = open_rows(mine)
    for bad in ({"plan_name": "p"},
                {"plan_name": "p", "plan_file": foreign_file},
                {"plan_name": "p", "plan_file": own_file, "drawings": [own_file, 999999]}):
        with pytest.raises(ValidationError) as info:
            cases.complete_task(pm, row.id, bad)
        assert info.value.code == "form_invalid"
        assert set(info.value.fields) == ({"plan_file"} if "drawings" not in bad else {"drawings"})
    # Photos inside problem items (arrays of objects) are checked too, field by field.
    nested = {"plan_name": "p", "plan_file": own_file,
              "problems": [{"text": "ok", "photos": [own_file]}, {"text": "x", "photos": [foreign_file]}]}
    with pytest.raises(ValidationError) as info:
        cases.complete_task(pm, row.id, nested)
    assert info.value.fields == {"problems.1.photos": ["附件不存在或不属于本案件。"]}
    result = cases.complete_task(pm, row.id, {"plan_name": "p", "plan_file": own_file,
                                              "drawings": [own_file],
                                              "problems": [{"text": "ok", "photos": [own_file]}]})
    assert result.status == "running" and len(result.new_task_ids) == 1


def test_clock_can_be_pinned_advanced_and_released():
    # The autouse fixture pins T0 for every test in this folder.
    assert service_clock.now() == T0
    assert service_clock.advance(hours=2) == T0 + timedelta(hours=2)
    with service_clock.frozen(datetime(2030, 1, 1, tzinfo=UTC)) as inner:
        inner.advance(days=1)
        assert service_clock.now() == datetime(2030, 1, 2, tzinfo=UTC)
    assert service_clock.now() == T0 + timedelta(hours=2)
    with pytest.raises(ValueError):
        service_clock.set_now(datetime(2030, 1, 1))
    service_clock.reset()
    assert abs(service_clock.now() - datetime.now(UTC)) < timedelta(seconds=5)
