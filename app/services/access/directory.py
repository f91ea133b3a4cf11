"""Org units, enterprises and users: the administrator's directory."""
from __future__ import annotations

from sqlalchemy import func, select

from app.domain.credit_code import credit_code_problem
from app.errors import ConflictError, NotFoundError, ValidationError
from app.extensions import db
from app.formdefs.messages import Said
from app.infra.uow import transaction
from app.models import ENTERPRISE_TYPES, Enterprise, OrgUnit, Project, RoleGrant, User
from app.roles import AUTHORITY_ROLES, ENTERPRISE_ROLES, ROLES
from app.services.access import scoping
from app.services.access.actors import Actor
from app.services.access.passwords import hash_password
from app.services.access.permissions import require_any_role
from app.services.access.projects import Page

LEVEL_BELOW = {None: "province", "province": "city", "city": "district"}


def create_org_unit(actor: Actor, code: str, name: str, parent_id: int | None) -> int:
    """Add a unit to the authority tree (province → city → district). Admins only."""
    require_any_role(actor, "sys_admin")
    with transaction(actor):
        parent = db.session.get(OrgUnit, parent_id) if parent_id else None
        if parent_id and parent is None:
            raise NotFoundError(code="org_unit_not_found")
        level = LEVEL_BELOW.get(parent.level if parent else None)
        if level is None:
            raise ValidationError("区县以下不能再建下级单位。", code="org_unit_too_deep")
        if db.session.scalar(select(OrgUnit.id).where(OrgUnit.code == code)):
            raise ConflictError("单位编码已存在。", code="org_unit_code_taken")
        unit = OrgUnit(code=code, name=name, level=level, parent_id=parent_id)
        db.session.add(unit)
        db.session.flush()
        unit.path = f"{parent.path if parent else '/'}{unit.id}/"
    return unit.id


def list_org_units(actor: Actor) -> list[OrgUnit]:
    return list(db.session.scalars(select(OrgUnit).where(scoping.org_unit_filter(actor)).order_by(OrgUnit.path)))


def create_enterprise(actor: Actor, data: dict) -> int:
    """Register an enterprise. Raises ValidationError (credit code, type), ConflictError (code used)."""
    require_any_role(actor, "sys_admin", "city_official", "district_safety_officer",
                     "district_quality_officer")
    code = (data.get("credit_code") or "").upper()
    problem = credit_code_problem(code)
    fields = {"credit_code": [problem]} if problem else {}
    if data.get("type") not in ENTERPRISE_TYPES:
        fields["type"] = ["企业类型无效。"]
    if fields:
        raise ValidationError(fields=fields)
    with transaction(actor):
        if db.session.scalar(select(Enterprise.id).where(Enterprise.credit_code == code)):
            raise ConflictError("该统一社会信用代码已登记。", code="enterprise_exists")
        enterprise = Enterprise(**{**data, "credit_code": code})
        db.session.add(enterprise)
        db.session.flush()
    return enterprise.id


def list_enterprises(actor: Actor, *, limit: int = 100, offset: int = 0) -> Page:
    """Officials see the enterprise directory; enterprise users see their own enterprise."""
    stmt = _enterprises(actor)
    total = db.session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    items = list(db.session.scalars(stmt.order_by(Enterprise.id).limit(limit).offset(offset)))
    return Page(items, total)


def _enterprises(actor: Actor):
    stmt = select(Enterprise)
    if not actor.jurisdiction_paths and not actor.is_admin:
        stmt = stmt.where(Enterprise.id == (actor.enterprise_id or -1))
    return stmt


def find_enterprise(actor: Actor, text: str) -> Enterprise:
    """The one enterprise of the directory (as list_enterprises scopes it) a form names by its
    credit code, its full name, or a part of its name that only it holds: the admin forms' search
    in place of a list of every enterprise. Raises ValidationError (`enterprise_not_found`,
    `enterprise_ambiguous`)."""
    text = " ".join(text.split())[:200]
    stmt = _enterprises(actor)
    by_code = db.session.scalar(stmt.where(Enterprise.credit_code == text.upper())) if len(text) == 18 else None
    if by_code is not None:
        return by_code
    found = db.session.scalars(stmt.where(Enterprise.name == text).limit(2)).all() if text else []
    if not found and text:
        found = db.session.scalars(stmt.where(Enterprise.name.icontains(text, autoescape=True))
                                   .order_by(Enterprise.name).limit(6)).all()
    if len(found) == 1:
        return found[0]
    if not found:
        raise ValidationError(Said(f"没有找到“{text}”：请输入企业全称、名称中的字词或统一社会信用代码。",
                                   f"No enterprise matches “{text}”: enter its full name, words of its name or "
                                   "its unified social credit code."), code="enterprise_not_found")
    names = "、".join(e.name for e in found[:5]) + ("……" if len(found) > 5 else "")
    raise ValidationError(Said(f"有多家企业符合“{text}”（{names}）：请输入全称或统一社会信用代码。",
                               f"Several enterprises match “{text}” ({names}): enter the full name or the unified "
                               "social credit code."), code="enterprise_ambiguous")


def create_user(actor: Actor, data: dict, password: str) -> int:
    """Create an account. Admins only. Raises ConflictError when the username is taken."""
    require_any_role(actor, "sys_admin")
    with transaction(actor):
        if db.session.scalar(select(User.id).where(User.username == data["username"])):
            raise ConflictError("用户名已存在。", code="username_taken")
        user = User(password_hash=hash_password(password), password_change_required=True, **data)
        db.session.add(user)
        db.session.flush()
    return user.id


def grant_role(actor: Actor, user_id: int, role: str, *, org_unit_id: int | None = None,
               project_code: str | None = None) -> int:
    """Give a role: authority roles on an org unit, enterprise roles on one project."""
    require_any_role(actor, "sys_admin")
    if role not in ROLES:
        raise ValidationError(fields={"role": ["未知角色。"]})
    if role in AUTHORITY_ROLES and not org_unit_id:
        raise ValidationError(fields={"org_unit_id": ["监管角色必须指定单位。"]})
    if role in ENTERPRISE_ROLES and not project_code:
        raise ValidationError(fields={"project_code": ["企业角色必须指定项目。"]})
    with transaction(actor):
        if db.session.get(User, user_id) is None:
            raise NotFoundError(code="user_not_found")
        project_id = None
        if project_code:
            project_id = db.session.scalar(select(Project.id).where(Project.code == project_code))
            if project_id is None:
                raise NotFoundError(code="project_not_found")
        grant = RoleGrant(user_id=user_id, role_code=role,
                          org_unit_id=org_unit_id if role in AUTHORITY_ROLES else None,
                          project_id=project_id)
        db.session.add(grant)
        db.session.flush()
    return grant.id
