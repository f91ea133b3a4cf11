"""Moving running cases to a newer deployed version of their process (Camunda-style migration).

A case moves when every element it is at (waiting user tasks, timers, message waits, call
activities) and every step it has taken exists in the target version by id; otherwise the whole
request is refused with the blocking tasks in words (`migration_blocked`). One case, or every
running case of a version, in one transaction: the instance row's new `definition_id` is in the
audit log (the flush listener), the case timeline says `migrated` (v1 → v2), and the open inbox
rows take the target's task names, lanes and forms (case_sync, as after any step). Process
designers and administrators only.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select

from app import engine
from app.errors import ConflictError, NotFoundError, ValidationError
from app.extensions import db
from app.formdefs.messages import Said
from app.infra import wallclock
from app.models import ProcessDefinition, ProcessInstance
from app.services.access.actors import Actor
from app.services.access.permissions import require_any_role
from app.services.definitions import definition_cache, deployments
from app.services.workflow import case_steps as rt
from app.services.workflow import case_sync, timeline

PREVIEW_LIMIT = 200  # running cases checked on the versions page


@dataclass(frozen=True)
class Blocker:
    """A task of the case that the target version does not have."""

    name: str
    element_id: str
    current: bool  # the case is at it now (else a step it already took)

    @property
    def words(self) -> str:
        return f"{self.name}（{'当前步骤' if self.current else '已办步骤'}）"


@dataclass(frozen=True)
class CaseCheck:
    instance_id: int
    title: str | None
    version: int
    blockers: list[Blocker] = field(default_factory=list)


@dataclass(frozen=True)
class MigrationResult:
    key: str
    to_version: int
    migrated: list[int]


@dataclass(frozen=True)
class MigrationPreview:
    key: str
    to_version: int
    versions: list[int]  # every deployed version, newest first
    cases: list[CaseCheck]

    def by_version(self) -> dict[int, list[CaseCheck]]:
        grouped: dict[int, list[CaseCheck]] = {}
        for check in self.cases:
            grouped.setdefault(check.version, []).append(check)
        return dict(sorted(grouped.items()))


class MigrationBlockedError(ConflictError):
    """案件不能迁移到该版本。"""

    code = "migration_blocked"

    def __init__(self, to_version: int, blocked: list[CaseCheck]):
        parts = [f"案件 {c.instance_id}：{'、'.join(b.words for b in c.blockers)}" for c in blocked]
        super().__init__(f"以下步骤在 v{to_version} 中不存在，不能迁移。" + "；".join(parts),
                         fields={str(c.instance_id): [b.words for b in c.blockers] for c in blocked})
        self.blocked = blocked


def _target(key: str, version: int | None) -> ProcessDefinition:
    """Version `version` of `key`, the newest when None."""
    found = deployments.latest_definition(key, version) if version is None or version > 0 else None
    if found is None:
        raise NotFoundError("没有找到该流程版本。", code="process_version_not_found")
    return found


def _check(instance: ProcessInstance, target: ProcessDefinition) -> CaseCheck:
    found = engine.migration_blockers(definition_cache.spec_json(instance.definition), instance.state,
                                      definition_cache.spec_json(target), now=wallclock.now())
    return CaseCheck(instance.id, instance.title, instance.definition.version,
                     [Blocker(b["name"], b["element_id"], b["active"]) for b in found])


def require_migrator(actor: Actor) -> None:
    """Only process designers (and administrators) move cases. Raises PermissionDeniedError."""
    require_any_role(actor, "process_designer")


def _require_movable(instance: ProcessInstance, target: ProcessDefinition) -> None:
    if instance.process_key != target.key:
        raise ValidationError("目标版本属于另一个流程。", code="migration_other_process")
    if instance.status not in rt.ACTIVE:
        raise ConflictError("只有办理中或等待中的案件可以迁移。", code="case_not_active")
    if target.version <= instance.definition.version:
        raise ValidationError(Said(f"案件已在 v{instance.definition.version}，只能迁移到更新的版本。",
                                   f"The case is at v{instance.definition.version} already: it can only move to a "
                                   "newer version."),
                              code="migration_target_not_newer")


def _move(actor: Actor, instance: ProcessInstance, target: ProcessDefinition) -> None:
    now, source = wallclock.now(), instance.definition
    result = engine.migrate_instance(definition_cache.spec_json(source), instance.state,
                                     definition_cache.spec_json(target), now=now)
    instance.definition_id, instance.definition = target.id, target
    case_sync.apply_result(instance, result, actor, now, {"action": "migrate"})
    timeline.record(instance.id, actor, "migrated", now, title=f"v{source.version} → v{target.version}",
                    data={"from_version": source.version, "to_version": target.version})


def _migrate(actor: Actor, instances: list[ProcessInstance], target: ProcessDefinition) -> list[int]:
    checks = [_check(i, target) for i in instances]
    blocked = [c for c in checks if c.blockers]
    if blocked:
        raise MigrationBlockedError(target.version, blocked)
    for instance in instances:
        _move(actor, instance, target)
    return [i.id for i in instances]


def migrate_case(actor: Actor, instance_id: int, to_version: int) -> MigrationResult:
    """Move one running case to version `to_version` of its process.

    Raises PermissionDeniedError(`role_required`), NotFoundError (`case_not_found`,
    `process_version_not_found`), ConflictError (`case_not_active`, `migration_blocked` with the
    blocking tasks), ValidationError (`migration_target_not_newer`).
    """
    require_migrator(actor)

    def step() -> MigrationResult:
        instance = rt.lock_instance(instance_id)  # designers see every case (instances_of)
        if instance is None:
            raise NotFoundError("没有找到该案件。", code="case_not_found")
        target = _target(instance.process_key, to_version)
        _require_movable(instance, target)
        return MigrationResult(target.key, target.version, _migrate(actor, [instance], target))

    return rt.run_in_transaction(actor, step)


def migrate_version(actor: Actor, key: str, from_version: int, to_version: int) -> MigrationResult:
    """Move every running case of version `from_version` to `to_version`: all or none.

    Raises what `migrate_case` raises; `migration_blocked` names every blocked case.
    """
    require_migrator(actor)

    def step() -> MigrationResult:
        target, source = _target(key, to_version), _target(key, from_version)
        ids = db.session.scalars(select(ProcessInstance.id).where(
            ProcessInstance.definition_id == source.id, ProcessInstance.status.in_(rt.ACTIVE))
            .order_by(ProcessInstance.id))
        instances = [rt.lock_instance(i) for i in ids]
        for instance in instances:
            _require_movable(instance, target)
        return MigrationResult(target.key, target.version, _migrate(actor, instances, target))

    return rt.run_in_transaction(actor, step)


def migration_preview(actor: Actor, key: str, to_version: int | None = None) -> MigrationPreview:
    """The target (newest by default), the versions of `key` and every running case on an
    older version than the target, checked against it.

    Raises PermissionDeniedError(`role_required`), NotFoundError(`process_version_not_found`).
    """
    require_migrator(actor)
    target = _target(key, to_version)
    rows = db.session.scalars(select(ProcessInstance).join(ProcessInstance.definition).where(
        ProcessInstance.process_key == key, ProcessInstance.status.in_(rt.ACTIVE),
        ProcessDefinition.version < target.version).order_by(ProcessInstance.id).limit(PREVIEW_LIMIT))
    versions = db.session.scalars(select(ProcessDefinition.version).where(ProcessDefinition.key == key)
                                  .order_by(ProcessDefinition.version.desc()))
    return MigrationPreview(key, target.version, list(versions), [_check(i, target) for i in rows])
