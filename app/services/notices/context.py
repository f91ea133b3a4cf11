"""The context a notice prints: project, addressees, issuer, dates and the template's fields.

Why a snapshot: a notice is a legal paper. What it shows is frozen when it is issued and
stored with it, so renaming a project or a firm later never changes an issued notice.
"""
from __future__ import annotations

import json
import re
from datetime import date
from functools import lru_cache
from typing import Any

from jinja2 import meta
from sqlalchemy import select

from app.errors import ValidationError
from app.extensions import db
from app.formdefs.messages import Said
from app.models import ENTERPRISE_TYPES, Department, OrgUnit, ProcessInstance, Project, RoleGrant, User
from app.rendering import TEMPLATES
from app.rendering.catalogue import COMMON_KEYS
from app.rendering.environment import DOCUMENTS_DIR, build_environment
from app.services.access.actors import Actor

DEFAULT_PARTIES = ("contractor", "supervisor", "owner")
# Keys the service fills; a diagram may override issuer/addressees/issue_date, never these.
FIXED_KEYS = {"number", "verify_code", "verify_url", "project"}
COMMON_ROOTS = {key.split(".")[0] for key in COMMON_KEYS}
RESERVED_PARAMS = {"template", "addressee_parties"}


class NoticeIssueError(ValidationError):
    """无法签发该文书。"""
    code = "notice_issue_failed"


def require_template(name: Any) -> str:
    """Raises ValidationError(`template_unknown`) unless `name` is a registered template."""
    if not isinstance(name, str) or name not in TEMPLATES:
        raise ValidationError(Said(f"没有名为 {name!r} 的文书模板。", f"There is no notice template named {name!r}."),
                              code="template_unknown",
                              fields={"template": ["未知的文书模板。"]})
    return name


def jsonable(value: Any) -> Any:
    """Dates and Decimals as text: the snapshot is stored as JSON."""
    return json.loads(json.dumps(value, default=str, ensure_ascii=False))


@lru_cache(maxsize=32)
def template_variables(template: str) -> frozenset[str]:
    """Top-level names the template's own file reads (its optional fields included)."""
    source = (DOCUMENTS_DIR / f"{template}.html").read_text(encoding="utf-8")
    names = meta.find_undeclared_variables(build_environment().parse(source))
    return frozenset(names - {"m"})  # `m` is the macro library the base template imports


def issuing_unit(actor: Actor, project: Project | None,
                 instance: ProcessInstance | None) -> OrgUnit:
    """The acting official's org unit, else the project's district, else the case's scope.

    Raises NoticeIssueError(`notice_issuer_unknown`) when none is known.
    """
    if actor.org_unit_id is not None and actor.jurisdiction_paths:
        return db.session.get(OrgUnit, actor.org_unit_id)
    if project is not None:
        return db.session.get(OrgUnit, project.district_id)
    scope = (instance.data_summary or {}).get("scope_path") if instance is not None else None
    unit = db.session.scalar(select(OrgUnit).where(OrgUnit.path == scope)) if scope else None
    if unit is None:
        raise NoticeIssueError("无法确定签发单位。", code="notice_issuer_unknown")
    return unit


def issuer_block(actor: Actor, unit: OrgUnit) -> dict[str, Any]:
    """Issuing body as printed (the official's station, else the unit's safety station)."""
    user = db.session.get(User, actor.user_id) if actor.user_id is not None else None
    department = None
    if user is not None and user.org_unit_id == unit.id and user.department_id is not None:
        department = db.session.get(Department, user.department_id)
    if department is None:
        department = db.session.scalar(select(Department).where(
            Department.org_unit_id == unit.id, Department.kind == "safety_station"))
    signer = user or _unit_leader(unit)  # a notice issued by the system is signed by the unit's leader
    signatory = re.sub(r"[（(].*?[）)]", "", signer.display_name).strip() if signer else None
    return {"org_unit": department.name if department else unit.name, "signatory": signatory or None,
            "unit_name": unit.name}


def _unit_leader(unit: OrgUnit) -> User | None:
    """The signing leader (role district_leader) of `unit`, the first one granted."""
    return db.session.scalar(select(User).join(RoleGrant, RoleGrant.user_id == User.id).where(
        RoleGrant.org_unit_id == unit.id, RoleGrant.role_code == "district_leader", User.is_active.is_(True))
        .order_by(RoleGrant.id).limit(1))


def project_block(project: Project | None) -> dict[str, Any]:
    if project is None:
        return {}
    return {"code": project.code, "name": project.name, "address": project.address,
            "permit_no": project.permit_no, "supervision_no": project.supervision_no}


def addressees(project: Project | None, parties: Any = None) -> list[dict[str, Any]]:
    """The project's participants of `parties` (default: contractor, supervisor, owner)."""
    if project is None:
        return []
    wanted = [p for p in (parties or DEFAULT_PARTIES) if isinstance(p, str)]
    by_type = {}
    for participant in project.participants:
        by_type.setdefault(participant.party_type, participant)
    return [{"role": ENTERPRISE_TYPES.get(party, party), "unit": by_type[party].enterprise.name,
             "person": by_type[party].responsible_person}
            for party in wanted if party in by_type]


def template_fields(template: str, params: dict[str, Any],
                    task_data: dict[str, Any]) -> dict[str, Any]:
    """The template's own fields: task data the template reads, overridden by the params."""
    wanted = {k.split(".")[0] for k in TEMPLATES[template].specific_keys}
    wanted |= template_variables(template) - COMMON_ROOTS
    fields = {k: task_data[k] for k in sorted(wanted) if k in (task_data or {})}
    fields.update({k: v for k, v in params.items() if k not in RESERVED_PARAMS | FIXED_KEYS})
    return fields


def contractor_defaults(template: str, project: Project | None) -> dict[str, Any]:
    """Fields that name the construction unit when the diagram does not (被检查单位, 申请单位…)."""
    found = addressees(project, ["contractor"])
    if not found:
        return {}
    unit, person = found[0]["unit"], found[0]["person"]
    defaults = {"inspected_unit": unit, "organizer": unit, "plan_author_unit": unit,
                "applicant": {"unit": unit, "person": person}}
    used = template_variables(template)
    return {k: v for k, v in defaults.items() if k in used}


def build_context(template: str, *, actor: Actor, unit: OrgUnit, project: Project | None,
                  fields: dict[str, Any], issue_date: date, addressee_parties: Any = None,
                  ) -> dict[str, Any]:
    """Everything but number and verification: project, addressees, issuer, date, fields."""
    context: dict[str, Any] = {
        "project": project_block(project),
        "addressees": addressees(project, addressee_parties),
        "issuer": issuer_block(actor, unit),
        "issue_date": issue_date.isoformat(),
    }
    context.update(contractor_defaults(template, project))
    fields = dict(fields)
    if fields.get("signatory"):
        context["issuer"]["signatory"] = fields.pop("signatory")
    context.update(fields)
    return jsonable(context)
