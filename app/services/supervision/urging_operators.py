"""Operators of supervision_urging (督办): lead-unit seats, reminders, counted urges."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from typing import Any

from sqlalchemy import delete, select

from app.extensions import db
from app.infra import wallclock
from app.models import InboxTask, OrgUnit, RoleGrant, UrgingAssignment, User
from app.roles import AUTHORITY_ROLES
from app.services.definitions.operator_registry import OperatorContext, operator
from app.services.notifications.operators import notify
from app.services.workflow import timeline

CHINA = timezone(timedelta(hours=8))
REPLY_METHODS = {"system": "系统报送", "document": "书面报送", "phone": "电话报送"}
SEAT_ROLES = ("district_safety_officer", "district_quality_officer", "city_official")
HANDLING_TASKS = ("sign_for", "report_progress")


def end_of_day(day: date) -> datetime:
    """The moment a deadline day ends in China time."""
    return datetime(day.year, day.month, day.day, tzinfo=CHINA) + timedelta(days=1)


def _unit(code: str) -> OrgUnit:
    unit = db.session.scalar(select(OrgUnit).where(OrgUnit.code == code))
    if unit is None:
        raise ValueError(f"主办单位 {code!r} 不存在")
    return unit


def seat_user(unit: OrgUnit, username: str | None) -> User:
    """The lead unit's contact: the named user, else its first safety/quality/city official."""
    if username:
        user = db.session.scalar(select(User).where(User.username == username))
        if user is None:
            raise ValueError(f"签收人 {username!r} 不存在")
        return user
    for role in SEAT_ROLES:
        user_id = db.session.scalar(select(RoleGrant.user_id).where(
            RoleGrant.org_unit_id == unit.id, RoleGrant.role_code == role)
            .order_by(RoleGrant.user_id).limit(1))
        if user_id is not None:
            return db.session.get(User, user_id)
    user_id = db.session.scalar(select(RoleGrant.user_id).where(
        RoleGrant.org_unit_id == unit.id, RoleGrant.role_code.in_(AUTHORITY_ROLES))
        .order_by(RoleGrant.user_id).limit(1))
    if user_id is None:
        raise ValueError(f"主办单位 {unit.name} 没有可签收的人员")
    return db.session.get(User, user_id)


