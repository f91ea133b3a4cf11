"""Process designer: versions and counts, the bpmn-js modeler (validate, deploy), form editing
with a live preview, running instances and incidents with retry."""
from __future__ import annotations

import json
from dataclasses import asdict

from flask import jsonify, redirect, render_template, request, url_for
from flask_babel import get_locale

from app.domain import vocabulary
from app.errors import DomainError, ValidationError
from app.formdefs import form_file_names
from app.formdefs.messages import Said
from app.http_status import status_of
from app.services.access.permissions import require_any_role
from app.services.casework import case_files
from app.services.designer import catalogue, new_process, running_state, versions
from app.services.designer import uploads as service
from app.services.workflow import incidents
from app.web import bp
from app.web.common import flash_said, page, paging_args, web_actor
from app.web.forms_render import build_form


def _lang() -> str:
    return str(get_locale() or "zh")


@bp.get("/designer")
@page
def designer():
    return render_template("designer/index.html", processes=case_files.process_overview(web_actor()))


@bp.get("/designer/new")
@page
def new_process_page():
    """新建流程: a key and a name (and the lane's role) open the modeler on a minimal diagram with
    its own new form; nothing is stored until it is deployed."""
    actor, args = web_actor(), request.args
    roles = catalogue.modeler_catalogue(actor, _lang())["roles"]
    if "key" not in args:
        require_any_role(actor, "process_designer")
        return render_template("designer/new.html", values=args, errors={}, roles=roles)
    try:
        fresh = new_process.new_process(actor, args.get("key", ""), args.get("name", ""),
                                        args.get("role", new_process.DEFAULT_ROLE), args.get("name_en", ""))
    except ValidationError as exc:
        return render_template("designer/new.html", values=args, errors=exc.fields or {}, roles=roles), 422
    if "form" in args:  # its form in the form page, before the first deploy
        return _form_page(fresh, args["form"], fresh.forms, fresh.bpmn)
    return render_template("designer/modeler.html", d=fresh, bpmn=fresh.bpmn, forms=fresh.forms,
                           catalogue=catalogue.modeler_catalogue(actor, _lang(), list(fresh.forms)),
                           form_editor_url=url_for("web.form_editor", key=fresh.key, name="__name__"))


@bp.get("/designer/<key>")
@page
def designer_process(key: str):
    actor, paging = web_actor(), paging_args(size=case_files.DESIGNER_CASES_PAGE)
    cases = case_files.instances_of(actor, key, limit=paging.size, offset=paging.offset)
    return render_template("designer/process.html", key=key, instances=cases.items,
                           paging=paging.counted(cases.total), versions=versions.version_history(actor, key))


@bp.get("/designer/<key>/versions/<int:version>")
@page
def version_state(key: str, version: int):
    return render_template("designer/version_state.html", s=running_state.version_state(web_actor(), key, version))


@bp.get("/designer/<key>/edit")
@page
def modeler(key: str):
    definition = case_files.definition_sources(web_actor(), key, request.args.get("version", type=int))
    forms = {n: t for n, t in sorted(definition.sources.items()) if n.endswith(".json")}
    return render_template("designer/modeler.html", d=definition, bpmn=definition.sources.get(f"{key}.bpmn", ""),
                           forms=forms, catalogue=catalogue.modeler_catalogue(web_actor(), _lang(), list(forms)),
                           form_editor_url=url_for("web.form_editor", key=key, name="__name__"))


@bp.get("/designer/<key>/forms/<name>")
@page
def form_editor(key: str, name: str):
    definition = case_files.definition_sources(web_actor(), key)
    return _form_page(definition, name, definition.sources, definition.sources.get(f"{key}.bpmn", ""))


def _form_page(d, name: str, sources: dict[str, str], bpmn: str):
    """The form page of `name` among `sources` (a deployed version's, or a new process's)."""
    if name not in sources:
        return render_template("error.html", code="form_not_found", message="没有找到该表单。", status=404), 404
    if name.endswith(".ui.json"):
        base = name.removesuffix(".ui.json")
        partner_name = base + ".schema.json" if base + ".schema.json" in sources else base + ".json"
        partner = sources.get(partner_name) or "{}"
    else:
        partner_name = form_file_names(name)[1]
        partner = sources.get(partner_name) or "null"
    return render_template("designer/form.html", d=d, name=name, text=sources[name], partner=partner,
                           partner_name=partner_name, bpmn=bpmn,
                           forms={n: t for n, t in sources.items() if n.endswith(".json") and n != name})


@bp.post("/designer/forms/preview")
@page
def form_preview():
    """Live preview: a JSON schema (+ ui) in, the rendered form fragment out (process designers)."""
    require_any_role(web_actor(), "process_designer")
    body = request.get_json(silent=True) or {}
    try:
        schema = json.loads(body.get("schema") or "{}")
        ui = json.loads(body.get("ui") or "null")
    except ValueError as exc:
        raise ValidationError(Said(f"不是有效的 JSON：{exc}", f"Not valid JSON: {exc}"), code="form_json_invalid") from exc
    if not isinstance(schema, dict):
        raise ValidationError("表单定义必须是 JSON 对象。", code="form_json_invalid")
    return render_template("designer/_preview.html", rendered=build_form(schema, ui if isinstance(ui, dict) else None))


@bp.post("/designer/validate")
@page
def designer_validate():
    return jsonify({"data": service.validate_upload(web_actor(), request.files.getlist("files"), _lang())})


@bp.post("/designer/deploy")
@page
def designer_deploy():
    outcomes = service.deploy_upload(web_actor(), request.files.getlist("files"), _lang())
    return jsonify({"data": [asdict(o) for o in outcomes]}), 201


@bp.get("/designer/incidents")
@page
def incident_list():
    status = request.args.get("status", "open")
    paging = paging_args(size=incidents.INCIDENTS_PAGE, exported=True)
    found = incidents.list_incidents(web_actor(), status=status, limit=paging.size, offset=paging.offset)
    return render_template("designer/incidents.html", rows=found.items, status=status,
                           paging=paging.counted(found.total))


@bp.post("/designer/incidents/<int:incident_id>/retry")
@page
def incident_retry(incident_id: int):
    try:
        outcome = incidents.retry_incident(web_actor(), incident_id)
        status = outcome.status
        flash_said(Said(f"重试成功，案件状态：{vocabulary.word(status, 'case_status')}。",
                   f"Retried: the case is now {vocabulary.word(status, 'case_status', 'en').lower()}."), "ok")
    except DomainError as exc:
        if status_of(exc) == 404:
            raise
        flash_said(exc.message, "error")
    return redirect(url_for("web.incident_list"))
