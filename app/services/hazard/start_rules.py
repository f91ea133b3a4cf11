"""Which hazardous-work process may start in which work status, and who may start it.

The lifecycle (processes.md): registered → plan_approved → in_progress ⇄ suspended → accepted;
any → terminated, which is final: nothing may be started on a terminated work and the forms of
its other cases become read-only.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select, update

from app.domain import vocabulary
from app.engine.parsing import start_lanes
from app.errors import ConflictError, NotFoundError, PermissionDeniedError, ValidationError
from app.extensions import db
from app.models import HazardousWork, ProcessDefinition, ProcessInstance
from app.roles import AUTHORITY_ROLES
from app.services.access import scoping
from app.services.access.actors import Actor
from app.services.workflow import definition_cache

STATUS_LABELS = vocabulary.labels("work_status")
OPEN_STATUSES = ("running", "waiting", "error")
TERMINATION_KEY = "hazardous_termination"


@dataclass(frozen=True)
class StartRule:
    statuses: frozenset[str]    # work statuses in which the process may start
    roles: frozenset[str]       # project roles that may start it
    single: bool = True         # at most one open case of this process per work


RULES: dict[str, StartRule] = {
    "hazardous_plan_review": StartRule(frozenset({"registered"}), frozenset({"contractor_pm"})),
    "hazardous_inspection": StartRule(frozenset({"plan_approved", "in_progress"}),
                                      frozenset({"supervisor", "chief_supervisor"}), single=False),
    "hazardous_acceptance": StartRule(frozenset({"plan_approved", "in_progress"}), frozenset({"contractor_pm"})),
    "hazardous_suspension": StartRule(frozenset({"plan_approved", "in_progress"}), frozenset({"contractor_pm"})),
    TERMINATION_KEY: StartRule(frozenset({"registered", "plan_approved", "in_progress", "suspended", "accepted"}),
                               frozenset({"contractor_pm"})),
    "hazardous_emergency": StartRule(frozenset({"plan_approved", "in_progress", "suspended"}),
                                     frozenset({"contractor_pm"}), single=False),
}


class WorkTerminatedError(ConflictError):
    """该危大工程已终止，不能再办理任何业务。"""
    code = "work_terminated"


class WorkStatusInvalidError(ConflictError):
    """该危大工程当前状态不能发起此流程。"""
    code = "work_status_invalid"


def _labels(statuses: frozenset[str]) -> str:
    return "、".join(STATUS_LABELS[s] for s in STATUS_LABELS if s in statuses)


def _visible_work(actor: Actor, work_id: int | None, *, lock: bool = False) -> HazardousWork:
    stmt = select(HazardousWork).where(
        HazardousWork.id == work_id, HazardousWork.project_id.in_(scoping.visible_project_ids(actor)))
    if lock:
        # Serialise simultaneous starts on one work until the first commits, so the second sees
        # its open case. PostgreSQL: FOR UPDATE on the row. SQLite has no row locks and pysqlite
        # only opens the transaction at the first write, so a no-op UPDATE takes the database's
        # write lock before anything is read.
        if db.session.get_bind().dialect.name == "sqlite":
            table = HazardousWork.__table__
            db.session.connection().execute(update(table).where(table.c.id == work_id)
                                            .values(id=table.c.id))
        stmt = stmt.with_for_update(of=HazardousWork)
    work = db.session.scalar(stmt)
    if work is None:
        raise NotFoundError("没有找到该危大工程。", code="hazardous_work_not_found")
    return work


def check_start_lane(actor: Actor, definition: ProcessDefinition) -> None:
    """A process whose start event lies in an official's lane (an order, a clue, an urging item,
    an inspection) is an act of the authority: only officials with jurisdiction (and admins) may
    start it, never a project's enterprise users.

    Raises PermissionDeniedError(`case_start_role`).
    """
    if actor.is_admin or actor.jurisdiction_paths:
        return
    bpmn = definition_cache.sources(definition).get(f"{definition.key}.bpmn")
    if bpmn and AUTHORITY_ROLES.intersection(start_lanes(bpmn.encode(), definition.key)):
        raise PermissionDeniedError("该流程由监管部门发起。", code="case_start_role")


def check_can_start(actor: Actor, process_key: str, subject_type: str | None, subject_id: int | None,
                    *, project_code: str | None = None) -> None:
    """Refuse a start that the work's lifecycle or the actor's role does not allow.

    Any process started on a terminated work is refused. Processes without a rule pass.
    Raises ValidationError(`work_required`, `work_project_mismatch`),
    NotFoundError(`hazardous_work_not_found`), WorkTerminatedError(`work_terminated`),
    WorkStatusInvalidError(`work_status_invalid`), PermissionDeniedError(`case_start_role`),
    ConflictError(`case_already_open`).
    """
    rule = RULES.get(process_key)
    if subject_type != "hazardous_work" or subject_id is None:
        if rule is not None:
            raise ValidationError("请选择危大工程。", code="work_required",
                                  fields={"subject_id": ["须指定危大工程。"]})
        return
    work = _visible_work(actor, subject_id, lock=rule is not None and rule.single)
    if project_code is not None and work.project.code != project_code:
        raise ValidationError("危大工程不属于该项目。", code="work_project_mismatch",
                              fields={"project_code": ["危大工程不属于该项目。"]})
    if work.status == "terminated":
        raise WorkTerminatedError()
    if rule is None:
        return
    if work.status not in rule.statuses:
        raise WorkStatusInvalidError(
            f"危大工程“{work.name}”当前状态为“{STATUS_LABELS.get(work.status, work.status)}”，"
            f"该流程只能在以下状态发起：{_labels(rule.statuses)}。")
    if not (actor.roles_on_project(work.project_id) & rule.roles):
        raise PermissionDeniedError("您在该项目上没有发起此流程的角色。", code="case_start_role")
    if rule.single and _open_case(process_key, work.id):
        raise ConflictError("该危大工程已有一个进行中的同类案件。", code="case_already_open")


def _open_case(process_key: str, work_id: int) -> int | None:
    return db.session.scalar(select(ProcessInstance.id).where(
        ProcessInstance.process_key == process_key, ProcessInstance.subject_type == "hazardous_work",
        ProcessInstance.subject_id == work_id, ProcessInstance.status.in_(OPEN_STATUSES)).limit(1))


def check_can_complete(process_key: str | None, subject_type: str | None, subject_id: int | None) -> None:
    """Forms of a terminated work are read-only (except the termination case's own steps).

    Raises WorkTerminatedError(`work_terminated`).
    """
    if subject_type != "hazardous_work" or subject_id is None or process_key == TERMINATION_KEY:
        return
    status = db.session.scalar(select(HazardousWork.status).where(HazardousWork.id == subject_id))
    if status == "terminated":
        raise WorkTerminatedError("该危大工程已终止，其案件表单只读，不能再提交。")

