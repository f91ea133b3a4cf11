"""Every path of `quality_handling`: told at once; re-test; rectification with the quality
rectification notice; stop of the affected part; an unqualified re-test back to the officer."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from app.errors import DomainError
from app.extensions import db
from app.models import User
from app.rendering import missing_fields
from app.services.casework import task_reads
from app.services.workflow import cases
from tests.processes.quality.support import complete, notices, open_tasks, status, told, unqualified_report
from tests.support.processes import actor, context, my_task

QUALIFIED = {"retest_report_no": "BG2026-0101", "retest_conclusion": "qualified", "retest_note": "复检合格。"}


def _ids(*usernames: str) -> list[int]:
    return sorted(db.session.scalars(select(User.id).where(User.username.in_(usernames))))


def test_the_pm_and_chief_supervisor_are_told_and_the_officer_decides(demo_sqlite):
    case = unqualified_report()
    assert told(case) == {"contractor_pm": _ids("contractor_pm"), "chief_supervisor": _ids("chief_supervisor")}
    assert open_tasks(case) == [("decide", "district_quality_officer")]
    shown = context("district_quality", case, "decide")
    assert (shown["report_no"], shown["materials"]) == ("BG2026-0001", "热轧带肋钢筋")
    assert shown["failed_summary"] == "屈服强度 372 MPa（≥400 MPa）"
    decide = my_task("district_quality", case, "decide").id
    for other in ("district_safety", "contractor_pm"):  # the safety station and the PM do not decide
        with pytest.raises(DomainError):
            cases.complete_task(actor(other), decide, {"quality_decision": "retest", "decision_opinion": "复检。"})


def test_a_retest_decision_goes_straight_to_the_supervisor_and_a_qualified_retest_closes(demo_sqlite):
    case = unqualified_report()
    complete("district_quality", case, "decide", {"quality_decision": "retest", "decision_opinion": "取双倍样复检。"})
    assert open_tasks(case) == [("record_retest", "supervisor")] and notices(case) == []
    complete("supervisor", case, "record_retest", QUALIFIED)
    assert status(case) == "completed"


def test_a_rectification_prints_the_notice_and_the_pm_replies_before_the_retest(demo_sqlite):
    case = unqualified_report()
    with pytest.raises(DomainError) as refused:
        complete("district_quality", case, "decide", {"quality_decision": "rectify", "decision_opinion": "整改。"})
    assert refused.value.code == "form_invalid"
    complete("district_quality", case, "decide", {
        "quality_decision": "rectify", "decision_opinion": "该批钢筋不合格。", "requirements": "清退该批钢筋。",
        "deadline": "2026-03-10"})
    [notice] = notices(case)
    assert notice.template == "quality_rectification_notice"
    assert notice.context["measure"] == "限期整改" and notice.context["affected_scope"] == "不涉及停工"
    assert [i["name"] for i in notice.context["failed_items"]] == ["屈服强度"]
    assert missing_fields(notice.template, {**notice.context, "number": notice.number,
                                            "verify_code": notice.verify_code}) == []
    assert open_tasks(case) == [("reply", "contractor_pm")]
    assert context("contractor_pm", case, "reply")["requirements"] == "清退该批钢筋。"
    reply = my_task("contractor_pm", case, "reply")
    assert reply.subject_title.startswith("检测不合格 BG2026-0001（")
    summary = {f["label"]: f["value"] for f in task_reads.task_detail(actor("contractor_pm"), reply.id)["summary"]}
    assert (summary["检测报告编号"], summary["不合格项目"]) == ("BG2026-0001", "屈服强度 372 MPa（≥400 MPa）")
    assert summary["整改要求"] == "清退该批钢筋。"
    assert summary["处理决定"] == "限期整改（下达质量整改通知书）"  # the decision's words, not its code
    complete("contractor_pm", case, "reply", {"rectification_measures": "已清退并重新进场。", "completed_on": "2026-03-08"})
    complete("supervisor", case, "record_retest", QUALIFIED)
    assert status(case) == "completed"


def test_a_stop_of_the_affected_part_names_it_and_an_unqualified_retest_goes_back(demo_sqlite):
    case = unqualified_report()
    complete("district_quality", case, "decide", {
        "quality_decision": "stop_part", "decision_opinion": "暂停3#楼二层柱施工。", "requirements": "拆除更换。",
        "deadline": "2026-03-12", "stop_scope": "3#楼二层框架柱"})
    [notice] = notices(case)
    assert (notice.context["measure"], notice.context["affected_scope"]) == ("暂停受影响部位施工并整改", "3#楼二层框架柱")
    complete("contractor_pm", case, "reply", {"rectification_measures": "已拆除更换。", "completed_on": "2026-03-11"})
    complete("supervisor", case, "record_retest", {"retest_report_no": "BG2026-0102", "retest_conclusion": "unqualified"})
    assert open_tasks(case) == [("decide", "district_quality_officer")]
    complete("district_quality", case, "decide", {"quality_decision": "retest", "decision_opinion": "再次复检。"})
    complete("supervisor", case, "record_retest", QUALIFIED)
    assert status(case) == "completed"
