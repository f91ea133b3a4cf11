"""supervision_urging (督办): register → decompose → notice → per-unit sign-for and report →
follow-up review [done | return ⟲], reminders before and counted urges after the deadline."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from app.errors import NotFoundError, PermissionDeniedError, ValidationError
from app.extensions import db
from app.models import IssuedDocument, UrgingAssignment
from app.services.supervision.urging_stats import unit_statistics
from app.services.workflow import cases, timers
from tests.support.processes import actor, events

from .support import comments, complete, has_task, status, task, upload

ITEM = {
    "item_no": "DB-2026-001", "category": "安全生产", "name": "汛期在建工地安全隐患排查",
    "content": "对辖区在建工地开展汛期安全隐患排查整治。", "requirements": "逐项排查，建立台账，按期报送。",
    "leader": "高建军", "start_date": "2026-03-02", "end_date": "2026-03-20",
    "reporting_method": "system", "warning_days": 2, "follow_up_person": "许静", "follow_up_phone": "0371-67180001", "urgency": "urgent",
    "assessment_point": "隐患整改闭环率", "assessment_index": "100%",
}
TASKS = {"tasks": [
    {"name": "金水区排查", "deadline": "2026-03-10", "lead_unit": "ZZ-JS", "assisting_units": ["ZZ-ZD"],
     "reporting_cycle": "weekly", "order": 1},
    {"name": "二七区排查", "deadline": "2026-03-10", "lead_unit": "ZZ-EQ", "order": 2},
]}


def start_item() -> int:
    clerk = actor("urging_clerk")
    case = cases.start_case(clerk, "supervision_urging", title=ITEM["name"])
    files = upload(clerk, case, "register_item", "plan.pdf.png")
    complete(clerk, case, "register_item", {**ITEM, "attachments": [files]})
    complete(clerk, case, "decompose", TASKS)
    return case


def sign(case: int, who: str) -> None:
    complete(actor(who), case, "sign_for", {"signed": True, "handler": who})


def report(case: int, who: str, text: str = "已完成排查") -> None:
    complete(actor(who), case, "report_progress", {"report": {"progress": text, "finished": True}})


def test_two_units_sign_report_and_are_returned_twice(family):
    case = start_item()
    notice = db.session.scalar(select(IssuedDocument).where(IssuedDocument.instance_id == case))
    assert notice.template == "urging_notice" and notice.context["item_category"] == "安全生产"
    # one seat per lead unit, bound to that unit's official: neither sees the other's seat
    assert has_task(actor("district_safety"), case, "sign_for")
    assert has_task(actor("district_safety2"), case, "sign_for")
    assert not has_task(actor("district_quality"), case, "sign_for")
    sign(case, "district_safety2")
    assert not has_task(actor("district_safety"), case, "report_progress")  # all sign first
    sign(case, "district_safety")
    report(case, "district_safety")
    report(case, "district_safety2")

    complete(actor("urging_clerk"), case, "review", {"decision": "return", "reason": "台账不全",
                                                     "returned_units": ["ZZ-EQ"]})
    assert comments(case)[-1] == "督办退回原因：台账不全"
    assert has_task(actor("district_safety2"), case, "report_progress")
    assert not has_task(actor("district_safety"), case, "report_progress")  # only the returned unit
    report(case, "district_safety2", "已补齐台账")
    complete(actor("urging_clerk"), case, "review", {"decision": "return", "reason": "缺少照片"})
    report(case, "district_safety", "补充照片")
    report(case, "district_safety2", "补充照片")
    complete(actor("urging_clerk"), case, "review", {"decision": "done", "opinion": "办结"})
    assert status(case) == "completed"
    assert [e.data["reason"] for e in events(case, "returned")] == ["台账不全", "缺少照片"]
    stats = {s.unit_code: s for s in unit_statistics(actor("city_official"))}
    assert (stats["ZZ-JS"].sign_rate, stats["ZZ-JS"].completion_rate, stats["ZZ-JS"].urge_count) == (1.0, 1.0, 0)
    assert set(stats) == {"ZZ-JS", "ZZ-EQ"}
    assert set(s.unit_code for s in unit_statistics(actor("district_safety2"))) == {"ZZ-EQ"}


def test_warning_reminder_and_counted_urges(family, clock):
    case = start_item()  # deadline 2026-03-10 ends 2026-03-10T16:00Z; warning 2 days before
    sign(case, "district_safety")
    clock.advance(days=6, hours=16)  # 2026-03-08T17:00Z
    timers.fire_due_timers()
    warnings = events(case, "urging_warning")
    assert len(warnings) == 1
    clock.advance(days=2)  # past the deadline: first urge
    timers.fire_due_timers()
    clock.advance(days=1)  # a day later: second urge
    timers.fire_due_timers()
    counts = {a.unit_id: a.urge_count for a in db.session.scalars(select(UrgingAssignment).where(
        UrgingAssignment.instance_id == case))}
    assert sorted(counts.values()) == [2, 2]  # neither unit has reported yet
    sign(case, "district_safety2")
    report(case, "district_safety")
    clock.advance(days=1)
    timers.fire_due_timers()
    counts = {a.user_id: a.urge_count for a in db.session.scalars(select(UrgingAssignment).where(
        UrgingAssignment.instance_id == case))}
    assert sorted(counts.values()) == [2, 3]  # only the unit still open was urged again
    stats = {s.unit_code: s for s in unit_statistics(actor("urging_clerk"))}
    assert stats["ZZ-EQ"].urge_count == 3 and stats["ZZ-JS"].urge_count == 2
    assert stats["ZZ-EQ"].sign_rate == 1.0 and stats["ZZ-EQ"].completion_rate == 0.0
    report(case, "district_safety2")
    complete(actor("urging_clerk"), case, "review", {"decision": "done"})
    assert status(case) == "completed"
    clock.advance(days=3)
    assert timers.fire_due_timers() == 0  # no urging after the item was closed


def test_refusals(family):
    case = start_item()
    seat = task(actor("district_safety"), case, "sign_for").id
    with pytest.raises((NotFoundError, PermissionDeniedError)):
        cases.complete_task(actor("contractor_pm"), seat, {"signed": True})
    with pytest.raises(ValidationError) as invalid:
        cases.complete_task(actor("district_safety"), seat, {"signed": False})
    assert "signed" in invalid.value.fields
    clerk = actor("urging_clerk")
    other = cases.start_case(clerk, "supervision_urging")
    with pytest.raises(ValidationError) as invalid:
        cases.complete_task(clerk, task(clerk, other, "register_item").id,
                            {**ITEM, "warning_days": -1, "urgency": "soon", "name": ""})
    assert {"warning_days", "urgency", "name"} <= set(invalid.value.fields)
    with pytest.raises(PermissionDeniedError):
        unit_statistics(actor("contractor_pm"))
