"""hazardous_acceptance: apply → chief supervisor review ⟲ → filing → accepted; officials read it."""
from __future__ import annotations

import pytest

from app.errors import ConflictError, NotFoundError
from app.services.hazard import work_cases
from tests.support.processes import actor, context

from .support import Application, complete, inbox_names, set_status, start, status_of, work

APPLY = {"actual_start": "2026-03-10", "actual_end": "2026-05-30", "acceptance_date": "2026-06-02",
         "acceptance_parts": "基坑支护及降水", "acceptance_units": "施工单位 张伟；监理单位 赵军；勘察单位 周伟",
         "acceptance_description": "支护结构及监测数据满足设计要求"}


ACCEPTANCE = Application("hazardous_acceptance", "apply_acceptance", APPLY, {"acceptance_report": 1},
                         "review_acceptance", "acceptance", approval={"acceptance_opinion": "同意验收"},
                         reviewer="chief_supervisor", approve="pass")
apply, review = ACCEPTANCE.apply, ACCEPTANCE.review


def file_records(iid: int):
    return complete("contractor_pm", iid, "file_records", {"filing_date": "2026-06-05"}, files={"filing_files": 2})


def test_acceptance_returns_twice_then_is_filed_and_officials_read_the_file(hz):
    w = work()
    set_status(w, "in_progress")
    iid = start("contractor_pm", "hazardous_acceptance", w)
    for n in (1, 2):
        apply(iid)
        assert inbox_names("chief_supervisor", iid) == ["review_acceptance"]
        review(iid, reason=f"第{n}次：验收报告缺勘察单位签字")
        assert context("contractor_pm", iid, "apply_acceptance") == {
            "returned_by": "总监理工程师", "return_reason": f"第{n}次：验收报告缺勘察单位签字"}
    apply(iid)
    review(iid)
    assert status_of(w) == "in_progress"
    assert inbox_names("contractor_pm", iid) == ["file_records"]
    result = file_records(iid)
    assert result.status == "completed" and status_of(w) == "accepted"
    for official in ("district_safety", "city_official"):
        case_file = work_cases.work_file(actor(official), w.id)
        assert case_file["work"]["status"] == "accepted"
        [case] = case_file["cases"]
        assert case["process_key"] == "hazardous_acceptance" and case["status"] == "completed"
        assert len(case["attachments"]) == 3 * 1 + 2  # three reports, two filing files
        assert [e["task_name"] for e in case["history"] if e["kind"] == "task_completed"][-1] == "file_records"
    with pytest.raises(NotFoundError):
        work_cases.work_file(actor("contractor_pm2"), w.id)


def test_acceptance_before_the_plan_is_approved_is_refused(hz_sqlite):
    with pytest.raises(ConflictError) as info:
        start("contractor_pm", "hazardous_acceptance", work())
    assert info.value.code == "work_status_invalid"
    assert "方案已通过、施工中" in info.value.message


def test_plan_approved_work_can_be_accepted(hz_sqlite):
    w = work(code="WD-02")
    set_status(w, "plan_approved")
    iid = start("contractor_pm", "hazardous_acceptance", w)
    apply(iid)
    review(iid)
    file_records(iid)
    assert status_of(w) == "accepted"
