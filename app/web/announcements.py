"""通知公告: officials publish, everyone in scope reads."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for

from app.errors import ValidationError
from app.services.notifications import announcements as service
from app.web import bp
from app.web.common import page, web_actor


@bp.get("/announcements")
@page
def announcements():
    return render_template("announcements/list.html", items=service.list_announcements(web_actor(), limit=100),
                           can_publish=bool(web_actor().roles & set(service.PUBLISHERS)))


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
        return render_template("announcements/list.html", items=service.list_announcements(web_actor(), limit=100),
                               can_publish=True, errors=exc.fields, values={"title": title, "body": body}), 422
    flash("公告已发布。", "ok")
    return redirect(url_for("web.announcement", announcement_id=new_id))
