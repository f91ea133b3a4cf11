"""待办/已办: the engine inbox with its filters and counts, claim, unclaim and reassign."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import flash, redirect, render_template, request, url_for
from flask_babel import get_locale

from app.domain import vocabulary
from app.errors import DomainError
from app.http_status import status_of
from app.infra import wallclock
from app.services.casework import task_words
from app.services.workflow import cases
from app.services.workflow import inbox_queries as service
from app.web import bp
from app.web.common import Paging, flash_said, local_time, page, paging_args, web_actor
from app.web.i18n import english

SCOPE_LABELS = {"all": "全部待办", "mine": "我的", "claimable": "可签收", "jurisdiction": "辖区",
                "done": "已办"}


def _filter(paging: Paging) -> service.InboxFilter:
    args = request.args
    due_before = None
    if args.get("due_before"):
        try:
            due_before = wallclock.local_day_end(datetime.fromisoformat(args["due_before"]).date())
        except ValueError:
            due_before = None
    return service.InboxFilter(
        scope=args.get("scope") if args.get("scope") in service.SCOPES else "all",
        process_key=args.get("process") or None, project_code=args.get("project") or None,
        overdue=args.get("overdue") == "1", due_before=due_before,
        sort=args.get("sort") if args.get("sort") in service.SORTS else "due",
        limit=paging.size, offset=paging.offset)


@dataclass(frozen=True, slots=True)
class PrintedRow:
    """A row of the table as it is printed: its texts worked out once in Python (the template's
    filters and calls per row — words, role label, local time, overdue — were half the page's
    rendering)."""

    id: int
    title: str
    subject: str
    process: str
    role: str
    due: str
    late: bool
    urgent: bool
    state: str  # done | claimed | unclaimed
    completed: str
    claimable: bool


def _printed(rows, in_english: dict[int, tuple[str, str]]) -> list[PrintedRow]:
    lang, now = str(get_locale() or "zh"), wallclock.now()
    process_words: dict[str, str] = {}
    role_words: dict[str, str] = {}
    out = []
    for t in rows:
        said = in_english.get(t.id)
        if t.process_key not in process_words:
            process_words[t.process_key] = vocabulary.word(t.process_key, "process", lang)
        if t.role not in role_words:
            role_words[t.role] = vocabulary.word(t.role, "role", lang)
        state = "done" if t.status == "completed" else "claimed" if t.assignee_id else "unclaimed"
        out.append(PrintedRow(
            id=t.id, title=said[0] if said else t.title, subject=(said[1] if said else t.subject_title) or "",
            process=process_words[t.process_key], role=role_words[t.role], due=local_time(t.due_at),
            late=service.is_overdue(t, now), urgent=t.priority > 50, state=state,
            completed=local_time(t.completed_at) if state == "done" else "",
            claimable=t.status == "open" and not t.assignee_id))
    return out


@bp.get("/inbox")
@page
def inbox():
    actor = web_actor()
    paging = paging_args(exported=True)
    f = _filter(paging)
    result, counts = service.inbox_page(actor, f)
    in_english = task_words.english_titles(result.items) if english() else {}
    return render_template("inbox/list.html", rows=_printed(result.items, in_english), counts=counts, f=f,
                           paging=paging.counted(result.total), labels=SCOPE_LABELS)


def _back(task_id: int):
    target = request.form.get("next") or ""
    return redirect(target if target.startswith("/") and not target.startswith("//")
                    else url_for("web.task", task_id=task_id))


def _act(task_id: int, action, done_message: str):
    try:
        action()
        flash_said(done_message, "ok")
    except DomainError as exc:
        if status_of(exc) == 404:
            raise
        flash_said(exc.message, "error")
    return _back(task_id)


@bp.post("/tasks/<int:task_id>/claim")
@page
def claim(task_id: int):
    return _act(task_id, lambda: cases.claim_task(web_actor(), task_id), "已签收。")


@bp.post("/tasks/<int:task_id>/unclaim")
@page
def unclaim(task_id: int):
    return _act(task_id, lambda: cases.unclaim_task(web_actor(), task_id), "已退回签收。")


@bp.post("/tasks/<int:task_id>/assign")
@page
def assign(task_id: int):
    try:
        user_id = int(request.form.get("user_id", ""))
    except ValueError:
        flash("请选择办理人。", "error")
        return _back(task_id)
    return _act(task_id, lambda: cases.assign_task(web_actor(), task_id, user_id), "已指派。")
