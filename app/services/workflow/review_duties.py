"""Separation of duties: whoever submitted something never reviews that same submission.

A diagram marks a review with the user-task property `reviews` (the ids of the user tasks whose
completers must not work this one, comma separated; processes/EXTENSIONS.md); before any of them
was worked, the case's starter is the author (what the case was started with is under review).
The platform enforces it whatever the diagram's variables say: a review bound to the author
loses that binding, the author is refused on claim, assignment and completion, and a review
whose only candidates are its authors opens an incident on the case (status `error`) instead
of passing silently.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from app.errors import PermissionDeniedError
from app.extensions import db
from app.models import InboxTask, Incident, OrgUnit, ProcessInstance, RoleGrant, User
from app.roles import ENTERPRISE_ROLES
from app.services.access.actors import Actor
from app.services.workflow import timeline

CONFLICT_CODE = "review_conflict"


@dataclass(frozen=True)
class Conflict:
    row: InboxTask
    reviewed_task: str
    authors: frozenset[int]


def reviewed_task(instance: ProcessInstance, task_name: str) -> str | None:
    """The user task that `task_name` reviews in this case's version (None: not a review)."""
    for task in instance.definition.user_tasks or []:
        if task.get("element_id") == task_name:
            return task.get("reviews") or None
    return None


def authors(row: InboxTask) -> frozenset[int]:
    """Who completed the submission under review: the reviewed task's rows completed since this
    review last completed in the case (a return loop reviews only the newest answer)."""
    reviewed = reviewed_task(row.instance, row.task_name)
    if not reviewed:
        return frozenset()
    last_review = db.session.scalar(select(func.max(InboxTask.id)).where(
        InboxTask.instance_id == row.instance_id, InboxTask.task_name == row.task_name,
        InboxTask.status == "completed", InboxTask.id != row.id))
    stmt = select(InboxTask.completed_by_id).where(
        InboxTask.instance_id == row.instance_id, InboxTask.task_name.in_(reviewed_names(reviewed)),
        InboxTask.status == "completed", InboxTask.completed_by_id.is_not(None))
    if last_review is not None:
        stmt = stmt.where(InboxTask.id > last_review)
    found = frozenset(db.session.scalars(stmt))
    if found or last_review is not None:
        return found
    # The first review before any reviewed task was worked looks at what the case was started
    # with (a supervision record submitted on writing it): its starter is the author.
    starter = db.session.scalar(select(User.id).where(User.username == row.instance.started_by))
    return frozenset({starter}) if starter is not None else found


def reviewed_names(reviewed: str) -> list[str]:
    """The task ids a `reviews` value names (comma separated)."""
    return [name.strip() for name in reviewed.split(",") if name.strip()]


def check_not_author(user_id: int | None, row: InboxTask, field: str | None = None) -> None:
    """Refuse the author of the reviewed submission. Raises PermissionDeniedError(`reviewer_is_author`)."""
    if user_id is not None and user_id in authors(row):
        message = "提交人不能审核自己提交的内容。"
        raise PermissionDeniedError(message, code="reviewer_is_author",
                                    fields={field: [message]} if field else None)


def _role_holders(row: InboxTask) -> set[int]:
    """Active users holding the row's role where the row lives (admins are not counted)."""
    stmt = select(RoleGrant.user_id, OrgUnit.path).join(User, User.id == RoleGrant.user_id) \
        .outerjoin(OrgUnit, OrgUnit.id == RoleGrant.org_unit_id) \
        .where(RoleGrant.role_code == row.role, User.is_active.is_(True))
    if row.role in ENTERPRISE_ROLES:
        return {uid for uid, _ in db.session.execute(stmt.where(RoleGrant.project_id == row.project_id))}
    path = row.district_path or ""
    return {uid for uid, org in db.session.execute(stmt) if org and path.startswith(org)}


def enforce(instance: ProcessInstance, open_rows: list[InboxTask],
            new_rows: list[InboxTask]) -> list[Conflict]:
    """Drop review bindings to an author on the open rows; returns the new reviews that nobody
    but their authors could work (the caller opens the incident)."""
    conflicts = []
    new_ids = {id(r) for r in new_rows}
    for row in open_rows:
        reviewed = reviewed_task(instance, row.task_name)
        excluded = authors(row) if reviewed else frozenset()
        if not excluded:
            continue
        bound_to_author = row.candidate_user_id in excluded
        if bound_to_author:
            row.candidate_user_id = None  # the lane's role decides, minus the author
        if id(row) in new_ids and row.assignee_id is None and \
                (bound_to_author or not _role_holders(row) - excluded):
            conflicts.append(Conflict(row, reviewed, excluded))
    return conflicts


def open_conflict_incident(instance: ProcessInstance, actor: Actor, conflict: Conflict,
                           now: datetime) -> None:
    """Stop the case on an incident that names the review and its authors (retry = re-check)."""
    names = sorted(db.session.scalars(select(User.username).where(User.id.in_(conflict.authors))))
    message = (f"审核任务 {conflict.row.task_name} 的办理人只能是被审核内容（{conflict.reviewed_task}）"
               f"的提交人 {', '.join(names)}：请指派其他办理人后重试。")
    incident = Incident(instance_id=instance.id, code=CONFLICT_CODE, message=message,
                        element_id=conflict.row.task_name, action={"action": "timers"},
                        created_at=now)
    db.session.add(incident)
    db.session.flush()
    instance.status = "error"
    timeline.record(instance.id, actor, CONFLICT_CODE, now, task_name=conflict.row.task_name,
                    data={"incident_id": incident.id, "reviews": conflict.reviewed_task,
                          "authors": names})
