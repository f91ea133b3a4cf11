"""Which cases an actor may see, as a WHERE clause on ProcessInstance: the rule of
`case_steps.can_see_instance` (one loaded case) for a list paged in SQL; and whose incidents he
may handle, the rule of `case_steps.can_handle_incidents`. Each pair is held equal by
tests/integration/workflow/test_case_visibility.py, actor by actor and case by case."""
from __future__ import annotations

from sqlalchemy import ColumnElement, and_, exists, false, or_, true

from app.models import InboxTask, OrgUnit, ProcessInstance, Project
from app.roles import AUTHORITY_ROLES, INCIDENT_ROLES
from app.services.access.actors import Actor
from app.services.access.scoping import visible_project_ids


def visible_cases(actor: Actor) -> ColumnElement[bool]:
    """Enterprise users: their projects' cases; officials: the cases of their jurisdiction (a
    project's district, or for a case without project the org path it was started under);
    anyone: the cases they started or where they have or had a task."""
    if actor.is_admin:
        return true()
    arms: list[ColumnElement[bool]] = [ProcessInstance.project_id.in_(visible_project_ids(actor))]
    if actor.jurisdiction_paths:
        scope = ProcessInstance.data_summary["scope_path"].as_string()
        arms.append(and_(ProcessInstance.project_id.is_(None),
                         or_(*(scope.startswith(p, autoescape=True) for p in actor.jurisdiction_paths))))
    if actor.user_id is not None:
        uid = actor.user_id
        arms.append(ProcessInstance.started_by == actor.username)
        arms.append(exists().where(InboxTask.instance_id == ProcessInstance.id,
                                   or_(InboxTask.candidate_user_id == uid, InboxTask.assignee_id == uid,
                                       InboxTask.completed_by_id == uid)))
    return or_(*arms)


def incident_cases(actor: Actor) -> ColumnElement[bool]:
    """Cases whose incidents the actor may handle: admins all; else the cases whose org path (a
    project's district, or for a case without project the org path it was started under) lies
    under a grant of an incident role (case managers, process designers)."""
    if actor.is_admin:
        return true()
    paths = sorted({g.org_path for g in actor.grants
                    if g.role in INCIDENT_ROLES and g.role in AUTHORITY_ROLES and g.org_path})
    if not paths:
        return false()
    scope = ProcessInstance.data_summary["scope_path"].as_string()
    district = exists().where(Project.id == ProcessInstance.project_id, OrgUnit.id == Project.district_id,
                              or_(*(OrgUnit.path.startswith(p, autoescape=True) for p in paths)))
    return or_(and_(ProcessInstance.project_id.is_(None), or_(*(scope.startswith(p, autoescape=True) for p in paths))),
               and_(ProcessInstance.project_id.is_not(None), district))
