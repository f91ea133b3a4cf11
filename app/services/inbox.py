"""Inbox queries over materialised task rows: they never load a workflow.

The candidate rule mirrors `case_runtime.is_candidate`: a row bound to one user
(`candidate_user_id`) is that user's alone; otherwise enterprise roles match on the project and
authority roles on the district path under the org unit where the role is held.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, and_, case, false, func, or_, select, true

from app.extensions import db
from app.models import InboxTask, Project
from app.roles import AUTHORITY_ROLES, ENTERPRISE_ROLES
from app.services.actors import Actor
from app.services.clock import now as clock_now
from app.services.projects import Page

SCOPES = ("all", "mine", "claimable", "jurisdiction", "done")
SORTS = {"due": (InboxTask.due_at.is_(None), InboxTask.due_at), "priority": (InboxTask.priority.desc(),),
         "created": (InboxTask.created_at.desc(),)}


@dataclass(frozen=True)
class InboxFilter:
    scope: str = "all"
    process_key: str | None = None
    project_code: str | None = None
    overdue: bool = False
    due_before: datetime | None = None
    sort: str = "due"
    limit: int = 50
    offset: int = 0


def role_match(actor: Actor) -> ColumnElement[bool]:
    """Rows whose role this actor holds where the row lives (ignoring seat binding)."""
    if actor.is_admin:
        return true()
    clauses = []
    for g in actor.grants:
        if g.role in ENTERPRISE_ROLES and g.project_id is not None:
            clauses.append(and_(InboxTask.role == g.role, InboxTask.project_id == g.project_id))
        elif g.role in AUTHORITY_ROLES and g.org_path:
            clauses.append(and_(InboxTask.role == g.role, InboxTask.district_path.startswith(g.org_path)))
    return or_(*clauses) if clauses else false()


def candidate_filter(actor: Actor) -> ColumnElement[bool]:
    """Open rows this actor may work on (claimable by him or already his)."""
    me = actor.user_id or -1
    by_role = and_(InboxTask.candidate_user_id.is_(None), role_match(actor))
    return or_(by_role, InboxTask.candidate_user_id == me, InboxTask.assignee_id == me)


def jurisdiction_filter(actor: Actor) -> ColumnElement[bool]:
    """Every row in the org units where the actor holds an authority role."""
    if actor.is_admin:
        return true()
    paths = actor.jurisdiction_paths
    return or_(*(InboxTask.district_path.startswith(p) for p in paths)) if paths else false()


def _scoped(actor: Actor, scope: str):
    me = actor.user_id or -1
    open_rows = InboxTask.status == "open"
    if scope == "done":
        return and_(InboxTask.status == "completed", InboxTask.completed_by_id == me)
    if scope == "mine":
        return and_(open_rows, or_(InboxTask.assignee_id == me,
                                   and_(InboxTask.candidate_user_id == me, InboxTask.assignee_id.is_(None))))
    if scope == "claimable":
        return and_(open_rows, InboxTask.assignee_id.is_(None), candidate_filter(actor))
    if scope == "jurisdiction":
        return and_(open_rows, jurisdiction_filter(actor))
    return and_(open_rows, candidate_filter(actor), or_(InboxTask.assignee_id.is_(None),
                                                       InboxTask.assignee_id == me))


def _statement(actor: Actor, f: InboxFilter, now: datetime):
    stmt = select(InboxTask).where(_scoped(actor, f.scope if f.scope in SCOPES else "all"))
    if f.process_key:
        stmt = stmt.where(InboxTask.process_key == f.process_key)
    if f.project_code:
        stmt = stmt.where(InboxTask.project_id == select(Project.id).where(Project.code == f.project_code)
                          .scalar_subquery())
    if f.overdue:
        stmt = stmt.where(InboxTask.due_at < now)
    if f.due_before:
        stmt = stmt.where(InboxTask.due_at < f.due_before)
    return stmt


def list_tasks(actor: Actor, f: InboxFilter, now: datetime | None = None) -> Page:
    """One page of inbox rows with the total count for the same filter."""
    now = now or clock_now()
    stmt = _statement(actor, f, now)
    total = db.session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery())) or 0
    order = SORTS.get(f.sort, SORTS["due"]) + (InboxTask.id,)
    items = list(db.session.scalars(stmt.order_by(*order).limit(f.limit).offset(f.offset)))
    return Page(items, total)


def counts(actor: Actor, now: datetime | None = None) -> dict[str, int]:
    """Counts per filter for the inbox tabs, in one query per scope."""
    now = now or clock_now()
    out = {}
    for scope in SCOPES:
        stmt = select(func.count(InboxTask.id),
                      func.count(case((InboxTask.due_at < now, 1)))).where(_scoped(actor, scope))
        total, overdue = db.session.execute(stmt).one()
        out[scope] = total
        if scope == "all":
            out["overdue"] = overdue
    return out


def is_overdue(row: InboxTask, now: datetime | None = None) -> bool:
    return row.status == "open" and row.due_at is not None and row.due_at < (now or clock_now())
