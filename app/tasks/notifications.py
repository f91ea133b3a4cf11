"""Delivering in-app notifications written by the `notify` operator (through the outbox)."""
from __future__ import annotations

from typing import Any

from app.extensions import celery


@celery.task(name="notifications.send")
def send(instance_id: int, message: str = "", role: str | None = None, user: Any = None,
         outbox_id: int | None = None) -> int:
    """One row per recipient, once per outbox message; returns how many rows were new."""
    from app.services.notifications.delivery import deliver_notification

    return deliver_notification(instance_id=instance_id, message=message, role=role, user=user,
                                outbox_id=outbox_id)


@celery.task(name="notifications.task_ready")
def task_ready(instance_id: int, message: str = "", role: str | None = None, user: Any = None,
               outbox_id: int | None = None, title: str | None = None) -> int:
    """A new task (or a returned form) told to its holders through the bell (case_sync)."""
    from app.services.notifications.delivery import deliver_notification

    return deliver_notification(instance_id=instance_id, message=message, role=role, user=user,
                                outbox_id=outbox_id, title=title)
