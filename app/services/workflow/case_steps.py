"""Shared internals of the case use cases: access rules, the operator host, locking, retries,
and turning an EngineResult into rows (state, inbox, subscriptions, timeline).

Every engine step goes through `perform(instance, actor, action)`: the action is a plain dict
({"action": "complete" | "timers" | "message" | "cancel", …}) so that a failed step can be stored
on an incident and re-run verbatim by `incidents.retry_incident`.
"""
from __future__ import annotations

import functools
import json
import random
import time
from collections.abc import Callable
from typing import Any, TypeVar

from sqlalchemy import bindparam, or_, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import joinedload, make_transient_to_detached, with_expression
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.exc import StaleDataError

from app import engine
from app.errors import ConflictError, DomainError, NotFoundError
from app.extensions import db
from app.formdefs import FormDef
from app.formdefs.messages import Said
from app.infra import audit_trail, change_feed, wallclock
from app.infra.uow import transaction
from app.models import InboxTask, OrgUnit, ProcessDefinition, ProcessInstance, Project
from app.roles import AUTHORITY_ROLES, CASE_MANAGER_ROLES, ENTERPRISE_ROLES, INCIDENT_ROLES
from app.services.access.actors import Actor
from app.services.access.scoping import project_filter
from app.services.definitions import definition_cache
from app.services.definitions.deployments import form_of
from app.services.definitions.operator_registry import OPERATORS, OperatorContext

from . import case_sync
from .step_writes import INBOX, ROW_COLUMNS, StepRow

T = TypeVar("T")
ACTIVE = ("running", "waiting")
TRIES = 6  # lost races (stale version, SQLite busy) are retried this often


class StepFailed(Exception):
    """An engine step raised EngineError; carries what to store on the incident."""

    def __init__(self, error: engine.EngineError, instance_id: int, action: dict[str, Any]):
        super().__init__(str(error))
        self.error, self.instance_id, self.action = error, instance_id, action


class ServiceHost:
    """The engine's host for one run: operators see the instance and the acting user."""

    def __init__(self, instance: ProcessInstance, actor: Actor,
                 handback: dict[str, Any] | None = None):
        self.context = OperatorContext(instance, actor, handback)

    def call_operator(self, name: str, params: dict[str, Any],
                      task_data: dict[str, Any]) -> dict[str, Any] | None:
        if name not in OPERATORS:
            raise LookupError(f"operator {name!r} is not registered")
        return OPERATORS[name](self.context, params, task_data)


# --- access rules -------------------------------------------------------------------------

def is_candidate(actor: Actor, row: InboxTask | StepRow, *, ignore_assignee: bool = False) -> bool:
    """May `actor` work on inbox row `row`? `inbox.candidate_filter` is this rule in SQL.

    (d) the row is assigned to the actor: yes;
    (c) the row is bound to one user (candidate_user_id, e.g. a drawn expert's panel seat):
        that user only;
    otherwise sys_admin: yes; (a) enterprise-role row: the actor holds that role on the row's
    project; (b) authority-role row: the actor holds that role on an org unit whose path is a
    prefix of the row's district_path.
    """
    uid = actor.user_id
    if not ignore_assignee and uid is not None and row.assignee_id == uid:
        return True
    if row.candidate_user_id is not None:
        return uid is not None and row.candidate_user_id == uid
    if actor.is_admin:
        return True
    if row.role in ENTERPRISE_ROLES:
        return row.project_id is not None and row.role in actor.roles_on_project(row.project_id)
    if row.role in AUTHORITY_ROLES:
        return covers(actor, row.district_path, role=row.role)
    return False


def covers(actor: Actor, path: str | None, *, role: str | None = None,
           roles: frozenset[str] = AUTHORITY_ROLES) -> bool:
    """Does an authority grant of the actor (of `role`, if given; else of one of `roles`) cover
    org path `path`?"""
    return bool(path) and any(
        g.role in roles and g.role in AUTHORITY_ROLES and g.org_path and path.startswith(g.org_path)
        and (role is None or g.role == role) for g in actor.grants)


def can_see_instance(actor: Actor, instance: ProcessInstance) -> bool:
    """Enterprise users: their projects; officials: their jurisdiction; anyone: cases where
    they have or had a task, or that they started."""
    if actor.is_admin or (instance.project_id is not None and instance.project_id in actor.project_ids):
        return True  # the second test is project_filter's own `Project.id IN project_ids` arm
    if instance.project_id is not None and db.session.scalar(
            select(Project.id).where(Project.id == instance.project_id, project_filter(actor))):
        return True
    if instance.project_id is None and covers(actor, scope_path(instance)):
        return True
    if actor.user_id is None:
        return False
    if instance.started_by == actor.username:
        return True
    uid = actor.user_id
    return db.session.scalar(select(InboxTask.id).where(
        InboxTask.instance_id == instance.id,
        or_(InboxTask.candidate_user_id == uid, InboxTask.assignee_id == uid,
            InboxTask.completed_by_id == uid)).limit(1)) is not None


