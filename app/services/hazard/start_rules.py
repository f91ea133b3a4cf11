"""The guard of the `hazardous_work` subject: starts and form submissions against the work's life.

The lifecycle (processes.md): registered → plan_approved → in_progress ⇄ suspended → accepted;
any → terminated, which is final: nothing may be started on a terminated work and the forms of
its other cases become read-only. Which process starts in which status and by whom is data of
each diagram (`startStatuses`, `startRoles`, `startSingle`, `subjectTerminating` on its process,
read by `definitions.start_guards`); this module registers the checks of the work itself.
"""
from __future__ import annotations

from collections.abc import ItemsView, Iterator, Mapping, ValuesView

from sqlalchemy import select, update

from app.domain import vocabulary
from app.errors import ConflictError, NotFoundError, PermissionDeniedError, ValidationError
from app.extensions import db
from app.formdefs.messages import Said
from app.models import HazardousWork, ProcessInstance
from app.services.access import scoping
from app.services.access.actors import Actor
from app.services.definitions import start_guards
from app.services.definitions.deployments import latest_definition
from app.services.definitions.start_guards import StartRule, register_guard

STATUS_LABELS = vocabulary.labels("work_status")
OPEN_STATUSES = ("running", "waiting", "error")
SUBJECT = "hazardous_work"


class WorkTerminatedError(ConflictError):
    """该危大工程已终止，不能再办理任何业务。"""
    code = "work_terminated"


class WorkStatusInvalidError(ConflictError):
    """该危大工程当前状态不能发起此流程。"""
    code = "work_status_invalid"


def _status_en(status: str) -> str:
    return vocabulary.word(status, "work_status", "en")


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


class HazardousWorkGuard:
    """Registered for `hazardous_work` (definitions.start_guards.SubjectGuard)."""

    label = "危大工程"
    statuses = STATUS_LABELS

    def missing(self) -> Exception:
        return ValidationError("请选择危大工程。", code="work_required", fields={"subject_id": ["须指定危大工程。"]})

    def check_start(self, actor: Actor, process_key: str, rule: StartRule | None, subject_id: int,
                    project_code: str | None) -> None:
        """Any process started on a terminated work is refused; a rule adds status, role and
        one-open-case checks. Raises NotFoundError(`hazardous_work_not_found`),
        ValidationError(`work_project_mismatch`), WorkTerminatedError(`work_terminated`),
        WorkStatusInvalidError(`work_status_invalid`), PermissionDeniedError(`case_start_role`),
        ConflictError(`case_already_open`).
        """
        work = _visible_work(actor, subject_id, lock=rule is not None and rule.single)
        if project_code is not None and work.project.code != project_code:
            raise ValidationError("危大工程不属于该项目。", code="work_project_mismatch",
                                  fields={"project_code": ["危大工程不属于该项目。"]})
        if work.status == "terminated":
            raise WorkTerminatedError()
        if rule is None:
            return
        if work.status not in rule.statuses:
            raise WorkStatusInvalidError(Said(
                f"危大工程“{work.name}”当前状态为“{STATUS_LABELS.get(work.status, work.status)}”，"
                f"该流程只能在以下状态发起：{_labels(rule.statuses)}。",
                f"The hazardous work “{work.name}” is “{_status_en(work.status)}”; this process can be started "
                f"only when it is: {', '.join(_status_en(s) for s in STATUS_LABELS if s in rule.statuses)}."))
        if not (actor.roles_on_project(work.project_id) & rule.roles):
            raise PermissionDeniedError("您在该项目上没有发起此流程的角色。", code="case_start_role")
        if rule.single and _open_case(process_key, work.id):
            raise ConflictError("该危大工程已有一个进行中的同类案件。", code="case_already_open")

    def check_complete(self, rule: StartRule | None, subject_id: int) -> None:
        """Forms of a terminated work are read-only, except those of the case that terminates it.

        Raises WorkTerminatedError(`work_terminated`).
        """
        if rule is not None and rule.terminating:
            return
        status = db.session.scalar(select(HazardousWork.status).where(HazardousWork.id == subject_id))
        if status == "terminated":
            raise WorkTerminatedError("该危大工程已终止，其案件表单只读，不能再提交。")


def _open_case(process_key: str, work_id: int) -> int | None:
    return db.session.scalar(select(ProcessInstance.id).where(
        ProcessInstance.process_key == process_key, ProcessInstance.subject_type == SUBJECT,
        ProcessInstance.subject_id == work_id, ProcessInstance.status.in_(OPEN_STATUSES)).limit(1))


register_guard(SUBJECT, HazardousWorkGuard())


class _DeployedRules(Mapping[str, StartRule]):
    """The start rules of the deployed hazardous-work processes, as their newest diagrams say."""

    def _rules(self) -> dict[str, StartRule]:
        return {k: r for k, r in start_guards.rules_by_key().items() if r.subject == SUBJECT}

    def __getitem__(self, key: str) -> StartRule:
        return self._rules()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._rules())

    def __len__(self) -> int:
        return len(self._rules())

    # Mapping's own views look every key up again (a read of the deployed diagrams per key).
    def items(self) -> ItemsView[str, StartRule]:
        return self._rules().items()

    def values(self) -> ValuesView[StartRule]:
        return self._rules().values()


RULES: Mapping[str, StartRule] = _DeployedRules()


def check_can_start(actor: Actor, process_key: str, subject_type: str | None, subject_id: int | None,
                    *, project_code: str | None = None) -> None:
    """`start_guards.check_can_start` for the newest version of `process_key` (a key not deployed
    has no rule): what `HazardousWorkGuard.check_start` raises, and `work_required`."""
    definition = latest_definition(process_key)
    if definition is None:
        guard = start_guards.GUARDS.get(subject_type or "") if subject_id is not None else None
        if guard is not None:
            guard.check_start(actor, process_key, None, subject_id, project_code)
        return
    start_guards.check_can_start(actor, definition, subject_type, subject_id, project_code=project_code)


def check_can_complete(process_key: str | None, subject_type: str | None, subject_id: int | None) -> None:
    """`start_guards.check_can_complete` for the newest version of `process_key`.

    Raises WorkTerminatedError(`work_terminated`).
    """
    definition = latest_definition(process_key) if process_key else None
    if definition is not None:
        start_guards.check_can_complete(definition, subject_type, subject_id)
    elif subject_type == SUBJECT and subject_id is not None:
        HazardousWorkGuard().check_complete(None, subject_id)
