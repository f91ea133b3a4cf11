"""Officials maintain the hazardous-work category table (类别配置) and the expert library (专家库管理).

ID numbers of experts are never stored or shown in clear: a keyed hash finds duplicates and a
mask is what every reader sees.
"""
from __future__ import annotations

import re
from typing import Any

from sqlalchemy import func, or_, select

from app.errors import ConflictError, NotFoundError, ValidationError
from app.extensions import db
from app.infra.uow import transaction
from app.models import Enterprise, Expert, HazardousCategory, RoleGrant, User
from app.services.access.actors import Actor
from app.services.access.id_numbers import hash_id_number, mask_id_number
from app.services.access.permissions import require_any_role
from app.services.access.projects import Page

ADMIN_ROLES = ("sys_admin", "city_official", "district_safety_officer", "district_quality_officer")
CATEGORY_FIELDS = ("name_zh", "name_en", "division", "sub_item", "hazardous_rule", "super_scale_rule",
                   "specialty", "source_tag")
EXPERT_FIELDS = ("name", "certificates", "specialties", "title", "phone")
# 18 characters: 17 digits and a digit or X (GB 11643); 15-digit legacy numbers are refused.
ID_NUMBER = re.compile(r"^\d{17}[\dX]$")


def list_categories(actor: Actor, *, include_inactive: bool = True) -> list[HazardousCategory]:
    """The category table (officials). Raises PermissionDeniedError."""
    require_any_role(actor, *ADMIN_ROLES)
    stmt = select(HazardousCategory).order_by(HazardousCategory.code)
    if not include_inactive:
        stmt = stmt.where(HazardousCategory.active.is_(True))
    return list(db.session.scalars(stmt))


def _category(code: str) -> HazardousCategory:
    category = db.session.scalar(select(HazardousCategory).where(HazardousCategory.code == code))
    if category is None:
        raise NotFoundError("没有找到该危大工程类别。", code="category_not_found")
    return category


def create_category(actor: Actor, data: dict[str, Any]) -> int:
    """Add a category. Raises PermissionDeniedError, ConflictError(`category_code_taken`)."""
    require_any_role(actor, *ADMIN_ROLES)
    with transaction(actor):
        if db.session.scalar(select(HazardousCategory.id).where(HazardousCategory.code == data["code"])):
            raise ConflictError("类别编码已存在。", code="category_code_taken")
        category = HazardousCategory(code=data["code"], active=data.get("active", True),
                                     **{k: data.get(k) for k in CATEGORY_FIELDS if k in data})
        db.session.add(category)
        db.session.flush()
    return category.id


def update_category(actor: Actor, code: str, data: dict[str, Any]) -> None:
    """Edit the rule texts, division, sub-item, specialty or names of a category.

    Works already registered keep their computed flag. Raises NotFoundError, PermissionDeniedError.
    """
    require_any_role(actor, *ADMIN_ROLES)
    with transaction(actor):
        category = _category(code)
        for key in CATEGORY_FIELDS:
            if key in data:
                setattr(category, key, data[key])


def set_category_active(actor: Actor, code: str, active: bool) -> None:
    """Activate or deactivate a category (inactive ones cannot be chosen for new works)."""
    require_any_role(actor, *ADMIN_ROLES)
    with transaction(actor):
        _category(code).active = active


def search_experts(actor: Actor, *, q: str | None = None, specialty: str | None = None,
                   employer: str | None = None, active: bool | None = None,
                   limit: int = 50, offset: int = 0) -> Page:
    """Experts by name, specialty and employer name (officials). Raises PermissionDeniedError."""
    require_any_role(actor, *ADMIN_ROLES)
    stmt = select(Expert)
    if q:
        stmt = stmt.where(Expert.name.contains(q.strip()))
    if employer:
        stmt = stmt.outerjoin(Enterprise, Enterprise.id == Expert.employer_enterprise_id).where(or_(
            Expert.employer_name.contains(employer.strip()), Enterprise.name.contains(employer.strip())))
    if active is not None:
        stmt = stmt.where(Expert.active.is_(active))
    rows = list(db.session.scalars(stmt.order_by(Expert.id)))
    if specialty:  # a JSON list: filtered here, the library holds hundreds of rows, not millions
        rows = [e for e in rows if specialty in (e.specialties or [])]
    return Page(rows[offset:offset + limit], len(rows))


