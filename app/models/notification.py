"""In-app notifications (站内消息): one row per recipient of a `notify` operator call."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models._base import UTCDateTime, utcnow


class Notification(db.Model):
    """A message to one user about a case; unread while `read_at` is empty.

    `outbox_id` is the outbox message that produced the row: (outbox_id, user_id) is unique, so
    a re-sent message (the outbox delivers at least once) adds nothing.
    """

    __tablename__ = "notification"
    __table_args__ = (
        UniqueConstraint("outbox_id", "user_id", name="uq_notification_outbox_user"),
        Index("ix_notification_user_unread", "user_id", "read_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    instance_id: Mapped[int | None] = mapped_column(ForeignKey("process_instance.id"), index=True)
    project_id: Mapped[int | None] = mapped_column(ForeignKey("project.id"))
    outbox_id: Mapped[int | None] = mapped_column(ForeignKey("outbox_message.id"))
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
