"""Projects and their case files, one case with its timeline and diagram, starting a process."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for

from app.errors import DomainError
from app.http_status import status_of
from app.services.access import projects as project_service
from app.services.casework import case_files, task_words
from app.services.hazard import work_pages
from app.services.notices import reading
from app.services.workflow import cases
from app.web import bp
from app.web.common import flash_said, page, paging_args, web_actor
from app.web.i18n import english


@bp.get("/projects")
@page
def projects():
    paging = paging_args(exported=True)
    result = project_service.list_projects(web_actor(), q=request.args.get("q") or None, limit=paging.size,
                                           offset=paging.offset)
    return render_template("cases/projects.html", rows=result.items, paging=paging.counted(result.total))


@bp.get("/projects/<code>")
@page
def project(code: str):
    actor = web_actor()
    file = case_files.project_case_file(actor, code)
    return render_template("cases/file.html", file=file, documents=reading.project_documents(actor, code),
                           can_register=work_pages.can_register(actor, file.project),
                           case_words=task_words.words_of_cases(c.id for c in file.cases) if english() else {},
                           case_forms=task_words.form_words_of_cases((c.id for c in file.cases), english()))


@bp.get("/cases/<int:instance_id>")
@page
def case(instance_id: int):
    return render_template("cases/show.html", v=case_files.case_page(web_actor(), instance_id),
                           words=task_words.words_of_cases([instance_id]).get(instance_id, {}) if english() else {},
                           forms=task_words.form_words_of_cases([instance_id], english()).get(instance_id, {}))


@bp.post("/cases/<int:instance_id>/cancel")
@page
def cancel_case(instance_id: int):
    try:
        cases.cancel_case(web_actor(), instance_id, request.form.get("reason", ""))
        flash("案件已撤销。", "ok")
    except DomainError as exc:
        if status_of(exc) == 404:
            raise
        flash_said(exc.message, "error")
    return redirect(url_for("web.case", instance_id=instance_id))


def _int_or_none(raw: str | None) -> int | None:
    return int(raw) if raw and raw.isdigit() else None


def _start_page(actor, values, errors: dict, status: int = 200):
    """The start page: the project chosen (`project_code`) with its works, and a page of the
    visible projects matching `q` to choose from (every one reachable, however many)."""
    paging = paging_args(size=case_files.START_PROJECTS_PAGE)
    choices = case_files.start_choices(actor, project_code=values.get("project_code") or None,
                                       q=(request.args.get("q") or "").strip()[:100] or None,
                                       limit=paging.size, offset=paging.offset)
    return render_template("cases/start.html", c=choices, paging=paging.counted(choices["projects_total"]),
                           values=values, errors=errors), status


@bp.route("/start", methods=["GET", "POST"])
@page
def start_case():
    actor = web_actor()
    if request.method == "GET":
        return _start_page(actor, request.args, {})
    form = request.form
    work_id = _int_or_none(form.get("work_id"))
    try:
        instance_id = case_files.start_for_subject(
            actor, form.get("process_key", ""), project_code=form.get("project_code") or None,
            work_id=work_id, title=(form.get("title") or "").strip() or None)
    except DomainError as exc:
        if status_of(exc) == 404 and exc.code != "process_not_deployed":
            raise
        return _start_page(actor, form, exc.fields or {"_form": [exc.message]}, status_of(exc))
    flash("流程已发起。", "ok")
    return redirect(url_for("web.case", instance_id=instance_id))
