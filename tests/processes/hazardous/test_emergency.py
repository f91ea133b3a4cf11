"""hazardous_emergency: emergency response report → district officer [close | ask for more ⟲]."""
from __future__ import annotations

import pytest

from app.errors import ConflictError, ValidationError
from app.services.workflow import cases
from tests.support.processes import actor, context, my_task

from .support import complete, inbox_names, set_status, start, work

REPORT = {"response_start": "2026-03-02T09:30", "response_end": "2026-03-02 15:00",
          "response_result": "基坑东侧渗水已封堵，无人员伤亡"}


def report(iid: int):
    return complete("contractor_pm", iid, "report_emergency", REPORT,
                    files={"response_report": 1, "response_photos": 2})


def test_report_is_sent_back_twice_for_more_then_closed(hz):
    w = work()
    set_status(w, "in_progress")
    iid = start("contractor_pm", "hazardous_emergency", w)
    for n in (1, 2):
        report(iid)
        row = my_task("district_safety", iid)
        assert row is not None and row.task_name == "acknowledge" and row.priority == 90
        complete("district_safety", iid, "acknowledge", {"ack_decision": "more_info", "ack_reason": f"第{n}次：补充监测数据"})
        assert context("contractor_pm", iid, "report_emergency")["return_reason"] == f"第{n}次：补充监测数据"
    report(iid)
    result = complete("district_safety", iid, "acknowledge", {"ack_decision": "close", "ack_opinion": "处置得当"})
    assert result.status == "completed"
    assert inbox_names("district_safety", iid) == []


def test_bad_times_and_blank_reasons_are_refused_with_field_names(hz_sqlite):
    w = work()
    set_status(w, "suspended")
    iid = start("contractor_pm", "hazardous_emergency", w)
    row = my_task("contractor_pm", iid, "report_emergency")
    with pytest.raises(ValidationError) as info:
        cases.complete_task(actor("contractor_pm"), row.id, {**REPORT, "response_start": "昨天"})
    assert set(info.value.fields) == {"response_start", "response_report"}
    report(iid)
    ack = my_task("district_safety", iid, "acknowledge")
    for blank in ({"ack_decision": "more_info"}, {"ack_decision": "more_info", "ack_reason": "   "},
                  {"ack_decision": "more_info", "ack_reason": ""}):
        with pytest.raises(ValidationError) as info:
            cases.complete_task(actor("district_safety"), ack.id, blank)
        assert set(info.value.fields) == {"ack_reason"}


def test_no_emergency_report_before_construction(hz_sqlite):
    with pytest.raises(ConflictError) as info:
        start("contractor_pm", "hazardous_emergency", work())
    assert info.value.code == "work_status_invalid"