def _expert(expert_id: int) -> Expert:
    expert = db.session.get(Expert, expert_id)
    if expert is None:
        raise NotFoundError("没有找到该专家。", code="expert_not_found")
    return expert


def _apply_expert_fields(expert: Expert, data: dict[str, Any]) -> None:
    for key in EXPERT_FIELDS:
        if key in data:
            setattr(expert, key, data[key])
    if "employer_enterprise_id" in data:
        firm = db.session.get(Enterprise, data["employer_enterprise_id"]) if data["employer_enterprise_id"] else None
        if data["employer_enterprise_id"] and firm is None:
            raise ValidationError(fields={"employer_enterprise_id": ["单位不存在。"]})
        expert.employer_enterprise_id = firm.id if firm else None
        expert.employer_name = firm.name if firm else data.get("employer_name", expert.employer_name)
    elif "employer_name" in data:
        expert.employer_name = data["employer_name"]
    if "username" in data:
        expert.user_id = _expert_account(data["username"])


def _expert_account(username: str | None) -> int | None:
    """Link a login account (its panel seats are bound to it) and give it the expert role."""
    if not username:
        return None
    user = db.session.scalar(select(User).where(User.username == username))
    if user is None:
        raise ValidationError(fields={"username": ["账号不存在。"]})
    if not db.session.scalar(select(RoleGrant.id).where(RoleGrant.user_id == user.id,
                                                       RoleGrant.role_code == "expert")):
        db.session.add(RoleGrant(user_id=user.id, role_code="expert"))
    return user.id


def add_expert(actor: Actor, data: dict[str, Any]) -> int:
    """Add an expert; the ID number is kept only hashed and masked.

    Raises PermissionDeniedError, ValidationError (ID number, employer, account),
    ConflictError(`expert_id_number_taken`, `expert_account_taken`).
    """
    require_any_role(actor, *ADMIN_ROLES)
    id_number = (data.get("id_number") or "").strip().upper()
    if not ID_NUMBER.match(id_number):
        raise ValidationError(fields={"id_number": ["身份证号应为18位。"]})
    with transaction(actor):
        digest = hash_id_number(id_number)
        if db.session.scalar(select(Expert.id).where(Expert.id_number_hash == digest)):
            raise ConflictError("该身份证号的专家已在库中。", code="expert_id_number_taken")
        expert = Expert(id_number_hash=digest, id_number_masked=mask_id_number(id_number), active=True,
                        specialties=[])
        _apply_expert_fields(expert, data)
        _check_account_free(expert)
        db.session.add(expert)
        db.session.flush()
    return expert.id


def _check_account_free(expert: Expert) -> None:
    if expert.user_id and db.session.scalar(select(func.count(Expert.id)).where(
            Expert.user_id == expert.user_id, Expert.id != (expert.id or 0))):
        raise ConflictError("该账号已关联其他专家。", code="expert_account_taken")


def update_expert(actor: Actor, expert_id: int, data: dict[str, Any]) -> None:
    """Edit an expert (not his ID number). Raises NotFoundError, PermissionDeniedError, ValidationError."""
    require_any_role(actor, *ADMIN_ROLES)
    with transaction(actor):
        expert = _expert(expert_id)
        _apply_expert_fields(expert, data)
        _check_account_free(expert)


def set_expert_active(actor: Actor, expert_id: int, active: bool) -> None:
    """Deactivate (or reactivate) an expert: inactive experts are never drawn."""
    require_any_role(actor, *ADMIN_ROLES)
    with transaction(actor):
        _expert(expert_id).active = active
