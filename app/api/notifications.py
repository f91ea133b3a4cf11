"""In-app notifications of the signed-in user: the list (with the unread count) and read marks."""
from __future__ import annotations

from flask import request

from app.api import bp
from app.api.auth import api_actor
from app.api.envelope import ok
from app.api.openapi import doc
from app.schemas.notifications import NotificationQuerySchema, NotificationSchema
from app.services.notifications import delivery


@bp.get("/notifications")
@doc(query=NotificationQuerySchema, response=NotificationSchema, many=True)
def list_notifications():
    """My notifications, newest first; meta carries total and unread."""
    q = NotificationQuerySchema().load(request.args.to_dict())
    page = delivery.list_notifications(api_actor(), unread_only=q["unread"], limit=q["limit"],
                                            offset=q["offset"])
    return ok(NotificationSchema(many=True).dump(page.items), {"total": page.total, "unread": page.unread})


@bp.post("/notifications/<int:notification_id>/read")
@doc(response=NotificationSchema, no_body=True)
def read_notification(notification_id: int):
    """Mark one of my notifications read."""
    return ok(NotificationSchema().dump(delivery.mark_read(api_actor(), notification_id)))
