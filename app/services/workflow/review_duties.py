"""Separation of duties: whoever submitted something never reviews that same submission.

A diagram marks a review with the user-task property `reviews` (the ids of the user tasks whose
completers must not work this one, comma separated; processes/EXTENSIONS.md); before any of them
was worked, the case's starter is the author (what the case was started with is under review).
The platform enforces it whatever the diagram's variables say: a review bound to the author
loses that binding, the author is refused on claim, assignment and completion, and a review
whose only candidates are its authors opens an incident on the case (status `error`) instead
of passing silently; one that nobody holds the role of where it lives (a project without a
chief supervisor) opens `reviewer_missing`, saying so, not naming the author as if he were the
reason.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from app.domain import vocabulary
from app.errors import PermissionDeniedError
from app.extensions import db
from app.formdefs import summaries
from app.formdefs.messages import Said
from app.models import InboxTask, Incident, OrgUnit, ProcessDefinition, ProcessInstance, RoleGrant, User
from app.roles import ENTERPRISE_ROLES
from app.services.access.actors import Actor
from app.services.definitions import deployments
from app.services.workflow import timeline

CONFLICT_CODE = "review_conflict"
MISSING_CODE = "reviewer_missing"
# The reviewer_missing incident's sentence: Chinese as stored, English read back from it (`said`).
_WHERE = {"project": ("项目上", "The project"), "district": ("辖区内", "The district")}
# The review_conflict incident's sentence: the review's and the reviewed task's titles, the authors' names.
_CONFLICT = re.compile(r"^审核任务“(?P<task>[^”]*)”的办理人只能是被审核内容“(?P<reviewed>[^”]*)”的提交人(?P<names>.+)："
                       r"请指派其他办理人后重试。$")
_MISSING = re.compile(r"^(?P<where>项目上|辖区内)没有(?P<role>[^，]+)，审核无人办理：请先指定(?P=role)，再重试。$")


@dataclass(frozen=True)
class Conflict:
    row: InboxTask
    reviewed_task: str
    authors: frozenset[int]
    nobody: bool = False  # nobody at all holds the review's role where it lives


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
        if id(row) in new_ids and row.assignee_id is None:
            holders = _role_holders(row)
            if bound_to_author or not holders - excluded:
                conflicts.append(Conflict(row, reviewed, excluded, nobody=not holders))
    return conflicts


def open_conflict_incident(instance: ProcessInstance, actor: Actor, conflict: Conflict,
                           now: datetime) -> None:
    """Stop the case on an incident that names the review and its authors, or says that nobody
    holds the review's role where it lives (retry = re-check)."""
    if conflict.nobody:
        _open_incident(instance, actor, conflict, now, MISSING_CODE, missing_message(conflict.row), {})
        return
    people = db.session.execute(select(User.username, User.display_name).where(User.id.in_(conflict.authors))
                                .order_by(User.username)).all()
    titles = {t.get("element_id"): t.get("title") for t in instance.definition.user_tasks or []}
    reviewed = "、".join(titles.get(n) or "" for n in reviewed_names(conflict.reviewed_task)).strip("、")
    message = (f"审核任务“{conflict.row.title}”的办理人只能是被审核内容“{reviewed}”的提交人"
               f"{'、'.join(shown or name for name, shown in people)}：请指派其他办理人后重试。")
    _open_incident(instance, actor, conflict, now, CONFLICT_CODE, message,
                   {"reviews": conflict.reviewed_task, "authors": [name for name, _ in people]})


def missing_message(row: InboxTask) -> str:
    """No one holds the review's role where it lives: on the project, or in the district."""
    where = _WHERE["project" if row.role in ENTERPRISE_ROLES else "district"][0]
    role = vocabulary.word(row.role, "role")
    return f"{where}没有{role}，审核无人办理：请先指定{role}，再重试。"


def said(code: str, message: str, definition: ProcessDefinition | None = None) -> str:
    """An incident's stored message, carrying its English when this module wrote it (Said); the
    task titles of a review_conflict in the English of the case's version (`definition`'s summary)."""
    if code == CONFLICT_CODE and (found := _CONFLICT.match(message)):
        spec = deployments.summary_of(definition) if definition is not None else None
        task, reviewed = (", ".join(summaries.english_of(spec, t) for t in found[part].split("、"))
                          for part in ("task", "reviewed"))
        return Said(message, f"Only {found['names'].replace('、', ', ')}, who submitted “{reviewed}”, could work "
                             f"the review “{task}”: assign someone else to it, then retry.")
    found = _MISSING.match(message) if code == MISSING_CODE else None
    if found is None:
        return message
    where = next(en for zh, en in _WHERE.values() if zh == found["where"])
    role = vocabulary.english_of(found["role"]) or found["role"]
    role = role[:1].lower() + role[1:]
    return Said(message, f"{where} has no {role}: nobody can do the review. Appoint one, then retry.")


def _open_incident(instance: ProcessInstance, actor: Actor, conflict: Conflict, now: datetime,
                   code: str, message: str, data: dict) -> None:
    incident = Incident(instance_id=instance.id, code=code, message=message,
                        element_id=conflict.row.task_name, action={"action": "timers"},
                        created_at=now)
    db.session.add(incident)
    db.session.flush()
    instance.status = "error"
    timeline.record(instance.id, actor, code, now, task_name=conflict.row.task_name,
                    title=conflict.row.title, data={"incident_id": incident.id, **data})
