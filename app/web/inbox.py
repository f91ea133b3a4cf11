"""待办/已办: the engine inbox with its filters and counts, claim, unclaim and reassign."""
from __future__ import annotations

from datetime import datetime

from flask import flash, redirect, render_template, request, url_for

from app.errors import DomainError
from app.http_status import status_of
from app.infra import wallclock
from app.services.casework import task_words
from app.services.workflow import cases
from app.services.workflow import inbox_queries as service
from app.web import bp, inbox_table
from app.web.common import Paging, flash_said, page, paging_args, web_actor
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


@bp.get("/inbox")
@page
def inbox():
    actor = web_actor()
    paging = paging_args(exported=True)
    f = _filter(paging)
    result, counts = service.inbox_page(actor, f)
    in_english = task_words.english_titles(result.items) if english() else {}
    rows = inbox_table.printed_rows(result.items, in_english)
    return render_template("inbox/list.html", rows=inbox_table.rows_html(rows), counts=counts, f=f,
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
