"""The missing-log warning reminder (预警提醒): a project under construction (`active`) whose
supervision log has not been written for N working days (setting `SUPERVISION_LOG_GRACE_DAYS`,
default 3; Monday to Friday, statutory holidays unknown) tells its chief supervisors and the
district's safety and quality officers, at most once per project and China day (the daily beat
task `site_records.remind_missing_logs`)."""
from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from app import settings
from app.extensions import db
from app.infra import wallclock
from app.infra.uow import transaction
from app.models import (
    Notification,
    OrgUnit,
    Project,
    RoleGrant,
    SupervisionLogReminder,
    SupervisionRecord,
    User,
)
from app.services.access.actors import Actor
from app.services.access.scoping import visible_project_ids

OFFICER_ROLES = ("district_safety_officer", "district_quality_officer")


def working_days_between(after: date, before: date) -> int:
    """Monday-Friday days strictly after `after` and strictly before `before`."""
    day, count = after + timedelta(days=1), 0
    while day < before:
        count += day.weekday() < 5
        day += timedelta(days=1)
    return count


def _recipients(project: Project) -> list[int]:
    chiefs = db.session.scalars(select(RoleGrant.user_id).join(User, User.id == RoleGrant.user_id).where(
        RoleGrant.role_code == "chief_supervisor", RoleGrant.project_id == project.id, User.is_active))
    district = db.session.get(OrgUnit, project.district_id)
    officers = db.session.execute(select(RoleGrant.user_id, OrgUnit.path).join(OrgUnit, OrgUnit.id == RoleGrant.org_unit_id)
                                  .join(User, User.id == RoleGrant.user_id)
                                  .where(RoleGrant.role_code.in_(OFFICER_ROLES), User.is_active)).all()
    return sorted(set(chiefs) | {uid for uid, path in officers if path and district.path.startswith(path)})


def _remind(project: Project, last: date | None, since: date, today: date) -> bool:
    missing = working_days_between(since, today)
    if missing < settings.current().supervision_log_grace_days:
        return False
    if db.session.scalar(select(SupervisionLogReminder.id).where(
            SupervisionLogReminder.project_id == project.id, SupervisionLogReminder.day == today)):
        return False
    told = _recipients(project)
    message = (f"{project.name}已连续 {missing} 个工作日没有监理日志"
               f"（最近一篇：{last.isoformat() if last else '尚无'}），请总监理工程师督促监理人员按日填写。")
    db.session.add(SupervisionLogReminder(project_id=project.id, day=today, last_log_date=last, missing_days=missing,
                                          told=len(told), message=message, created_at=wallclock.now()))
    db.session.add_all([Notification(user_id=uid, project_id=project.id, title=f"监理日志缺失预警：{project.name}"[:200],
                                      body=message, created_at=wallclock.now()) for uid in told])
    return True


def remind_missing_logs() -> int:
    """Raise today's reminders of every project under construction missing its logs; returns
    how many are new (a second run the same day adds none)."""
    today = wallclock.local_today()
    with transaction():
        last_logs = dict(db.session.execute(select(SupervisionRecord.project_id, func.max(SupervisionRecord.record_date))
                                            .where(SupervisionRecord.kind == "log")
                                            .group_by(SupervisionRecord.project_id)).all())
        raised = 0
        for project in db.session.scalars(select(Project).where(Project.status == "active").order_by(Project.id)):
            last = last_logs.get(project.id)
            started = project.planned_start or wallclock.local_date(project.created_at)
            since = max(last, started - timedelta(days=1)) if last else started - timedelta(days=1)
            raised += _remind(project, last, since, today)
        return raised


def _reminders(actor: Actor, project_code: str | None):
    stmt = select(SupervisionLogReminder).where(SupervisionLogReminder.project_id.in_(visible_project_ids(actor)))
    if project_code:
        stmt = stmt.join(Project, Project.id == SupervisionLogReminder.project_id).where(Project.code == project_code)
    return stmt


def list_reminders(actor: Actor, project_code: str | None = None, *, limit: int = 50,
                   offset: int = 0) -> list[dict[str, Any]]:
    """The reminders of the visible projects (or of one), newest first, a page of them
    (count_reminders counts them all)."""
    stmt = _reminders(actor, project_code).order_by(SupervisionLogReminder.day.desc(),
                                                    SupervisionLogReminder.id.desc()).limit(limit).offset(offset) \
        .options(joinedload(SupervisionLogReminder.project))
    return [{"id": r.id, "project_code": r.project.code, "project_name": r.project.name, "day": r.day,
             "last_log_date": r.last_log_date, "missing_days": r.missing_days, "message": r.message}
            for r in db.session.scalars(stmt)]


def count_reminders(actor: Actor, project_code: str | None = None) -> int:
    """How many reminders list_reminders pages through."""
    return db.session.scalar(select(func.count()).select_from(_reminders(actor, project_code).subquery())) or 0
