"""Registration use cases: start an enterprise review or a project start registration, submit
their tasks (business rules checked first: 422; initial passwords shown once), read the
enterprise change history.

Who submits: the logged-in user who starts the case; its form task is bound to him alone
(`candidateUserVariable = submitter_user_id`). An enterprise's first submission comes from a
user account that belongs to no enterprise yet (created by an administrator); the approval
creates the enterprise and makes that user its member. A change comes from a member.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from app import engine
from app.errors import ConflictError, NotFoundError, PermissionDeniedError, ValidationError
from app.extensions import db
from app.formdefs import validate_submission
from app.infra.uow import transaction
from app.models import ENTERPRISE_TYPES, Enterprise, EnterpriseChange, OrgUnit, ProcessInstance, User
from app.roles import AUTHORITY_ROLES
from app.services.access.actors import Actor
from app.services.casework import task_reads
from app.services.definitions.deployments import require_latest
from app.services.registrations import approval, rules
from app.services.workflow import case_steps as rt
from app.services.workflow import cases

ENTERPRISE_KEY, PROJECT_KEY = "enterprise_review", "project_registration"
FILL_TASKS = {"fill_info": ENTERPRISE_KEY, "fill_registration": PROJECT_KEY}


@dataclass(frozen=True)
class RegistrationResult:
    instance_id: int
    status: str
    new_task_ids: list[int] = field(default_factory=list)
    # Generated initial passwords of the accounts an approval created: shown here once, never stored.
    credentials: list[dict[str, Any]] = field(default_factory=list)


def _org(code: str, levels: tuple[str, ...], field_name: str) -> OrgUnit:
    unit = db.session.scalar(select(OrgUnit).where(OrgUnit.code == code, OrgUnit.level.in_(levels)))
    if unit is None:
        raise ValidationError("请选择有效的主管部门。", fields={field_name: ["没有找到该主管部门。"]})
    return unit


def _refuse_open(business_key: str) -> None:
    if db.session.scalar(select(ProcessInstance.id).where(
            ProcessInstance.process_key == ENTERPRISE_KEY, ProcessInstance.business_key == business_key,
            ProcessInstance.status.in_((*rt.ACTIVE, "error")))):
        raise ConflictError("已有正在审核的企业信息申报。", code="registration_open")


def _start(actor: Actor, key: str, data: dict[str, Any], scope: OrgUnit, **fields: Any) -> int:
    definition = require_latest(key)
    return rt.start_instance(actor, definition, None, lambda spec, host, now: engine.start(
        spec, data, host=host, now=now), {"action": "start", "data": data}, scope_path=scope.path, **fields)


def start_enterprise_review(actor: Actor, org_code: str) -> int:
    """Open a first submission (actor in no enterprise) or a change (actor's enterprise), reviewed
    by the city or district authority `org_code`. Returns the case id.

    Raises PermissionDeniedError(`registration_enterprise_only`), ValidationError(org_code),
    ConflictError(`registration_open`), NotFoundError(`process_not_deployed`).
    """
    if actor.user_id is None or actor.roles & AUTHORITY_ROLES:
        raise PermissionDeniedError("企业信息由企业用户申报。", code="registration_enterprise_only")
    with transaction(actor):
        unit = _org(org_code, ("city", "district"), "org_code")
        enterprise = db.session.get(Enterprise, actor.enterprise_id) if actor.enterprise_id else None
        key = f"enterprise:{enterprise.id}" if enterprise else f"user:{actor.user_id}"
        _refuse_open(key)
        kind = "change" if enterprise else "first"
        data = {**(approval.enterprise_snapshot(enterprise) or {}),
                "submitter_user_id": actor.user_id, "submitter": actor.username,
                "enterprise_id": enterprise.id if enterprise else None, "submission_kind": kind,
                "submission_kind_label": "信息变更" if enterprise else "首次申报",
                "review_level": unit.level, "registration_org": unit.name}
        name = enterprise.name if enterprise else actor.display_name or actor.username
        return _start(actor, ENTERPRISE_KEY, data, unit, subject_type="enterprise",
                      subject_id=enterprise.id if enterprise else None, business_key=key,
                      title=f"企业信息{'变更' if enterprise else '申报'}：{name}"[:200])


def start_project_registration(actor: Actor, district_code: str) -> int:
    """Open a start registration of a new project in district `district_code` (owner side only).

    Raises PermissionDeniedError(`registration_owner_only`), ValidationError(district_code),
    NotFoundError(`process_not_deployed`).
    """
    with transaction(actor):
        enterprise = db.session.get(Enterprise, actor.enterprise_id) if actor.enterprise_id else None
        if actor.user_id is None or not (actor.has_role("owner_rep") or (enterprise and enterprise.type == "owner")):
            raise PermissionDeniedError("开工登记由建设单位办理。", code="registration_owner_only")
        district = _org(district_code, ("district",), "district_code")
        data = {"submitter_user_id": actor.user_id, "submitter": actor.username, "district_id": district.id,
                "district_code": district.code, "district_name": district.name}
        return _start(actor, PROJECT_KEY, data, district, title=f"工程开工登记：{district.name}")


def complete_registration_task(actor: Actor, inbox_task_id: int, data: dict[str, Any]) -> RegistrationResult:
    """Submit a registration task. A submitter's form is checked against the business rules
    first; an approval returns the initial passwords of the accounts it created (once).

    Raises ValidationError(`registration_invalid` with fields, or what `cases.complete_task` raises),
    NotFoundError(`task_not_found`) and everything `cases.complete_task` raises.
    """
    row = task_reads.visible_task(actor, inbox_task_id)
    if row.process_key not in (ENTERPRISE_KEY, PROJECT_KEY):
        raise NotFoundError("没有找到该待办。", code="task_not_found")
    if row.task_name in FILL_TASKS and row.status == "open" and isinstance(data, dict) and \
            not validate_submission(rt.task_form(row.instance.definition, row.form_name).schema, data):
        problems = _submission_problems(row.instance, data)  # shape first: cases.complete_task reports it
        if problems:
            raise ValidationError("登记信息有误。", code="registration_invalid", fields=problems)
    result = cases.complete_task(actor, inbox_task_id, data, hand_back=True)
    return RegistrationResult(result.instance_id, result.status, result.new_task_ids,
                              list(result.handed_back.get("credentials", [])))


def _submission_problems(instance: ProcessInstance, data: dict[str, Any]) -> rules.Problems:
    submitter_id = db.session.scalar(select(User.id).where(User.username == instance.started_by))
    if instance.process_key == ENTERPRISE_KEY:
        return rules.enterprise_problems(data, instance.subject_id, submitter_id)
    district_id = db.session.scalar(select(OrgUnit.id).where(
        OrgUnit.path == (instance.data_summary or {}).get("scope_path")))
    return rules.project_problems(data, district_id, submitter_id)


def list_enterprise_changes(actor: Actor, enterprise_id: int | None = None) -> list[dict[str, Any]]:
    """The approved submissions and changes, newest first: officials see every enterprise,
    enterprise users their own. Raises PermissionDeniedError(`enterprise_changes_denied`)."""
    stmt = select(EnterpriseChange, Enterprise.name).join(Enterprise, Enterprise.id == EnterpriseChange.enterprise_id)
    if not (actor.is_admin or actor.jurisdiction_paths):
        if actor.enterprise_id is None or enterprise_id not in (None, actor.enterprise_id):
            raise PermissionDeniedError("只能查看本单位的变更记录。", code="enterprise_changes_denied")
        enterprise_id = actor.enterprise_id
    if enterprise_id is not None:
        stmt = stmt.where(EnterpriseChange.enterprise_id == enterprise_id)
    rows = db.session.execute(stmt.order_by(EnterpriseChange.approved_at.desc(), EnterpriseChange.id.desc()))
    return [{"id": c.id, "enterprise_id": c.enterprise_id, "enterprise_name": name, "kind": c.kind,
             "before": c.before, "after": c.after, "change_reason": c.change_reason,
             "submitted_by": c.submitted_by, "approved_by": c.approved_by, "approved_at": c.approved_at,
             "instance_id": c.instance_id, "type_label": ENTERPRISE_TYPES.get((c.after or {}).get("enterprise_type"))}
            for c, name in rows]
