"""监理日常监管: a project's supervision logs, side-station and parallel inspection records (the
supervisors write them, the chief supervisor reviews them), one record with its review, the
officials' list across their projects and the Excel export."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext

from app.errors import ValidationError
from app.http_downloads import xlsx_file
from app.models import RECORD_KINDS, RECORD_STATUSES
from app.services.site_records import attachments, export, records, reminders, review
from app.services.site_records.fields import RESULTS, labels
from app.web import bp
from app.web.common import flash_field_errors, page, paging_args, web_actor


def _form() -> dict[str, str]:
    """The posted fields; datetime-local fields are China time."""
    data = {k: v for k, v in request.form.items() if k not in ("csrf_token", "kind")}
    for name in ("started_at", "ended_at"):
        if len(data.get(name, "")) == 16:
            data[name] = f"{data[name]}:00+08:00"
    return data


def _invalid(kind: str, exc: ValidationError) -> None:
    names = {**labels(kind), "decision": "审核结论", "opinion": "审核意见"} if kind in RECORD_KINDS else {}
    flash_field_errors(exc, names)


@bp.get("/supervision-records")
@page
def supervision_records():
    actor = web_actor()
    kind, status = request.args.get("kind") or None, request.args.get("status") or None
    kind, status = kind if kind in RECORD_KINDS else None, status if status in RECORD_STATUSES else None
    paging = paging_args().counted(records.count_records(actor, kind=kind, status=status))
    rows = records.list_records(actor, kind=kind, status=status, limit=paging.size, offset=paging.offset)
    return render_template("site_records/index.html", records=rows, paging=paging, kinds=RECORD_KINDS,
                           statuses=RECORD_STATUSES, kind=kind, status=status, **_reminders(actor))


def _reminders(actor, code: str | None = None) -> dict:
    """A page of the missing-log reminders (`?reminders_page=n`), every one reachable."""
    paging = paging_args(param="reminders_page").counted(reminders.count_reminders(actor, code))
    return {"reminders": reminders.list_reminders(actor, code, limit=paging.size, offset=paging.offset),
            "reminder_page": paging}


@bp.get("/supervision-records/export")
@page
def export_supervision_records():
    project = request.args.get("project") or None
    content = export.records_workbook(web_actor(), project)
    return xlsx_file(content, f"supervision-records-{project or 'all'}.xlsx")


@bp.get("/projects/<code>/supervision-records")
@page
def project_supervision_records(code: str):
    actor = web_actor()
    paging = paging_args().counted(records.count_records(actor, code))
    rows = records.list_records(actor, code, limit=paging.size, offset=paging.offset)
    return render_template("site_records/project.html", code=code, records=rows, paging=paging,
                           may=records.project_roles(actor, code), kinds=RECORD_KINDS,
                           labels={k: labels(k) for k in RECORD_KINDS}, results=RESULTS, **_reminders(actor, code))


@bp.post("/projects/<code>/supervision-records")
@page
def write_supervision_record(code: str):
    kind = request.form.get("kind", "")
    try:
        record_id = records.write_record(web_actor(), code, kind, _form())
    except ValidationError as exc:
        _invalid(kind, exc)
        return redirect(url_for("web.project_supervision_records", code=code))
    flash(gettext("记录已提交，待总监理工程师审核。"), "ok")
    return redirect(url_for("web.supervision_record", record_id=record_id))


@bp.get("/supervision-records/<int:record_id>")
@page
def supervision_record(record_id: int):
    actor = web_actor()
    row = records.get_record(actor, record_id)
    may = records.project_roles(actor, row["project_code"])
    return render_template("site_records/record.html", r=row, results=RESULTS,
                           may_review=may["review"] and row["status"] == "submitted" and row["author"] != actor.username,
                           may_revise=row["status"] == "returned" and row["author"] == actor.username,
                           may_attach=row["author"] == actor.username and row["kind"] in attachments.KINDS
                           and row["status"] != "approved")


@bp.post("/supervision-records/<int:record_id>")
@page
def revise_supervision_record(record_id: int):
    actor = web_actor()
    kind = records.visible_record(actor, record_id).kind
    try:
        records.revise_record(actor, record_id, _form())
        flash(gettext("记录已修改并重新提交审核。"), "ok")
    except ValidationError as exc:
        _invalid(kind, exc)
    return redirect(url_for("web.supervision_record", record_id=record_id))


@bp.post("/supervision-records/<int:record_id>/review")
@page
def review_supervision_record(record_id: int):
    data = {"decision": request.form.get("decision", ""), "opinion": request.form.get("opinion", "")}
    try:
        outcome = review.review_record(web_actor(), record_id, data)
    except ValidationError as exc:
        _invalid("log", exc)
        return redirect(url_for("web.supervision_record", record_id=record_id))
    flash(gettext("已审核通过，打印件已生成。") if outcome["status"] == "approved" else gettext("已退回记录人修改。"), "ok")
    return redirect(url_for("web.supervision_record", record_id=record_id))


@bp.post("/supervision-records/<int:record_id>/files")
@page
def attach_supervision_record_file(record_id: int):
    try:
        attachments.attach_file(web_actor(), record_id, request.files.get("file"))
        flash(gettext("附件已上传。"), "ok")
    except ValidationError as exc:
        flash_field_errors(exc, {"file": "附件"})
    return redirect(url_for("web.supervision_record", record_id=record_id))


@bp.get("/supervision-records/<int:record_id>/files/<int:file_id>")
@page
def supervision_record_file(record_id: int, file_id: int):
    stored = attachments.open_file(web_actor(), record_id, file_id)
    response = send_file(stored.path, mimetype=stored.content_type, download_name=stored.filename,
                         as_attachment=True, etag=stored.sha256)
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
