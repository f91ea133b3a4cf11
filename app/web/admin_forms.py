"""Admin create forms: a hazardous-work category (类别配置) and an expert (专家库). The expert's ID
number goes to the service only; pages show the mask."""
from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from marshmallow import ValidationError as SchemaError

from app.errors import DomainError
from app.http_status import status_of
from app.schemas.hazard_admin import CategorySchema, ExpertSchema
from app.services.access.permissions import require_any_role
from app.services.hazard import reference_data
from app.services.hazard.categories import SPECIALTY_BY_PREFIX
from app.web import bp
from app.web.admin_fields import messages_of
from app.web.common import page, web_actor

# kind → (title, schema, service function, the admin section it returns to)
KINDS: dict[str, tuple[str, type, Any, str]] = {
    "categories": ("新增危大工程类别", CategorySchema, reference_data.create_category, "categories"),
    "experts": ("新增专家", ExpertSchema, reference_data.add_expert, "experts"),
}
TEXT_FIELDS = {
    "categories": ("code", "name_zh", "name_en", "division", "sub_item", "hazardous_rule", "super_scale_rule",
                   "specialty", "source_tag"),
    "experts": ("name", "id_number", "certificates", "title", "employer_name", "phone", "username"),
}


def _payload(kind: str, form) -> dict[str, Any]:
    data: dict[str, Any] = {k: form.get(k, "").strip() for k in TEXT_FIELDS[kind] if form.get(k, "").strip()}
    if kind == "experts":
        raw = form.get("specialties", "").replace("，", ",").replace("、", ",")
        data["specialties"] = [s.strip() for s in raw.split(",") if s.strip()]
        if data.get("id_number"):
            data["id_number"] = data["id_number"].upper()
    return data


def _render(kind: str, values: Any, errors: dict, status: int = 200):
    require_any_role(web_actor(), *reference_data.ADMIN_ROLES)  # a 403 page, not a form, for others
    return render_template("admin/new.html", kind=kind, title=KINDS[kind][0], values=values, errors=errors,
                           specialties=sorted(set(SPECIALTY_BY_PREFIX.values()))), status


@bp.route("/admin/<kind>/new", methods=["GET", "POST"])
@page
def admin_create(kind: str):
    if kind not in KINDS:
        abort(404)
    if request.method == "GET":
        return _render(kind, {}, {})
    _, schema, create, section = KINDS[kind]
    try:
        data = schema().load(_payload(kind, request.form))
        create(web_actor(), data)
    except SchemaError as exc:
        return _render(kind, request.form, {k: messages_of(v) for k, v in exc.messages.items()}, 422)
    except DomainError as exc:
        if status_of(exc) in (403, 404):
            raise
        return _render(kind, request.form, exc.fields or {"_form": [exc.message]}, status_of(exc))
    flash("已保存。", "ok")
    return redirect(url_for("web.admin_section", section=section))
