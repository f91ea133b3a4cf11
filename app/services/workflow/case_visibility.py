"""Which cases an actor may see, as a WHERE clause on ProcessInstance: the rule of
`case_steps.can_see_instance` (one loaded case) for a list paged in SQL. The two are held equal
by tests/integration/workflow/test_case_visibility.py, actor by actor and case by case."""
from __future__ import annotations

from sqlalchemy import ColumnElement, and_, exists, or_, true

from app.models import InboxTask, ProcessInstance
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