def visible_case(actor: Actor, instance_id: int, *, lock: bool = False) -> ProcessInstance:
    """A case the actor may see (`lock`: row-locked and reloaded, see lock_instance).

    Raises NotFoundError(`case_not_found`) for an unknown id and an invisible case alike.
    """
    instance = lock_instance(instance_id) if lock else db.session.get(ProcessInstance, instance_id)
    if instance is None or not can_see_instance(actor, instance):
        raise NotFoundError("没有找到该案件。", code="case_not_found")
    return instance


def can_manage(actor: Actor, instance: ProcessInstance) -> bool:
    """Officials with jurisdiction over the case (and admins) may cancel, reassign, take back a
    claim. Read-only authority roles (the auditor) and process designers may not."""
    return actor.is_admin or covers(actor, scope_path(instance), roles=CASE_MANAGER_ROLES)


def can_handle_incidents(actor: Actor, instance: ProcessInstance) -> bool:
    """Case managers over the case, the process designers of its jurisdiction and admins."""
    return actor.is_admin or covers(actor, scope_path(instance), roles=INCIDENT_ROLES)


def scope_path(instance: ProcessInstance) -> str | None:
    """The org path the case belongs to: its project's district, else the starter's unit."""
    if instance.project_id is not None:
        project = db.session.get(Project, instance.project_id)
        district = db.session.get(OrgUnit, project.district_id) if project else None
        return district.path if district else None
    return (instance.data_summary or {}).get("scope_path")


def task_form(definition: ProcessDefinition, name: str) -> FormDef:
    """The form deployed with this version; also accepts forms stored under their own file name
    (`plan_review.json`) as the engine fixtures name them."""
    form = form_of(definition, name)
    sources = definition_cache.sources(definition)
    if form is None and name in sources:
        form = FormDef(name, json.loads(sources[name]), None)
    if form is None:
        raise FormMissingError(Said(f"表单 {name} 未随流程版本部署。", f"The form {name} was not deployed with the process version."))
    return form


# --- locking and retries -----------------------------------------------------------------

@functools.cache
def _locking_select(*also: Any) -> Any:
    """The instance with its definition (blobs deferred) and its project's district path in one
    query (plus `also`, e.g. an inbox row). Built once: statements are immutable, and building
    this one costs more than running it."""
    district = select(OrgUnit.path).join(Project, Project.district_id == OrgUnit.id) \
        .where(Project.id == ProcessInstance.project_id).scalar_subquery()
    return select(ProcessInstance, *also).options(
        joinedload(ProcessInstance.definition, innerjoin=True),
        with_expression(ProcessInstance.project_district_path, district))


def lock_instance(instance_id: int, *, skip_locked: bool = False,
                  due_before: Any = None) -> ProcessInstance | None:
    """Row-lock the instance on PostgreSQL (SQLite relies on the version check) and reload it."""
    stmt = _locking_select().where(ProcessInstance.id == instance_id) \
        .with_for_update(skip_locked=skip_locked, of=ProcessInstance) \
        .execution_options(populate_existing=True)
    if due_before is not None:
        stmt = stmt.where(ProcessInstance.next_timer_due <= due_before,
                          ProcessInstance.status.in_(ACTIVE))
    return db.session.scalar(stmt)


@functools.cache
def _task_locking_select() -> Any:
    return _locking_select(*INBOX.c).join(INBOX, INBOX.c.instance_id == ProcessInstance.id) \
        .where(INBOX.c.id == bindparam("inbox_task_id")) \
        .with_for_update(of=[ProcessInstance, INBOX]).execution_options(populate_existing=True)


def lock_task(inbox_task_id: int) -> tuple[ProcessInstance, StepRow] | tuple[None, None]:
    """`lock_instance` for the instance of inbox row `inbox_task_id`, with that row read afresh,
    in one query ((None, None) if no such row). The row is locked too: after waiting for the
    lock, PostgreSQL re-reads only the locked rows, and a sibling that won the race has just
    closed it. The row is a plain `StepRow` (the use case only reads it; the step's writes are
    Core statements), not an object of the session."""
    found = db.session.execute(_task_locking_select(), {"inbox_task_id": inbox_task_id}).one_or_none()
    if found is None:
        return None, None
    return found[0], StepRow(dict(zip(ROW_COLUMNS, found[1:], strict=True)), found[0])


def reload_row(inbox_task_id: int) -> InboxTask | None:
    return db.session.scalar(select(InboxTask).where(InboxTask.id == inbox_task_id)
                             .execution_options(populate_existing=True))


def _database_busy(exc: OperationalError) -> bool:
    text = str(exc.orig).lower()
    return "database is locked" in text or "deadlock detected" in text


