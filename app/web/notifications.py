"""My notifications (消息): the list, newest first, and marking one read."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for

from app.services.notifications import delivery as notification_service
from app.web import bp
from app.web.common import Paging, page, paging_args, web_actor

SIZE = 20


@bp.get("/notifications")
@page
def notifications():
    unread_only = request.args.get("unread") == "1"
    number = paging_args().page
    result = notification_service.list_notifications(web_actor(), unread_only=unread_only, limit=SIZE,
                                                     offset=(number - 1) * SIZE)
    return render_template("notifications/list.html", rows=result.items, unread=result.unread,
                           unread_only=unread_only, paging=Paging(number, SIZE, result.total))


@bp.post("/notifications/<int:notification_id>/read")
@page
def mark_notification_read(notification_id: int):
    """Mark read, then back to the list (or on to the case when `open` is posted)."""
    row = notification_service.mark_read(web_actor(), notification_id)
    if request.form.get("open") and row.instance_id is not None:
        return redirect(url_for("web.case", instance_id=row.instance_id))
    flash("已标为已读。", "ok")
    target = url_for("web.notifications", unread=request.form.get("unread") or None,
                     page=request.form.get("page") or None)
    return redirect(target)

