"""The task page: the form beside the case context; completing it, uploads, comments."""
from __future__ import annotations

from dataclasses import asdict

from flask import flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext

from app.errors import DomainError, ValidationError
from app.formdefs import english
from app.http_status import status_of
from app.services.casework import attachment_uploads, form_submission, task_page, task_reads, task_words
from app.web import bp
from app.web.common import flash_said, page, web_actor
from app.web.forms_render import build_form, parse_submission
from app.web.i18n import english as english_page


def _render(task_id: int, values: dict | None = None, errors: dict | None = None, status: int = 200):
    view = task_page.task_page(web_actor(), task_id, english=english_page())
    form = view["form"]
    if form:  # a form sent back comes back with its last submission; read-only fields from the case
        values = {**form["previous"], **form["values"], **(values or {})}
    rendered = build_form(*_in_page_language(form["schema"], form["ui"]), values, errors) if form else None
    file_names = {a["id"]: a["filename"] for a in view["attachments"]}
    case_id = view["case"]["id"]
    words = task_words.words_of_cases([case_id]).get(case_id, {}) if english_page() else {}
    forms = task_words.form_words_of_cases([case_id], english_page()).get(case_id, {})
    return render_template("tasks/show.html", v=view, t=view["task"], rendered=rendered,
                           file_names=file_names, words=words, forms=forms), status


def _in_page_language(schema: dict, ui: dict | None) -> tuple[dict, dict | None]:
    return english.in_english(schema, ui) if english_page() else (schema, ui)


@bp.get("/tasks/<int:task_id>")
@page
def task(task_id: int):
    return _render(task_id)


@bp.post("/tasks/<int:task_id>")
@page
def complete(task_id: int):
    view = task_reads.task_detail(web_actor(), task_id)
    schema = (view["form"] or {}).get("schema") or {"type": "object"}
    data = parse_submission(schema, request.form)
    try:
        submission = form_submission.submit(web_actor(), task_id, data)
    except ValidationError as exc:
        return _render(task_id, data, exc.fields or {"_form": [exc.message]}, 422)
    except DomainError as exc:
        if status_of(exc) == 404:
            raise
        flash_said(exc.message, "error")
        return redirect(url_for("web.task", task_id=task_id))
    if submission.credentials:  # new accounts' initial passwords: shown on this page only, once
        return render_template("tasks/credentials.html", credentials=submission.credentials,
                               instance_id=submission.instance_id)
    flash(_what_happens_next(submission), "ok")
    return redirect(url_for("web.inbox"))


def _what_happens_next(submission: form_submission.Submission) -> str:
    if submission.next_holders:
        holders = "；".join(
            gettext("「%(task)s」由%(who)s办理", task=h["task"],
                    who=f"{h['role']} {h['user']}" if h["user"] else h["role"])
            for h in submission.next_holders)
        return gettext("已提交。接下来：%(holders)s。", holders=holders)
    if submission.status == "completed":
        return gettext("已提交，案件已办结。")
    return gettext("已提交。")


@bp.post("/tasks/<int:task_id>/attachments")
@page
def upload(task_id: int):
    """XHR target of the file widgets: JSON in the API envelope (errors via the error handler)."""
    stored = attachment_uploads.attach_to_task(web_actor(), task_id, request.files.get("file"))
    return jsonify({"data": asdict(stored)}), 201


@bp.post("/tasks/<int:task_id>/comments")
@page
def comment(task_id: int):
    body = (request.form.get("body") or "").strip()
    if not body:
        flash("请填写意见内容。", "error")
    else:
        task_reads.add_comment(web_actor(), task_id, body)
        flash("已添加意见。", "ok")
    return redirect(url_for("web.task", task_id=task_id) + "#comments")