def run_in_transaction(actor: Actor, step: Callable[[], T], *,
                       before_retry: Callable[[], None] | None = None) -> T:
    """Run `step` in one transaction; after a lost race (another writer bumped the instance's
    version, or SQLite was busy) roll back and run it again on fresh rows.

    `before_retry` may raise to refuse the retry (e.g. the task was completed meanwhile).
    Raises ConflictError(`instance_busy`) when every try lost.
    """
    for attempt in range(TRIES):
        try:
            with transaction(actor):
                return step()
        except StaleDataError:
            pass
        except OperationalError as exc:
            if not _database_busy(exc):
                raise
        time.sleep(random.uniform(0.01, 0.05) * (attempt + 1))
        if before_retry is not None:
            with transaction(actor):
                before_retry()
    raise ConflictError("案件正被其他操作修改，请稍后重试。", code="instance_busy")


# --- running an engine step ---------------------------------------------------------------

def _call_engine(instance: ProcessInstance, action: dict[str, Any], host: ServiceHost,
                 now: Any) -> engine.EngineResult:
    spec = definition_cache.spec_json(instance.definition)
    state, kind = instance.state, action["action"]
    if kind == "complete":
        return engine.complete_task(spec, state, action["task_id"], action["data"],
                                    clear=action.get("clear"), host=host, now=now)
    if kind == "timers":
        return engine.fire_due_timers(spec, state, host=host, now=now)
    if kind == "message":
        return engine.deliver_message(spec, state, action["name"], action["correlation"],
                                      action["payload"], host=host, now=now)
    if kind == "cancel":
        return engine.cancel(spec, state, host=host, now=now)
    raise ValueError(f"unknown engine action {kind!r}")


def perform(instance: ProcessInstance, actor: Actor, action: dict[str, Any],
            now: Any = None, handback: dict[str, Any] | None = None) -> list[int]:
    """Run one engine step on a locked instance and persist it; returns new inbox row ids.
    Operators put what they hand back to the caller into `handback` (see OperatorContext).

    Raises StepFailed on EngineError (the caller's transaction is rolled back) and lets the
    engine's domain errors (task_not_ready, task_not_found, message_not_expected) through.
    """
    now = now or wallclock.now()
    try:
        result = _call_engine(instance, action, ServiceHost(instance, actor, handback), now)
    except engine.EngineError as exc:
        raise StepFailed(exc, instance.id, action) from exc
    return case_sync.apply_result(instance, result, actor, now, action)


def start_instance(actor: Actor, definition: ProcessDefinition, project: Project | None,
                   run: Callable[[str, ServiceHost, Any], engine.EngineResult],
                   action: dict[str, Any], **fields: Any) -> int:
    """Create the instance row, run the engine's start and persist; inside the caller's
    transaction. Raises CaseStartFailedError (nothing is kept: there is no good state yet)."""
    now = wallclock.now()
    summary = {"scope_path": fields.pop("scope_path", None)}
    values: dict[str, Any] = dict.fromkeys(_NEW_INSTANCE_COLUMNS)
    values.update(
        definition_id=definition.id, process_key=definition.key, state="", status="running", lock_version=1,
        project_id=project.id if project else None, started_by=actor.username, started_at=now,
        title=fields.pop("title", None) or definition.title, data_summary=summary, **fields)
    instance = ProcessInstance(**values)  # refuses an unknown field
    # One Core INSERT (no unit of work: its flush ran every listener over the new object); the
    # object then joins the session as the persistent row it is, its definition attached. What
    # the caller added before is written first, as the flush did.
    db.session.flush()
    instance.id = db.session.connection().execute(_INSTANCE_INSERT, values).scalar_one()
    make_transient_to_detached(instance)
    audit_trail.audited_by_caller(instance)  # apply_result writes the start's audit entry
    db.session.add(instance)
    set_committed_value(instance, "definition", definition)
    change_feed.note_record(db.session, ProcessInstance, instance.id, instance.project_id, action="created")
    try:
        result = run(definition_cache.spec_json(definition), ServiceHost(instance, actor), now)
    except engine.EngineError as exc:
        raise CaseStartFailedError(exc) from exc
    case_sync.apply_result(instance, result, actor, now, action)
    return instance.id


_NEW_INSTANCE_COLUMNS = tuple(c.key for c in ProcessInstance.__table__.columns if c.key != "id")
_INSTANCE_INSERT = ProcessInstance.__table__.insert().returning(ProcessInstance.__table__.c.id)


class FormMissingError(DomainError):
    """流程版本缺少该表单。"""
    code = "form_missing"


class CaseStartFailedError(DomainError):
    """流程启动失败。"""
    code = "case_start_failed"

    def __init__(self, error: engine.EngineError):
        super().__init__(f"流程启动失败：{error}")
        self.engine_code, self.element_id = error.code, error.element_id
