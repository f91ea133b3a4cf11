"""Admin create forms on the directory services: org units (admins), enterprises (admins and
officials), user accounts and role grants (admins)."""
from __future__ import annotations

from typing import Any

from flask import flash, redirect, request, url_for
from flask_babel import gettext

from app.errors import DomainError
from app.models import ENTERPRISE_TYPES
from app.roles import ROLES
from app.schemas.catalog import EnterpriseSchema, OrgUnitSchema, RoleGrantRequestSchema, UserCreateSchema
from app.services.access import directory
from app.services.access.permissions import require_any_role
from app.web import bp
from app.web.admin_fields import Errors, Field, domain_errors, filled, load, options, render_form
from app.web.common import page, web_actor
from app.web.words import words

# Who may open a form: the same roles the services check (the services stay the authority).
ADMINS = ("sys_admin",)
DIRECTORY_EDITORS = ("sys_admin", "city_official", "district_safety_officer", "district_quality_officer")
LEVELS = {"province": "省", "city": "市", "district": "区县"}


def _unit_options() -> tuple[tuple[str, str], ...]:
    units = directory.list_org_units(web_actor())
    return options((u.id, f"{u.name}（{gettext(LEVELS.get(u.level, u.level))}）") for u in units)


def _org_unit_fields() -> list[Field]:
    return [Field("code", "单位编码", True, maxlength=32, hint="如 ZZ-HJ"),
            Field("name", "单位名称", True, maxlength=100),
            Field("parent_id", "上级单位", False, "select", _unit_options(), "不选则为省级单位；区县以下不能再建下级。")]


@bp.route("/admin/org-units/new", methods=["GET", "POST"])
@page
def admin_new_org_unit():
    require_any_role(web_actor(), *ADMINS)
    values: Any = request.form if request.method == "POST" else {}
    errors: Errors = {}
    status = 422
    if request.method == "POST":
        data, errors = load(OrgUnitSchema, filled(request.form, ("code", "name", "parent_id")))
        if not errors:
            try:
                directory.create_org_unit(web_actor(), data["code"], data["name"], data["parent_id"])
                flash("监管单位已保存。", "ok")
                return redirect(url_for("web.admin_section", section="org-units"))
            except DomainError as exc:
                errors, status = domain_errors(exc)
    return render_form("新增监管单位", _org_unit_fields(), values, errors, action=url_for("web.admin_new_org_unit"),
                       back=url_for("web.admin_section", section="org-units"), form_id="admin-new-org-unit",
                       status=status if errors else 200)


ENTERPRISE_FIELDS = [
    Field("credit_code", "统一社会信用代码", True, maxlength=18, hint="18位，末位为校验码"),
    Field("name", "企业名称", True, maxlength=200),
    Field("type", "企业类型", True, "select", options(ENTERPRISE_TYPES.items())),
    Field("legal_person", "法定代表人", maxlength=50),
    Field("address", "地址", maxlength=255),
    Field("phone", "联系电话", kind="tel", maxlength=32),
]


@bp.route("/admin/enterprises/new", methods=["GET", "POST"])
@page
def admin_new_enterprise():
    require_any_role(web_actor(), *DIRECTORY_EDITORS)
    values: Any = request.form if request.method == "POST" else {}
    errors: Errors = {}
    status = 422
    if request.method == "POST":
        raw = filled(request.form, [f.name for f in ENTERPRISE_FIELDS])
        data, errors = load(EnterpriseSchema, {**raw, "credit_code": raw.get("credit_code", "").upper()})
        if not errors:
            try:
                directory.create_enterprise(web_actor(), data)
                flash("企业已登记。", "ok")
                return redirect(url_for("web.admin_section", section="enterprises"))
            except DomainError as exc:
                errors, status = domain_errors(exc)
    return render_form("登记企业", ENTERPRISE_FIELDS, values, errors, action=url_for("web.admin_new_enterprise"),
                       back=url_for("web.admin_section", section="enterprises"), form_id="admin-new-enterprise",
                       status=status if errors else 200)


