"""通知公告: officials publish, everyone in scope reads."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for

from app.errors import ValidationError
from app.services.notifications import announcements as service
from app.web import bp
from app.web.common import page, paging_args, web_actor


@bp.get("/announcements")
@page
def announcements():
    return _list(can_publish=bool(web_actor().roles & set(service.PUBLISHERS)))


def _list(status: int = 200, **extra):
    actor = web_actor()
    paging = paging_args().counted(service.count_announcements(actor))
    return render_template("announcements/list.html", paging=paging,
                           items=service.list_announcements(actor, limit=paging.size, offset=paging.offset),
                           **extra), status


@bp.get("/announcements/<int:announcement_id>")
@page
def announcement(announcement_id: int):
    return render_template("announcements/show.html", item=service.get_announcement(web_actor(), announcement_id))


@bp.post("/announcements")
@page
def publish_announcement():
    title, body = request.form.get("title", ""), request.form.get("body", "")
    try:
        new_id = service.publish(web_actor(), title, body)
    except ValidationError as exc:
        return _list(422, can_publish=True, errors=exc.fields, values={"title": title, "body": body})
    flash("公告已发布。", "ok")
    return redirect(url_for("web.announcement", announcement_id=new_id))
