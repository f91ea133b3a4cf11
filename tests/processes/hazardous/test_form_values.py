"""Read-only form fields: shown through the API task detail as on the task page, never taken
back from a submission; dates a form orders (x-notBefore) are checked."""
from __future__ import annotations

import pytest

from app.errors import ValidationError
from tests.support.processes import events, my_task

from .plan_steps import COMPILE
from .support import complete, set_status, start, work
from .test_termination import APPLY, apply, review


def test_the_api_task_detail_shows_the_return_reason_the_form_displays(hz, api):
    w = work()
    set_status(w, "in_progress")
    iid = start("contractor_pm", "hazardous_termination", w)
    apply(iid)
    review(iid, reason="缺施工结束证明原件")
    row = my_task("contractor_pm", iid, "apply_termination")
    form = api.get(f"/api/v1/tasks/{row.id}", "contractor_pm").get_json()["data"]["form"]
    assert form["values"]["return_reason"] == "缺施工结束证明原件"
    assert form["schema"]["properties"]["return_reason"]["readOnly"] is True
    apply(iid)
    review_row = my_task("district_safety", iid, "review_termination")
    shown = api.get(f"/api/v1/tasks/{review_row.id}", "district_safety").get_json()["data"]["form"]
    assert shown["values"] == {"termination_description": APPLY["termination_description"]}


def test_a_read_only_field_sent_back_is_not_written_into_the_case(hz):
    w = work()
    set_status(w, "in_progress")
    iid = start("contractor_pm", "hazardous_termination", w)
    complete("contractor_pm", iid, "apply_termination", {**APPLY, "return_reason": "我自己写的退回原因"},
             files={"completion_proof": 1})
    [done] = events(iid, "task_completed")
    assert "return_reason" not in done.data and done.data["termination_description"]


def test_a_plan_that_ends_before_it_starts_is_refused_on_the_end_field(hz):
    iid = start("contractor_pm", "hazardous_plan_review", work())
    with pytest.raises(ValidationError) as refused:
        complete("contractor_pm", iid, "compile_plan", {**COMPILE, "planned_end": "2026-03-09"},
                 files={"plan_file": 1})
    assert refused.value.code == "form_invalid" and set(refused.value.fields) == {"planned_end"}
    complete("contractor_pm", iid, "compile_plan", {**COMPILE, "planned_end": "2026-03-10"},
             files={"plan_file": 1})  # the same day is fine
