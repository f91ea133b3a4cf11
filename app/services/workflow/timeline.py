"""The case timeline: the one place that writes an `InstanceEvent`.

Every start, claim, completion, timer, message, error, retry and operator side effect of a
case is one row here (DESIGN: who, when, from which IP). Writers call `record`, so every row
has the same shape: the actor's id, name and IP, the service clock's time and plain-JSON data.
"""
from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from app.extensions import db
from app.infra import wallclock
from app.models import InstanceEvent
from app.services.access.actors import Actor
from app.services.definitions.operator_registry import OperatorContext


def jsonable(value: Any) -> Any:
    """Task data may hold dates or Decimals; the timeline stores plain JSON."""
    return json.loads(json.dumps(value, default=str, ensure_ascii=False))


def record(instance_id: int, actor: Actor, kind: str, at: datetime | None = None,
           **fields: Any) -> None:
    """Add one event to the timeline of case `instance_id` (in the caller's transaction).

    `at` defaults to the service clock's now; `fields` are the optional columns (`data`,
    `task_name`, `title`, `inbox_task_id`).
    """
    db.session.add(InstanceEvent(**event_row(instance_id, actor, kind, at, **fields)))


def event_row(instance_id: int, actor: Actor, kind: str, at: datetime | None = None,
              **fields: Any) -> dict[str, Any]:
    """The column values of one timeline event, for a writer that inserts rows itself (the case
    step's Core writes, app/services/workflow/step_writes.py): the same shape as `record`'s."""
    data = fields.pop("data", None)
    return {"instance_id": instance_id, "kind": kind, "user_id": actor.user_id,
            "username": actor.username, "ip": actor.ip,
            "data": jsonable(data) if data is not None else None,
            "at": at if at is not None else wallclock.now(), "inbox_task_id": None,
            "task_name": None, "title": None, **fields}


def note(ctx: OperatorContext, kind: str, data: dict[str, Any]) -> None:
    """An operator's side effect on the timeline of the case it runs in, by the step's actor."""
    record(ctx.instance.id, ctx.actor, kind, data=data)
