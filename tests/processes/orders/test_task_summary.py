"""The task shows its case (issue 15) in the orders family: the contractor's rectification reply
shows the problems, the deadline and the requirements; the issuer auditing it sees the answer;
a returned reply comes back filled with the reason on top; the inbox row names the order."""
from __future__ import annotations

from app.services.casework import task_reads
from tests.support.processes import actor

from .support import task
from .test_rectification_order import audit, clauses, issue, reply, start_order  # noqa: F401 (fixture)


def summary(username: str, order: int, task_name: str) -> dict:
    row = task(actor(username), order, task_name)
    return {f["label"]: f["value"] for f in task_reads.task_detail(actor(username), row.id)["summary"]}


def test_reply_and_audit_show_the_order_and_the_answer(clauses):  # noqa: F811
    order = start_order()
    issue(order)
    shown = summary("contractor_pm", order, "reply")
    assert shown["存在问题"] == ["3#楼12层：临边防护缺失"]
    assert shown["整改期限"] == "2026-03-09"
    assert shown["整改要求"] == "立即整改"
    assert shown["整改通知书"].startswith("金建安整〔2026〕")
    assert shown["工程项目"] == "金水湾住宅小区一期工程"
    row = task(actor("contractor_pm"), order, "reply")
    assert row.subject_title == f"整改单 {shown['整改通知书']}（金水湾住宅小区一期工程）"

    [photo] = reply(order)
    shown = summary("district_safety", order, "audit")
    assert shown["整改措施"] == "已补设防护栏杆" and shown["整改完成日期"] == "2026-03-05"
    assert shown["整改照片"] == [{"id": photo, "filename": "after.png", "current": True}]


def test_returned_reply_comes_back_filled_with_the_reason(clauses):  # noqa: F811
    order = start_order()
    issue(order)
    row = task(actor("contractor_pm"), order, "reply")
    assert task_reads.task_detail(actor("contractor_pm"), row.id)["returned"] is None
    [photo] = reply(order)
    audit(order, "return", reason="照片不清晰")
    row = task(actor("contractor_pm"), order, "reply")
    view = task_reads.task_detail(actor("contractor_pm"), row.id, with_values=True)
    assert view["returned"]["reason"] == "照片不清晰"
    assert view["form"]["previous"] == {"measures": "已补设防护栏杆", "completed_on": "2026-03-05",
                                        "photos": [photo]}
