"""rectification_order (下发整改): issue → notice → reply → audit by the issuer [pass | return ⟲]."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from app.errors import NotFoundError, PermissionDeniedError, ValidationError
from app.extensions import db
from app.models import InboxTask, IssuedDocument, LegalClause, OrgUnit, OutboxMessage, RectificationOrder
from app.services.supervision.clauses import create_clause, update_clause
from app.services.supervision.orders import order_of
from app.services.workflow import cases, inbox_queries, timers
from tests.support.factories import gen_user
from tests.support.processes import actor, events

from .support import children, comments, complete, has_task, status, task, tasks_of, upload, user_id

PROJECT = "JS-2026-001"


def templates(instance_id: int) -> list[str]:
    return list(db.session.scalars(select(IssuedDocument.template).where(
        IssuedDocument.instance_id == instance_id).order_by(IssuedDocument.id)))


def start_order(who: str = "district_safety") -> int:
    return cases.start_case(actor(who), "rectification_order", project_code=PROJECT,
                            title="金水湾 限期整改")


def issue(instance_id: int, order_type: str = "deadline", deadline: str = "2026-03-09",
          who: str = "district_safety", codes: tuple[str, ...] = ("JGJ59-3.13",), **extra) -> None:
    official = actor(who)
    photo = upload(official, instance_id, "issue_order", "problem.png")
    files = upload(official, instance_id, "issue_order", "record.pdf.png")
    complete(official, instance_id, "issue_order", {
        "order_type": order_type, "inspection_date": "2026-03-02", "deadline": deadline,
        "problems": [{"description": "临边防护缺失", "location": "3#楼12层", "photos": [photo],
                      "clauses": list(codes)}],
        "requirements": "立即整改", "files": [files], **extra})


def reply(instance_id: int, who: str = "contractor_pm") -> list[int]:
    pm = actor(who)
    photo = upload(pm, instance_id, "reply", "after.png")
    complete(pm, instance_id, "reply", {"measures": "已补设防护栏杆", "completed_on": "2026-03-05",
                                        "photos": [photo]})
    return [photo]


def audit(instance_id: int, decision: str, who: str = "district_safety", **extra) -> None:
    complete(actor(who), instance_id, "audit", {"decision": decision, **extra})


@pytest.fixture
def clauses(family):
    create_clause(actor("district_safety"), "JGJ59-3.13", "建筑施工安全检查标准 3.13",
                  "临边、洞口应设置防护设施。")
    create_clause(actor("district_safety"), "JGJ59-3.16", "建筑施工安全检查标准 3.16",
                  "塔式起重机应安装力矩限制器。")


def test_deadline_order_returned_twice_then_passed(clauses):
    order = start_order()
    issue(order)
    row = order_of(order)
    assert (row.order_type, row.status, row.issuer_user_id) == ("deadline", "issued", user_id("district_safety"))
    assert templates(order) == ["rectification_notice"]
    notice = db.session.scalar(select(IssuedDocument).where(IssuedDocument.instance_id == order))
    printed = notice.context["problems"][0]
    assert printed["basis"][0] == {"rule": "建筑施工安全检查标准 3.13", "article": "（JGJ59-3.13）"}
    assert printed["photos"] and notice.context["deadline"] == "2026-03-09"
    assert not has_task(actor("contractor_pm2"), order, "reply")  # 二七区 project manager

    for round_no, reason in enumerate(["照片不清晰", "缺少监理签字"], start=1):
        reply(order)
        assert order_of(order).status == "replied"
        audit(order, "return", reason=reason)
        assert order_of(order).return_count == round_no
        assert comments(order)[-1] == f"整改退回原因：{reason}"
        assert task(actor("contractor_pm"), order, "reply")  # back to the contractor
    reply(order)
    audit(order, "pass", opinion="整改到位")
    assert status(order) == "completed"
    assert order_of(order).status == "closed"
    assert templates(order) == ["rectification_notice"]
    assert [e.data["reason"] for e in events(order, "order_returned")] == ["照片不清晰", "缺少监理签字"]


def test_audit_goes_only_to_the_issuing_official(clauses):
    jinshui = db.session.scalar(select(OrgUnit).where(OrgUnit.code == "ZZ-JS"))
    colleague = gen_user("district_safety_officer", org_unit=jinshui)
    db.session.commit()
    order = start_order()
    assert has_task(actor(colleague.username), order, "issue_order")  # any officer may issue
    issue(order)
    reply(order)
    assert has_task(actor("district_safety"), order, "audit")
    assert not has_task(actor(colleague.username), order, "audit")
    row = db.session.scalar(select(InboxTask).where(InboxTask.instance_id == order,
                                                    InboxTask.task_name == "audit"))
    assert row.candidate_user_id == user_id("district_safety")


@pytest.mark.parametrize("order_type", ["partial_stop", "full_stop"])
def test_stop_order_passing_audit_prints_the_resumption_notice(clauses, order_type):
    order = start_order()
    issue(order, order_type, stop_scope="3#楼12层以上")
    reply(order)
    audit(order, "pass")
    assert templates(order) == ["stop_work_notice", "resumption_notice"]
    stop, resume = db.session.scalars(select(IssuedDocument).where(
        IssuedDocument.instance_id == order).order_by(IssuedDocument.id))
    assert resume.context["stop_notice_number"] == stop.number
    assert resume.context["evidence_summary"] == "已补设防护栏杆"
    assert resume.context["evidence"] == ["整改后照片1张"]  # no report sent: the order's own files are not his
    assert [e.kind for e in events(order, "order_resumed")] == ["order_resumed"]


def test_the_reply_report_and_the_order_files_stay_apart(clauses):
    order = start_order()
    issue(order, "full_stop", stop_scope="全部")
    pm = actor("contractor_pm")
    photo = upload(pm, order, "reply", "after.png")
    report = upload(pm, order, "reply", "report.pdf.png")
    complete(pm, order, "reply", {"measures": "已补设防护栏杆", "completed_on": "2026-03-05",
                                  "photos": [photo], "reply_files": [report]})
    audit(order, "pass")
    resume = db.session.scalars(select(IssuedDocument).where(
        IssuedDocument.instance_id == order).order_by(IssuedDocument.id)).all()[-1]
    assert resume.context["evidence"] == ["整改后照片1张", "整改报告等附件1份"]


def test_deadline_reminder_then_automatic_urging_once(clauses, clock):
    order = start_order()
    issue(order, deadline="2026-03-04")  # ends 2026-03-05 00:00 China time
    pm = actor("contractor_pm")
    assert task(pm, order, "reply").due_at is not None
    clock.advance(days=2, hours=16)  # 2026-03-04 17:00 UTC: past the deadline
    timers.fire_due_timers()
    assert order_of(order).status == "overdue"
    assert len(events(order, "order_overdue_reminder")) == 1
    overdue = inbox_queries.list_tasks(pm, inbox_queries.InboxFilter(overdue=True)).items
    assert [r.task_name for r in overdue if r.instance_id == order] == ["reply"]
    notes = [m.payload for m in db.session.scalars(select(OutboxMessage).where(
        OutboxMessage.task_name == "notifications.send"))]
    assert any(n["instance_id"] == order and n["role"] == "contractor_pm" for n in notes)
    assert children(order, "supervision_urging") == []

    clock.advance(days=3)  # urge_after_days (default 3) after the deadline
    timers.fire_due_timers()
    urgings = children(order, "supervision_urging")
    assert len(urgings) == 1 and order_of(order).status == "urged"
    assert order_of(order).urging_instance_id == urgings[0]
    assert [e.kind for e in events(order, "order_escalated")] == ["order_escalated"]
    # the urging item went straight to the district unit's sign-for (bound to the issuer)
    assert has_task(actor("district_safety"), urgings[0], "sign_for")

    clock.advance(days=5)
    timers.fire_due_timers()
    assert children(order, "supervision_urging") == urgings  # never a second urging item
    reply(order)  # the contractor may still answer
    audit(order, "pass")
    assert status(order) == "completed"


def test_return_after_the_deadline_sets_a_new_deadline(clauses, clock):
    order = start_order()
    issue(order, deadline="2026-03-03")
    reply(order)
    clock.advance(days=5)
    audit(order, "return", reason="未整改到位", new_deadline="2026-03-20")
    timers.fire_due_timers()
    assert order_of(order).status == "returned"  # no reminder: the new deadline is ahead
    clock.advance(days=14)
    timers.fire_due_timers()
    assert order_of(order).status == "overdue"


def test_refusals(clauses):
    order = start_order()
    other = actor("district_safety2")  # 二七区: no jurisdiction over 金水区 projects
    assert not any(r.instance_id == order for r in tasks_of(other))
    row_id = task(actor("district_safety"), order, "issue_order").id
    with pytest.raises(NotFoundError):
        cases.complete_task(other, row_id, {})
    with pytest.raises(NotFoundError):
        cases.start_case(other, "rectification_order", project_code=PROJECT)
    with pytest.raises(ValidationError) as invalid:
        cases.complete_task(actor("district_safety"), row_id, {"order_type": "full_stop",
                                                               "deadline": "明天", "problems": []})
    assert {"deadline", "problems", "stop_scope"} <= set(invalid.value.fields)
    issue(order)
    reply_id = task(actor("contractor_pm"), order, "reply").id
    with pytest.raises(NotFoundError):
        cases.complete_task(actor("contractor_pm2"), reply_id, {})  # another project's PM
    with pytest.raises(PermissionDeniedError):
        cases.complete_task(actor("owner_rep"), reply_id, {})  # right project, wrong role
    with pytest.raises(ValidationError) as invalid:
        cases.complete_task(actor("contractor_pm"), reply_id, {"measures": "", "photos": [999]})
    assert {"measures", "completed_on", "photos"} <= set(invalid.value.fields)
    reply(order)
    audit_id = task(actor("district_safety"), order, "audit").id
    with pytest.raises(ValidationError) as invalid:
        cases.complete_task(actor("district_safety"), audit_id, {"decision": "return"})
    assert "reason" in invalid.value.fields
    assert set(db.session.scalars(select(LegalClause.code))) == {"JGJ59-3.13", "JGJ59-3.16"}
    assert db.session.scalar(select(RectificationOrder.status)) == "replied"



def _issue_with_clauses(instance_id: int, codes: list[str]) -> None:
    complete(actor("district_safety"), instance_id, "issue_order", {
        "order_type": "deadline", "inspection_date": "2026-03-02", "deadline": "2026-03-09",
        "problems": [{"description": "临边防护缺失", "location": "3#楼12层", "clauses": codes}],
        "requirements": "立即整改"})


def test_a_problem_keeps_every_clause_and_unknown_or_retired_codes_are_refused(clauses):
    order = start_order()
    with pytest.raises(ValidationError) as invalid:
        _issue_with_clauses(order, ["JGJ59-3.13", "XX-404"])
    assert invalid.value.code == "form_invalid"
    assert list(invalid.value.fields) == ["problems.0.clauses.1"]  # the code, at its own index
    assert "XX-404" in invalid.value.fields["problems.0.clauses.1"][0]
    retired = db.session.scalar(select(LegalClause.id).where(LegalClause.code == "JGJ59-3.16"))
    update_clause(actor("district_safety"), retired, active=False)
    with pytest.raises(ValidationError) as invalid:
        _issue_with_clauses(order, ["JGJ59-3.16"])
    assert list(invalid.value.fields) == ["problems.0.clauses.0"]
    update_clause(actor("district_safety"), retired, active=True)
    issue(order, codes=("JGJ59-3.13", "JGJ59-3.16"))
    printed = db.session.scalar(select(IssuedDocument.context).where(IssuedDocument.instance_id == order))
    assert "XX-404" not in str(printed)
    assert "JGJ59-3.13" in str(printed) and "JGJ59-3.16" in str(printed)
