"""安全教育: a project's education ledger (workers without the three entry levels, sessions and
pass rates), the roster and session forms for its PM and safety officer, the xlsx export."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for

from app.errors import ValidationError
from app.formdefs.messages import Said
from app.http_downloads import xlsx_file
from app.services.safety_education import ledger, roster, sessions
from app.web import bp
from app.web.common import flash_field_errors, flash_said, page, web_actor

FIELD_LABELS = {"name": "姓名", "id_card_no": "身份证号", "trade": "工种", "team": "班组", "entered_on": "进场日期",
                "kind": "类别", "held_on": "培训日期", "topic": "主题", "trainer": "授课人", "hours": "学时",
                "content": "内容", "attendees": "参加人员", "_body": "提交内容"}


def _invalid(exc: ValidationError) -> None:
    flash_field_errors(exc, FIELD_LABELS)


def _back(code: str):
    return redirect(url_for("web.project_education", code=code))


@bp.get("/projects/<code>/education")
@page
def project_education(code: str):
    return render_template("education/ledger.html", ledger=ledger.project_ledger(web_actor(), code),
                           kinds=sessions.EDUCATION_KINDS, code=code)


@bp.get("/projects/<code>/education/export")
@page
def project_education_xlsx(code: str):
    return xlsx_file(ledger.ledger_workbook(web_actor(), code), f"education-{code}.xlsx")


@bp.post("/projects/<code>/workers")
@page
def add_site_worker_page(code: str):
    fields = {k: request.form.get(k, "").strip() for k in ("name", "id_card_no", "trade", "team", "entered_on")}
    try:
        roster.add_worker(web_actor(), code, fields)
        flash_said(Said(f"{fields['name']} 已加入花名册。", f"{fields['name']} added to the roster."), "ok")
    except ValidationError as exc:
        _invalid(exc)
    return _back(code)


def _int(value: str | None) -> int | str | None:
    value = (value or "").strip()
    return int(value) if value.isdigit() else (value or None)


@bp.post("/projects/<code>/education-sessions")
@page
def record_education_session_page(code: str):
    form = request.form
    attendees = [{"worker_id": int(w), "score": _int(form.get(f"score_{w}"))}
                 for w in form.getlist("worker_ids") if w.isdigit()]
    data = {"kind": form.get("kind", ""), "held_on": form.get("held_on", ""), "topic": form.get("topic", "").strip(),
            "trainer": form.get("trainer", "").strip(), "hours": _int(form.get("hours")),
            "content": form.get("content", "").strip(), "attendees": attendees}
    try:
        sessions.record_session(web_actor(), code, data)
        flash("培训记录已登记。", "ok")
    except ValidationError as exc:
        _invalid(exc)
    return _back(code)
