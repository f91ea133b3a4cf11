"""Submitting a task form from the web: the generic path, or the registration path that hands
back the initial passwords of accounts an approval created (shown once, never stored)."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from app.services.access.actors import Actor
from app.services.casework import task_reads
from app.services.registrations import applications
from app.services.workflow import cases


@dataclass(frozen=True)
class Submission:
    instance_id: int
    status: str
    credentials: list[dict[str, Any]] = field(default_factory=list)
    # Who has the case now (task_reads.next_holders): what the page says happens next.
    next_holders: list[dict[str, Any]] = field(default_factory=list)


def submit(actor: Actor, inbox_task_id: int, data: dict[str, Any]) -> Submission:
    """Complete a task. Raises what cases.complete_task (or the registration checks) raise."""
    row = task_reads.visible_task(actor, inbox_task_id)
    if row.process_key in (applications.ENTERPRISE_KEY, applications.PROJECT_KEY):
        result = applications.complete_registration_task(actor, inbox_task_id, data)
        return Submission(result.instance_id, result.status, list(result.credentials),
                          task_reads.next_holders(result.instance_id))
    result = cases.complete_task(actor, inbox_task_id, data)
    return Submission(result.instance_id, result.status, next_holders=task_reads.next_holders(result.instance_id))
