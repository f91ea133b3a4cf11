"""Hazardous works: register one on a project (category and the parameters that decide the
thresholds), the work page (status, every case with history, notices, attachments), starting a
process from it."""
from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from marshmallow import ValidationError as SchemaError
from werkzeug.datastructures import MultiDict

from app.errors import DomainError
from app.http_status import status_of
from app.models import PLAN_CATEGORIES
from app.schemas.catalog import HazardousWorkSchema
from app.services.casework import task_words
from app.services.hazard import emergency_plans, work_pages, works
from app.web import bp
from app.web.admin_fields import messages_of
from app.web.common import flash_said, page, web_actor
from app.web.i18n import english, translate

WORK_FIELDS = ("code", "name", "category_code", "scope", "planned_start", "planned_end", "subcontractor",
               "unit_works")
DECLARATIONS = ("hazardous_declared", "super_scale_declared")


def parse_registration(form: MultiDict) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """The posted registration form → (data for register_work, field errors)."""
    errors: dict[str, list[str]] = {}
    params: dict[str, Any] = {}
    for key in form:
        if not key.startswith("param."):
            continue
        name, raw = key[len("param."):], (form.get(key) or "").strip()
        if not raw:
            continue
        if name in DECLARATIONS:
            params[name] = raw == "1"
            continue
        try:
            params[name] = float(raw)
        except ValueError:
            errors[f"parameters.{name}"] = ["请输入数字。"]
    raw = {k: form.get(k, "").strip() for k in WORK_FIELDS if form.get(k, "").strip()}
    try:
        data = HazardousWorkSchema().load({**raw, "parameters": params})
    except SchemaError as exc:
        errors.update({k: messages_of(v) for k, v in exc.messages.items()})
        data = {}
    return data, errors


def _form(code: str, values: Any, errors: dict, status: int = 200):
    view = work_pages.registration_form(web_actor(), code)
    return render_template("hazard/register.html", v=view, values=values, errors=errors), status


@bp.route("/projects/<code>/works/new", methods=["GET", "POST"])
@page
def register_work(code: str):
    if request.method == "GET":
        return _form(code, request.args, {})
    data, errors = parse_registration(request.form)
    if errors:
        return _form(code, request.form, errors, 422)
    try:
        work_id = works.register_work(web_actor(), code, data)
    except DomainError as exc:
        if status_of(exc) in (403, 404):
            raise
        return _form(code, request.form, {"_form": [exc.message], **(exc.fields or {})}, status_of(exc))
    flash("危大工程已登记。", "ok")
    return redirect(url_for("web.work", work_id=work_id, registered=1))


def render_work(work_id: int, *, plan_values: Any = None, plan_errors: dict | None = None, status: int = 200):
    """The work page with its emergency plans (and the plan form's values and errors after a refused upload)."""
    actor = web_actor()
    view = work_pages.work_page(actor, work_id)
    work = view["work"]
    may_add_plan = actor.is_admin or "contractor_pm" in actor.roles_on_project(work.project_id)
    case_words = task_words.words_of_cases(c["id"] for c in view["cases"]) if english() else {}
    return render_template("hazard/work.html", v=view, registered=request.args.get("registered") == "1",
                           case_words=case_words,
                           case_forms=task_words.form_words_of_cases((c["id"] for c in view["cases"]), english()),
                           plans=emergency_plans.list_plans(actor, work_id), plan_categories=PLAN_CATEGORIES,
                           may_add_plan=may_add_plan and work.status != "terminated",
                           plan_values=plan_values or {}, plan_errors=plan_errors or {}), status


@bp.get("/works/<int:work_id>")
@page
def work(work_id: int):
    return render_work(work_id)


@bp.post("/works/<int:work_id>/start")
@page
def start_work_process(work_id: int):
    try:
        instance_id, task_id = work_pages.start_from_work(web_actor(), work_id, request.form.get("process_key", ""))
    except DomainError as exc:
        if status_of(exc) == 404 and exc.code == "hazardous_work_not_found":
            raise
        flash_said(exc.message, "error")
        return redirect(url_for("web.work", work_id=work_id))
    flash("流程已发起。", "ok")
    if task_id is not None:
        return redirect(url_for("web.task", task_id=task_id))
    return redirect(url_for("web.case", instance_id=instance_id))


@bp.app_template_filter("work_status")
def _work_status(status: str | None) -> str:
    from app.services.hazard.start_rules import STATUS_LABELS

    return translate(STATUS_LABELS.get(status or "", status or ""))


@bp.app_template_filter("doc_title")
def _doc_title(template: str | None) -> str:
    from app.rendering import TEMPLATES

    spec = TEMPLATES.get(template or "")
    if spec is None:
        return template or ""
    return spec.title_en if str(get_locale() or "zh").startswith("en") else spec.title
