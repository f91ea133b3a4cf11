"""Submitting a task form from the web: the generic path, or the registration path that hands
back the initial passwords of accounts an approval created (shown once, never stored)."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from app.services import cases, registrations, task_views
from app.services.actors import Actor


@dataclass(frozen=True)
class Submission:
    instance_id: int
    status: str
    credentials: list[dict[str, Any]] = field(default_factory=list)


def submit(actor: Actor, inbox_task_id: int, data: dict[str, Any]) -> Submission:
    """Complete a task. Raises what cases.complete_task (or the registration checks) raise."""
    row = task_views.visible_task(actor, inbox_task_id)
    if row.process_key in (registrations.ENTERPRISE_KEY, registrations.PROJECT_KEY):
        result = registrations.complete_registration_task(actor, inbox_task_id, data)
        return Submission(result.instance_id, result.status, list(result.credentials))
    result = cases.complete_task(actor, inbox_task_id, data)
    return Submission(result.instance_id, result.status)
