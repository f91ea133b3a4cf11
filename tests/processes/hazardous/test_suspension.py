"""hazardous_suspension: apply → district review ⟲ → suspended (告知书) → resume ⟲ → in_progress (告知书)."""
from __future__ import annotations

import pytest

from app.errors import ConflictError
from tests.support.processes import context

from .support import Application, inbox_names, notices, set_status, start, status_of, work

APPLY = {"expected_suspend_date": "2026-03-05", "suspend_part": "B区基坑东侧", "suspend_reason": "春节后劳务不足",
         "safety_measures": "基坑临边防护、降水持续运行、专人值守"}
RESUME = {"expected_resume_date": "2026-04-01", "resume_description": "劳务到位，支护复查合格"}


SUSPENSION = Application("hazardous_suspension", "apply_suspension", APPLY, {"suspend_photos": 2},
                         "review_suspension", "suspension", approval={"suspension_opinion": "同意中止"})
RESUMPTION = Application("hazardous_suspension", "apply_resumption", RESUME, {"resume_acceptance_report": 1},
                         "review_resumption", "resumption")
apply, review, suspend = SUSPENSION.apply, SUSPENSION.review, SUSPENSION.approved
apply_resume, review_resume = RESUMPTION.apply, RESUMPTION.review


def test_suspension_and_resumption_with_their_notices(hz):
    w = work()
    set_status(w, "in_progress")
    iid = start("contractor_pm", "hazardous_suspension", w)
    apply(iid)
    assert inbox_names("district_safety", iid) == ["review_suspension"]
    review(iid)
    assert status_of(w) == "suspended"
    [notice] = notices(iid)
    assert notice["template"] == "supervision_suspend_notice"
    assert (notice["reason"], notice["part_under_construction"], notice["suspension_date"]) == (
        APPLY["suspend_reason"], APPLY["suspend_part"], "2026-03-05")
    assert notice["application_date"] == "2026-03-02" and notice["hazardous_work"]["name"] == w.name
    assert notice["safety_measures"] == APPLY["safety_measures"] and notice["issue_by"] == "2026-03-09"
    assert inbox_names("contractor_pm", iid) == ["apply_resumption"]
    apply_resume(iid)
    result = review_resume(iid)
    assert result.status == "completed" and status_of(w) == "in_progress"
    assert [n["template"] for n in notices(iid)] == ["supervision_suspend_notice", "supervision_resume_notice"]
    assert notices(iid)[1]["resumption_date"] == "2026-04-01"
    resume = notices(iid)[1]
    assert len(resume["acceptance_report"]) == 1 and resume["acceptance_report_ref"].startswith("恢复条件验收报告")
    assert resume["suspend_notice_number"] and "中" in resume["suspend_notice_number"]


def test_both_reviews_return_twice_with_the_reason_shown(hz_sqlite):
    w = work()
    set_status(w, "plan_approved")
    iid = start("contractor_pm", "hazardous_suspension", w)
    for n in (1, 2):
        apply(iid)
        review(iid, reason=f"第{n}次：安全保障措施不具体")
        assert context("contractor_pm", iid, "apply_suspension")["return_reason"] == f"第{n}次：安全保障措施不具体"
        assert status_of(w) == "plan_approved"
    apply(iid)
    review(iid)
    assert context("contractor_pm", iid, "apply_resumption")["return_reason"] == ""
    for n in (1, 2):
        apply_resume(iid)
        review_resume(iid, reason=f"第{n}次：恢复条件验收报告缺监理签字")
        assert context("contractor_pm", iid, "apply_resumption") == {
            "returned_by": "区安监站（恢复审核）", "return_reason": f"第{n}次：恢复条件验收报告缺监理签字"}
        assert status_of(w) == "suspended"
    apply_resume(iid)
    review_resume(iid)
    assert status_of(w) == "in_progress"


def test_a_suspended_work_cannot_be_suspended_again_or_accepted(hz_sqlite):
    w = work()
    set_status(w, "in_progress")
    suspend(w)
    for key in ("hazardous_suspension", "hazardous_acceptance", "hazardous_inspection"):
        with pytest.raises(ConflictError) as info:
            start("contractor_pm" if key != "hazardous_inspection" else "supervisor", key, w)
        assert info.value.code == "work_status_invalid", key
    assert "已中止" in str(info.value)


def test_registered_work_cannot_be_suspended(hz_sqlite):
    with pytest.raises(ConflictError) as info:
        start("contractor_pm", "hazardous_suspension", work())
    assert info.value.code == "work_status_invalid"
