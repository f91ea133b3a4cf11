"""Routing messages that a case threw (written to the outbox by the step that threw them)."""
from __future__ import annotations

from typing import Any

from app.extensions import celery


@celery.task(name="messages.route")
def route(name: str, correlation: dict[str, Any], payload: dict[str, Any], source_instance_id: int,
          idempotency_key: str) -> int | None:
    """Deliver to the waiting case or start one; returns the receiving case id (None if nobody)."""
    from app.services.workflow.messages import route_thrown

    outcome = route_thrown(name, correlation, payload, source_instance_id, idempotency_key)
    return outcome.instance_id if outcome else None