ENTERPRISE_HINT = "企业全称、名称中的字词或统一社会信用代码"


def enterprise_named(form: Any, field: str, errors: Errors) -> int | None:
    """The enterprise a form's search field names (directory.find_enterprise), or its refusal
    at the field; None when the field is empty."""
    text = (form.get(field) or "").strip()
    if not text:
        return None
    try:
        return directory.find_enterprise(web_actor(), text).id
    except DomainError as exc:
        errors[field] = [exc.message]
        return None


def _user_fields() -> list[Field]:
    return [Field("username", "用户名", True, maxlength=64, hint="字母、数字、下划线、点或横线，2~64位"),
            Field("display_name", "姓名", True, maxlength=64),
            Field("password", "初始密码", True, "password", hint="至少8位；请通知本人首次登录后修改"),
            Field("phone", "手机号", kind="tel", maxlength=32),
            Field("org_unit_id", "所属监管单位", False, "select", _unit_options(), "监管人员填写"),
            Field("enterprise", "所属企业", False, hint="企业人员填写：" + ENTERPRISE_HINT, maxlength=200)]


@bp.route("/admin/users/new", methods=["GET", "POST"])
@page
def admin_new_user():
    require_any_role(web_actor(), *ADMINS)
    values: Any = request.form if request.method == "POST" else {}
    errors: Errors = {}
    status = 422
    if request.method == "POST":
        names = ("username", "display_name", "password", "phone", "org_unit_id")
        data, errors = load(UserCreateSchema, filled(request.form, names))
        enterprise_id = enterprise_named(request.form, "enterprise", errors)
        if enterprise_id is not None:
            data["enterprise_id"] = enterprise_id
        if not errors:
            try:
                password = data.pop("password")
                user_id = directory.create_user(web_actor(), data, password)
                flash("用户已创建，请授予角色。", "ok")
                return redirect(url_for("web.admin_grant_role", user_id=user_id, u=data["username"]))
            except DomainError as exc:
                errors, status = domain_errors(exc)
    return render_form("新增用户", _user_fields(), values, errors, action=url_for("web.admin_new_user"),
                       back=url_for("web.admin_section", section="users"), form_id="admin-new-user",
                       status=status if errors else 200)


def _grant_fields() -> list[Field]:
    roles = options((c, f"{words(c, 'role')}（{gettext('监管') if r.side == 'authority' else gettext('企业')}）")
                    for c, r in ROLES.items() if r.side in ("authority", "enterprise"))
    return [Field("role", "角色", True, "select", roles),
            Field("org_unit_id", "监管单位", False, "select", _unit_options(), "监管角色必须指定单位"),
            Field("project_code", "项目编号", False, maxlength=32, hint="企业角色必须指定项目，如 JS-2026-001")]


@bp.route("/admin/users/<int:user_id>/roles", methods=["GET", "POST"])
@page
def admin_grant_role(user_id: int):
    require_any_role(web_actor(), *ADMINS)
    values: Any = request.form if request.method == "POST" else {}
    errors: Errors = {}
    status = 422
    if request.method == "POST":
        data, errors = load(RoleGrantRequestSchema, filled(request.form, ("role", "org_unit_id", "project_code")))
        if not errors:
            try:
                directory.grant_role(web_actor(), user_id, data["role"], org_unit_id=data["org_unit_id"],
                                     project_code=data["project_code"])
                flash("角色已授予。", "ok")
                return redirect(url_for("web.admin_section", section="users"))
            except DomainError as exc:
                errors, status = domain_errors(exc)
    who = request.args.get("u") or f"#{user_id}"
    return render_form("授予角色", _grant_fields(), values, errors,
                       action=url_for("web.admin_grant_role", user_id=user_id, u=request.args.get("u")),
                       back=url_for("web.admin_section", section="users"), form_id="admin-grant-role",
                       status=status if errors else 200, note=gettext("用户：%(who)s。监管角色授予在单位上，企业角色授予在项目上。", who=who))