def _seats(ctx: OperatorContext, tasks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    db.session.execute(delete(UrgingAssignment).where(UrgingAssignment.instance_id == ctx.instance.id))
    by_unit: dict[str, list[dict[str, Any]]] = {}
    for item in sorted(tasks, key=lambda t: (t.get("order") or 0)):
        by_unit.setdefault(item["lead_unit"], []).append(item)
    seats = []
    for code, items in by_unit.items():
        unit = _unit(code)
        user = seat_user(unit, next((t.get("lead_user") for t in items if t.get("lead_user")), None))
        deadline = max(date.fromisoformat(t["deadline"]) for t in items)
        db.session.add(UrgingAssignment(
            instance_id=ctx.instance.id, unit_id=unit.id, user_id=user.id, deadline=deadline,
            task_names=[t["name"] for t in items],
            assisting_units=sorted({a for t in items for a in t.get("assisting_units") or []})))
        seats.append({"user_id": user.id, "unit_code": unit.code, "unit_name": unit.name,
                      "contact": user.display_name, "tasks": [t["name"] for t in items],
                      "deadline": deadline.isoformat()})
    return seats


@operator("plan_urging", summary="为每个牵头单位绑定席位并计算预警、督办时间")
def plan_urging(ctx: OperatorContext, params: dict, data: dict) -> dict:
    """Bind one seat per lead unit and compute the warning and urging moments."""
    tasks = data.get("tasks") or []
    if not tasks:
        raise ValueError("督办事项没有分解任务")
    seats = _seats(ctx, tasks)
    deadline = max(date.fromisoformat(s["deadline"]) for s in seats)
    deadline_at = end_of_day(deadline)
    warning_days = int(data.get("warning_days") or 0)
    interval = int(data.get("urge_interval_days") or 1)
    timeline.note(ctx, "urging_planned", {"units": [s["unit_code"] for s in seats],
                                          "deadline": deadline.isoformat()})
    return {
        "seats": seats, "report_seats": seats, "deadline": deadline.isoformat(),
        "deadline_at": deadline_at.isoformat(),
        "warn_at": (deadline_at - timedelta(days=warning_days)).isoformat(),
        "urge_cycle": f"R/{deadline_at.isoformat()}/P{interval}D",
        **{k: str(data.get(k) or "") for k in ("name", "category", "content", "requirements",
                                              "reporting_method", "follow_up_person")},
        **_notice_fields(seats, tasks, data),
    }


def _notice_fields(seats: list[dict], tasks: list[dict], data: dict) -> dict[str, Any]:
    """What the 督办通知书 prints besides the item itself."""
    codes = sorted({a for t in tasks for a in t.get("assisting_units") or []})
    names = [u.name for u in db.session.scalars(select(OrgUnit).where(OrgUnit.code.in_(codes)))] \
        if codes else []
    return {"lead_unit_names": "、".join(s["unit_name"] for s in seats),
            "assisting_unit_names": names,
            "reply_method": REPLY_METHODS.get(data.get("reporting_method"), "系统报送"),
            "contact": {"name": data.get("follow_up_person") or "",
                        "phone": data.get("follow_up_phone") or ""}}


def _lagging(ctx: OperatorContext) -> list[UrgingAssignment]:
    """Units with an open sign-for or report, or that have never reported in this case."""
    rows = db.session.execute(select(InboxTask.candidate_user_id, InboxTask.task_name,
                                     InboxTask.status).where(
        InboxTask.instance_id == ctx.instance.id, InboxTask.task_name.in_(HANDLING_TASKS)))
    open_users, reported = set(), set()
    for user_id, task_name, status in rows:
        if status == "open":
            open_users.add(user_id)
        elif status == "completed" and task_name == "report_progress":
            reported.add(user_id)
    return [a for a in db.session.scalars(select(UrgingAssignment).where(
        UrgingAssignment.instance_id == ctx.instance.id).order_by(UrgingAssignment.id))
        if a.user_id in open_users or a.user_id not in reported]


@operator("urging_remind", summary="期限前提醒尚未办结的单位")
def urging_remind(ctx: OperatorContext, params: dict, data: dict) -> None:
    """Warning days before the deadline: remind every unit that has not finished."""
    lagging = _lagging(ctx)
    for a in lagging:
        notify(ctx, {"user": a.user_id, "message": f"督办事项“{data.get('name')}”将于 "
                     f"{data.get('deadline')} 到期，请及时办理。"}, data)
    timeline.note(ctx, "urging_warning", {"units": [a.unit_id for a in lagging]})


@operator("urge_units", summary="逾期后对未办结单位各催办一次")
def urge_units(ctx: OperatorContext, params: dict, data: dict) -> None:
    """After the deadline: one counted urge (催办) for each unit that has not finished."""
    now = wallclock.now()
    lagging = _lagging(ctx)
    for a in lagging:
        a.urge_count += 1
        a.last_urged_at = now
        notify(ctx, {"user": a.user_id, "message": f"督办事项“{data.get('name')}”已超期，"
                     f"第 {a.urge_count} 次催办。"}, data)
    timeline.note(ctx, "urged", {"units": [a.unit_id for a in lagging],
                                 "counts": [a.urge_count for a in lagging]})


@operator("finish_urging", summary="跟进人验收汇报：各牵头单位任务办结")
def finish_urging(ctx: OperatorContext, params: dict, data: dict) -> None:
    """The follow-up person accepted the reports: every lead unit's task is complete."""
    now = wallclock.now()
    for a in db.session.scalars(select(UrgingAssignment).where(
            UrgingAssignment.instance_id == ctx.instance.id)):
        a.completed_at = now
    timeline.note(ctx, "urging_done", {"returns": data.get("return_count", 0)})
