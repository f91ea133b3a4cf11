"""Warning reminders of safety education: an active project without any education session for
30 days tells its PM and safety officer and the district safety officers, once per 30 days of
silence (the key names the project and the period), in the daily sweep's transaction."""
from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from app.extensions import db
from app.infra import wallclock
from app.infra.uow import transaction
from app.models import EducationReminder, EducationSession, Notification, OrgUnit, Project
from app.services.notifications.delivery import role_holders

QUIET_DAYS = 30
TOLD = ("contractor_pm", "contractor_safety_officer")
TOLD_AUTHORITY = ("district_safety_officer",)


def _silent_since(project: Project) -> date | None:
    last = db.session.scalar(select(func.max(EducationSession.held_on))
                             .where(EducationSession.project_id == project.id))
    return last or (wallclock.local_date(project.created_at) if project.created_at else None)


def _remind(project: Project, since: date, today: date) -> bool:
    period = (today - since).days // QUIET_DAYS
    key = f"no_education:{project.id}:{since.isoformat()}:{period}"
    if db.session.scalar(select(EducationReminder.id).where(EducationReminder.key == key)):
        return False
    message = (f"{project.name}自 {since.isoformat()} 起已 {(today - since).days} 天没有安全教育培训记录，"
               "请及时组织并登记。")
    db.session.add(EducationReminder(project_id=project.id, key=key, message=message, created_at=wallclock.now()))
    district = db.session.get(OrgUnit, project.district_id)
    users = {uid for role in TOLD for uid in role_holders(role, project_id=project.id, path=None)}
    users |= {uid for role in TOLD_AUTHORITY
              for uid in role_holders(role, project_id=None, path=district.path if district else None)}
    db.session.add_all([Notification(user_id=uid, project_id=project.id, title="安全教育预警", body=message,
                                     created_at=wallclock.now()) for uid in sorted(users)])
    return True


def sweep() -> int:
    """The daily sweep over active projects; returns how many reminders are new (rerun: 0)."""
    today = wallclock.local_today()
    raised = 0
    with transaction():
        for project in db.session.scalars(select(Project).where(Project.status == "active").order_by(Project.id)):
            since = _silent_since(project)
            if since is not None and (today - since).days >= QUIET_DAYS:
                raised += _remind(project, since, today)
    return raised


def list_reminders(project: Project) -> list[EducationReminder]:
    return list(db.session.scalars(select(EducationReminder).where(EducationReminder.project_id == project.id)
                                   .order_by(EducationReminder.id.desc())))
