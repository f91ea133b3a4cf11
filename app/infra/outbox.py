"""The transactional outbox: Celery tasks written with the transaction that caused them.

Why: a task sent before the commit may run before its rows exist (or for a transaction that
then rolls back); a task sent after the commit is lost if the process dies in between. So
operators add an OutboxMessage row; `uow.transaction()` calls `send_committed()` after its
commit, and the periodic `relay_pending()` (Celery beat, `outbox.relay`) re-sends rows still
pending after a while. A message may therefore arrive twice: every task checks the state of
the rows it acts on (ids only in the payload) and does nothing the second time. A payload with
`"outbox_id": None` asks for the message's own id (a delivery's idempotency key): it is filled in
when the message is sent, so the writer needs no flush and second write to learn it.
Tasks are found by name on the Celery app (create_app registers them all): infrastructure
imports no task module, so no use case behind a task.
"""
from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, event, select, update
from sqlalchemy.orm import Session

from app.extensions import celery, db
from app.models import OutboxMessage

log = logging.getLogger(__name__)

_SESSION_KEY = "sitecase.outbox_ids"
_TABLE = OutboxMessage.__table__
# Built once: building a statement costs more CPU than SQLite spends running it.
_INSERT = _TABLE.insert().returning(_TABLE.c.id, sort_by_parameter_order=True)
_MARK_SENT = update(_TABLE).where(_TABLE.c.id.in_(bindparam("ids", expanding=True)), _TABLE.c.status == "pending") \
    .values(status="sent", sent_at=bindparam("now"))
RELAY_AFTER = timedelta(minutes=1)
RELAY_BATCH = 200


@event.listens_for(Session, "after_flush")
def _collect_new_messages(session: Session, _ctx: Any) -> None:
    # After a flush the new rows have their ids; `session.new` and `session.dirty` still list
    # them. What the last flush wrote is what commits, so the send after the commit needs no
    # re-read of the rows.
    for obj in (*session.new, *session.dirty):
        if isinstance(obj, OutboxMessage) and obj.status == "pending":
            session.info.setdefault(_SESSION_KEY, {})[obj.id] = (obj.task_name, dict(obj.payload or {}))


@event.listens_for(Session, "after_rollback")
def _forget_rolled_back(session: Session) -> None:
    session.info.pop(_SESSION_KEY, None)


def write(messages: list[tuple[str, dict[str, Any]]]) -> None:
    """Add pending messages (task name, payload) to the session's transaction with one Core
    INSERT; they are sent after the commit like the rows the ORM flushes."""
    if not messages:
        return
    now = datetime.now(UTC)
    ids = db.session.connection().execute(_INSERT, [
        {"task_name": name, "payload": payload, "status": "pending", "created_at": now}
        for name, payload in messages]).scalars().all()
    written = db.session.info.setdefault(_SESSION_KEY, {})
    for message_id, (name, payload) in zip(ids, messages, strict=True):
        written[message_id] = (name, dict(payload))


def send_committed() -> int:
    """Send the messages written by the transaction that just committed; returns how many."""
    written = db.session.info.pop(_SESSION_KEY, {})
    return _send_rows([(i, name, payload) for i, (name, payload) in sorted(written.items())]) \
        if written else 0


def relay_pending(now: datetime | None = None, older_than: timedelta = RELAY_AFTER) -> int:
    """Re-send messages still pending `older_than` after they were written (crash safety)."""
    cutoff = (now or datetime.now(UTC)) - older_than
    # Only messages some task here can take: others must not fill every batch forever.
    ids = list(db.session.scalars(select(OutboxMessage.id).where(
        OutboxMessage.status == "pending", OutboxMessage.created_at <= cutoff,
        OutboxMessage.task_name.in_(_task_names()))
        .order_by(OutboxMessage.id).limit(RELAY_BATCH)))
    return send(ids)


def _task_names() -> list[str]:
    return sorted(name for name in celery.tasks if not name.startswith("celery."))


def send(ids: list[int]) -> int:
    """Send pending messages `ids` as Celery tasks by name, then mark them sent.

    A message whose task is not registered in this code base, or whose sending fails, stays
    pending for the relay. Never raises: the caller's transaction has already committed.
    """
    rows = db.session.execute(select(OutboxMessage.id, OutboxMessage.task_name, OutboxMessage.payload)
                              .where(OutboxMessage.id.in_(ids), OutboxMessage.status == "pending")
                              .order_by(OutboxMessage.id)).all()
    db.session.commit()  # end the read; eager tasks open their own transactions
    return _send_rows([tuple(row) for row in rows])


def _send_rows(rows: list[tuple[int, str, dict[str, Any]]]) -> int:
    sent = [message_id for message_id, task_name, payload in rows
            if _dispatch(message_id, task_name, payload or {})]
    if sent:  # one UPDATE for all: a crash before it only means the relay sends them again
        _mark_sent(sent)
    return len(sent)


def _dispatch(message_id: int, task_name: str, payload: dict[str, Any]) -> bool:
    task = celery.tasks.get(task_name)
    if task is None:
        log.warning("outbox message %s: no task named %r; left pending", message_id, task_name)
        return False
    if "outbox_id" in payload and payload["outbox_id"] is None:
        payload = {**payload, "outbox_id": message_id}
    try:
        # The message's repr names its row, not its payload: Celery would otherwise build a safe
        # repr of every payload for the headers (a fifth of a publish's CPU) and log it.
        task.apply_async(kwargs=payload, argsrepr="()", kwargsrepr=f"{{outbox message {message_id}}}")
    except Exception:  # noqa: BLE001 — broker down or an eager task failed: the relay retries
        db.session.rollback()
        log.exception("outbox message %s (%s) could not be sent; left pending", message_id, task_name)
        return False
    return True


def _mark_sent(message_ids: list[int]) -> None:
    # One statement in autocommit (no BEGIN and COMMIT round trips): it stands alone.
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(_MARK_SENT, {"ids": message_ids, "now": datetime.now(UTC)})
