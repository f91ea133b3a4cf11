"""hazardous_termination: apply → district review ⟲ → terminated (告知书); afterwards nothing."""
from __future__ import annotations

import pytest

from app.errors import ConflictError
from app.services.hazard import start_rules
from tests.support.processes import actor, context, my_task

from .support import KEYS, Application, notices, set_status, start, status_of, work
from .test_suspension import suspend

APPLY = {"expected_termination_date": "2026-03-20", "termination_description": "设计变更取消该基坑"}

TERMINATION = Application("hazardous_termination", "apply_termination", APPLY, {"completion_proof": 1},
                          "review_termination", "termination")
apply, review, terminate = TERMINATION.apply, TERMINATION.review, TERMINATION.approved


def test_termination_returns_twice_then_terminates_and_prints_the_notice(hz):
    w = work()
    set_status(w, "in_progress")
    iid = start("contractor_pm", "hazardous_termination", w)
    for n in (1, 2):
        apply(iid)
        review(iid, reason=f"第{n}次：缺施工结束证明原件")
        assert context("contractor_pm", iid, "apply_termination")["return_reason"] == f"第{n}次：缺施工结束证明原件"
        assert status_of(w) == "in_progress"
    apply(iid)
    result = review(iid)
    assert result.status == "completed" and status_of(w) == "terminated"
    [notice] = notices(iid)
    assert notice["template"] == "supervision_terminate_notice"
    assert notice["termination_date"] == "2026-03-20" and len(notice["completion_proof"]) == 1
    assert notice["end_proof_ref"].startswith("工程施工结束证明") and notice["reason"] == APPLY["termination_description"]


@pytest.mark.parametrize("status", ["registered", "accepted"])
def test_nothing_can_be_started_on_a_terminated_work(hz_sqlite, status):
    w = work()
    set_status(w, status)
    terminate(w)
    for key in KEYS:
        username = "supervisor" if key == "hazardous_inspection" else "contractor_pm"
        with pytest.raises(ConflictError) as info:
            start(username, key, w)
        assert info.value.code == "work_terminated", key
    with pytest.raises(ConflictError) as info:  # even processes without a hazardous rule
        start_rules.check_can_start(actor("contractor_pm"), "site_check", "hazardous_work", w.id)
    assert info.value.code == "work_terminated"


def test_forms_of_other_cases_become_read_only(hz_sqlite):
    w = work()
    set_status(w, "in_progress")
    suspension_id = suspend(w)
    resume_row = my_task("contractor_pm", suspension_id, "apply_resumption")
    start_rules.check_can_complete(resume_row.process_key, resume_row.subject_type, resume_row.subject_id)
    termination_id = start("contractor_pm", "hazardous_termination", w)
    apply(termination_id)
    review_row = my_task("district_safety", termination_id, "review_termination")
    review(termination_id)
    assert status_of(w) == "terminated"
    with pytest.raises(ConflictError) as info:
        start_rules.check_can_complete(resume_row.process_key, resume_row.subject_type, resume_row.subject_id)
    assert info.value.code == "work_terminated"
    # the termination chain's own steps stay workable
    start_rules.check_can_complete(review_row.process_key, review_row.subject_type, review_row.subject_id)


def test_a_second_termination_while_one_is_open_is_refused(hz_sqlite):
    w = work()
    start("contractor_pm", "hazardous_termination", w)
    with pytest.raises(ConflictError) as info:
        start("contractor_pm", "hazardous_termination", w)
    assert info.value.code == "case_already_open"
