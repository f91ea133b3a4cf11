"""Admin create forms for projects (with their participating enterprises) and for a project's
devices; a new device's HTTP token is shown once, on the result page only."""
from __future__ import annotations

import re
from typing import Any

from flask import flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext
from werkzeug.datastructures import MultiDict

from app.errors import DomainError
from app.models import DEVICE_TYPES, ENTERPRISE_TYPES, PARTY_TYPES
from app.schemas.catalog import DeviceSchema, ProjectSchema
from app.services.access import directory, projects
from app.services.access.permissions import require_any_role, require_project_role
from app.services.monitoring import registry
from app.web import bp
from app.web.admin_directory import DIRECTORY_EDITORS, ENTERPRISE_HINT, enterprise_named
from app.web.admin_fields import Errors, Field, domain_errors, filled, load, options, render_form
from app.web.common import page, web_actor

PROJECT_TEXT = ("code", "name", "district_id", "address", "permit_no", "supervision_no", "planned_start",
                "planned_end")
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
PARTY_TEXT = ("enterprise", "responsible_person", "responsible_phone")


def _project_fields() -> list[Field]:
    actor = web_actor()
    districts = options((u.id, u.name) for u in directory.list_org_units(actor) if u.level == "district")
    fields = [Field("code", "工程编号", True, maxlength=32, hint="如 JS-2026-010"),
              Field("name", "工程名称", True, maxlength=200),
              Field("district_id", "所在区县", True, "select", districts),
              Field("address", "工程地址", maxlength=255),
              Field("permit_no", "施工许可证号", maxlength=64),
              Field("supervision_no", "监督登记号", maxlength=64),
              Field("planned_start", "计划开工日期", kind="date"),
              Field("planned_end", "计划竣工日期", kind="date"),
              Field("_participants", "参建单位", kind="heading",
                    hint="填写各方企业（" + ENTERPRISE_HINT + "）；企业须先在“企业”中登记。")]
    for party in PARTY_TYPES:
        label = gettext(ENTERPRISE_TYPES.get(party, party))
        fields += [Field(f"p.{party}.enterprise", label, False, maxlength=200),
                   Field(f"p.{party}.responsible_person", gettext("%(party)s项目负责人", party=label), maxlength=50),
                   Field(f"p.{party}.responsible_phone", gettext("%(party)s联系电话", party=label), kind="tel",
                         maxlength=32)]
    return fields


def parse_project(form: MultiDict) -> tuple[dict[str, Any], Errors]:
    """The posted project form → (data for create_project, field errors named like the inputs)."""
    raw: dict[str, Any] = filled(form, PROJECT_TEXT)
    parties: list[str] = []
    errors: Errors = {}
    raw["participants"] = []
    for party in PARTY_TYPES:
        row = filled(form, [f"p.{party}.{n}" for n in PARTY_TEXT])
        if not row:
            continue
        if f"p.{party}.enterprise" not in row:
            errors[f"p.{party}.enterprise"] = ["请填写企业。"]
            continue
        enterprise_id = enterprise_named(row, f"p.{party}.enterprise", errors)
        if enterprise_id is None:
            continue
        parties.append(party)
        raw["participants"].append({"party_type": party, "enterprise_id": enterprise_id,
                                    **{k.rsplit(".", 1)[1]: v for k, v in row.items() if not k.endswith(".enterprise")}})
    data, schema_errors = load(ProjectSchema, raw)
    for key, messages in schema_errors.items():
        if key.startswith("participants."):
            _, index, name = key.split(".", 2)
            key = f"p.{parties[int(index)]}.{name}" if index.isdigit() else key
        errors[key] = messages
    start, end = raw.get("planned_start", ""), raw.get("planned_end", "")
    if ISO_DATE.fullmatch(start) and ISO_DATE.fullmatch(end) and end < start:
        errors["planned_end"] = ["竣工日期不能早于开工日期。"]
    return data, errors


@bp.route("/admin/projects/new", methods=["GET", "POST"])
@page
def admin_new_project():
    require_any_role(web_actor(), *DIRECTORY_EDITORS)
    values: Any = request.form if request.method == "POST" else {}
    errors: Errors = {}
    status = 422
    if request.method == "POST":
        data, errors = parse_project(request.form)
        if not errors:
            try:
                projects.create_project(web_actor(), data)
                flash("工程项目已登记。", "ok")
                return redirect(url_for("web.admin_section", section="projects"))
            except DomainError as exc:
                errors, status = domain_errors(exc)
    return render_form("登记工程项目", _project_fields(), values, errors, action=url_for("web.admin_new_project"),
                       back=url_for("web.admin_section", section="projects"), form_id="admin-new-project",
                       status=status if errors else 200)


DEVICE_FIELDS = [Field("code", "设备编号", True, maxlength=64, hint="全市唯一，如 TC-JS001-03"),
                 Field("device_type", "设备类型", True, "select", options(DEVICE_TYPES.items())),
                 Field("name", "设备名称", True, maxlength=100, hint="如 3号塔吊")]


def _may_register_device(code: str) -> None:
    """404 outside scope; on a visible project an enterprise user must be its contractor PM."""
    actor = web_actor()
    project = projects.get_project(actor, code)
    if not actor.jurisdiction_paths:
        require_project_role(actor, project, "contractor_pm")


@bp.route("/admin/projects/<code>/devices/new", methods=["GET", "POST"])
@page
def admin_new_device(code: str):
    _may_register_device(code)
    values: Any = request.form if request.method == "POST" else {}
    errors: Errors = {}
    status = 422
    if request.method == "POST":
        data, errors = load(DeviceSchema, filled(request.form, ("code", "device_type", "name")))
        if not errors:
            try:
                device_id, token = registry.register_device(web_actor(), code, data)
            except DomainError as exc:
                errors, status = domain_errors(exc)
            else:
                response = make_response(render_template("admin/device_token.html", project_code=code,
                                                         device_id=device_id, device=data, token=token), 201)
                response.headers["Cache-Control"] = "no-store"
                return response
    return render_form(gettext("登记设备（%(code)s）", code=code), DEVICE_FIELDS, values, errors,
                       action=url_for("web.admin_new_device", code=code),
                       back=url_for("web.admin_section", section="devices"), form_id="admin-new-device",
                       status=status if errors else 200)
