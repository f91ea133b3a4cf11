"""The transactional outbox: Celery tasks written with the transaction that caused them.

Why: a task sent before the commit may run before its rows exist (or for a transaction that
then rolls back); a task sent after the commit is lost if the process dies in between. So
operators add an OutboxMessage row; `uow.transaction()` calls `send_committed()` after its
commit, and the periodic `relay_pending()` (Celery beat, `outbox.relay`) re-sends rows still
pending after a while. A message may therefore arrive twice: every task checks the state of
the rows it acts on (ids only in the payload) and does nothing the second time. A payload with
`"outbox_id": None` asks for the message's own id (a delivery's idempotency key): it is filled in
when the message is sent, so the writer needs no flush and second write to learn it.

Off the step's path: `send_committed()` only hands the committed messages to this process's
publisher thread and returns; the thread publishes what has gathered at once (one held producer)
and marks the published messages sent with one autocommit UPDATE when MARK_EVERY passed without a
new one. Under load batches form by themselves; when idle a message goes at once. A broker that is down delays no request: the messages stay pending and the
relay sends them later. The thread starts lazily in the process that uses it (never inherited
across a fork: gunicorn workers, Celery prefork), and what it holds is flushed at exit (atexit,
Celery's worker shutdown signals). With `task_always_eager` (tests, an embedded run without a
worker) the tasks still run inline and synchronously after the commit, as before.
Tasks are found by name on the Celery app (create_app registers them all): infrastructure
imports no task module, so no use case behind a task.
"""
from __future__ import annotations

import atexit
import logging
import os
import queue
import threading
import time
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

from celery import signals
from kombu.utils.uuid import uuid
from sqlalchemy import bindparam, event, select, update
from sqlalchemy.engine import Engine
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
PUBLISH_BATCH = 500  # at most this many messages per publish pass and mark-sent UPDATE
MARK_EVERY = 0.2  # seconds a published id may wait for others to share its mark-sent UPDATE
EXIT_FLUSH_SECONDS = 10.0
Row = tuple[int, str, dict[str, Any]]


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
    """Send the messages written by the transaction that just committed; returns how many.

    Eager (tests): the tasks run here, inline, before this returns. Otherwise the messages are
    handed to this process's publisher thread and this returns at once (see the docstring)."""
    written = db.session.info.pop(_SESSION_KEY, {})
    if not written:
        return 0
    rows = [(i, name, payload) for i, (name, payload) in sorted(written.items())]
    if celery.conf.task_always_eager:
        return _send_rows(rows)
    publisher_for(db.engine).hand(rows)
    return len(rows)


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
    payload = _with_own_id(message_id, payload)
    try:
        # The message's repr names its row, not its payload: Celery would otherwise build a safe
        # repr of every payload for the headers (a fifth of a publish's CPU) and log it.
        task.apply_async(kwargs=payload, argsrepr="()", kwargsrepr=f"{{outbox message {message_id}}}")
    except Exception:  # noqa: BLE001 — broker down or an eager task failed: the relay retries
        db.session.rollback()
        log.exception("outbox message %s (%s) could not be sent; left pending", message_id, task_name)
        return False
    return True


def _with_own_id(message_id: int, payload: dict[str, Any]) -> dict[str, Any]:
    if "outbox_id" in payload and payload["outbox_id"] is None:
        return {**payload, "outbox_id": message_id}
    return payload


def _mark_sent(message_ids: list[int], engine: Engine | None = None) -> None:
    # One statement in autocommit (no BEGIN and COMMIT round trips): it stands alone.
    with (engine or db.engine).connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(_MARK_SENT, {"ids": message_ids, "now": datetime.now(UTC)})


# --- the publisher thread ----------------------------------------------------------------------

class Publisher:
    """One thread per process and database engine that publishes committed messages.

    `hand` queues rows and returns; the thread takes everything that has gathered (up to
    PUBLISH_BATCH) and publishes it at once, one producer held between passes. The published ids
    are marked sent with one UPDATE when no message came for MARK_EVERY seconds (or PUBLISH_BATCH
    of them wait): a message is never marked before it was published, and one published but not
    yet marked when the process dies is only sent again by the relay (tasks check state). A
    broker error ends the pass: that message and the rest of the pass stay pending (the relay
    sends them), so a dead broker costs one failed attempt per pass, never one per message.
    """

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._queue: queue.SimpleQueue[Row | None] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._start_lock = threading.Lock()
        self._idle = threading.Condition()
        self._unfinished = 0  # handed, and neither marked sent nor given up
        self._go = threading.Event()
        self._go.set()
        self._abandoned = False
        self.passes = 0  # publish passes run
        self._producer: Any = None
        self._producer_pool: Any = None

    def hand(self, rows: list[Row]) -> None:
        with self._idle:
            self._unfinished += len(rows)
        for row in rows:
            self._queue.put(row)
        if self._thread is None or not self._thread.is_alive():
            self._start()

    def _start(self) -> None:
        with self._start_lock:
            if self._thread is None or not self._thread.is_alive():
                # The broker's pool built here, in the caller: its transport's first import (kombu
                # → redis → concurrent.futures) registers with `threading`, which refuses it once
                # the interpreter is exiting — where a command that commits and returns at once
                # leaves the thread's first pass.
                _ = celery.amqp.producer_pool
                self._thread = threading.Thread(target=self._run, name="sitecase-outbox", daemon=True)
                self._thread.start()

    def flush(self, timeout: float | None = None) -> bool:
        """Wait until every handed message is marked sent or left pending (a flush waits out
        MARK_EVERY at most); False when `timeout` ran out."""
        with self._idle:
            return self._idle.wait_for(lambda: self._unfinished == 0, timeout)

    def stop(self, timeout: float | None = None) -> bool:
        """Flush, then end the thread (process exit)."""
        done = self.flush(timeout)
        if self._thread is not None and self._thread.is_alive():
            self._queue.put(None)
            self._thread.join(timeout)
        return done

    @contextmanager
    def held(self) -> Iterator[Publisher]:
        """Tests: nothing is published while held; what gathers meanwhile goes as one pass."""
        self._go.clear()
        try:
            yield self
        finally:
            self._go.set()

    def abandon(self) -> None:
        """Tests: drop what this publisher holds unpublished and end its thread, as a killed
        process would; the next message of this process gets a new publisher."""
        with _publishers_lock:
            if _publishers.get(self.engine) is self:
                del _publishers[self.engine]
        self._abandoned = True
        self._go.set()
        self._queue.put(None)
        if self._thread is not None:
            self._thread.join()

    def _run(self) -> None:
        unmarked: list[int] = []  # published, not yet marked sent
        mark_at = 0.0
        while True:
            try:
                first = self._queue.get(timeout=max(0.0, mark_at - time.monotonic()) if unmarked else None)
            except queue.Empty:  # quiet for MARK_EVERY: mark what was published
                self._mark(unmarked)
                unmarked = []
                continue
            self._go.wait()
            if self._abandoned:
                return
            batch, stop = ([] if first is None else [first]), first is None
            while not stop and len(batch) < PUBLISH_BATCH:
                try:
                    row = self._queue.get_nowait()
                except queue.Empty:
                    break
                if row is None:
                    stop = True
                else:
                    batch.append(row)
            published: list[int] = []
            try:
                if batch:
                    self.passes += 1
                    published = self.publish(batch)
            except Exception:  # noqa: BLE001 — the thread must live on; the rows stay pending
                log.exception("outbox: a publish pass of %s messages failed; left pending", len(batch))
            finally:
                self._done(len(batch) - len(published))
            if published and not unmarked:
                mark_at = time.monotonic() + MARK_EVERY
            unmarked += published
            if stop or len(unmarked) >= PUBLISH_BATCH:
                self._mark(unmarked)
                unmarked = []
            if stop:
                self.release_producer()
                return

    def _mark(self, ids: list[int]) -> None:
        try:
            if ids:
                _mark_sent(ids, self.engine)
        except Exception:  # noqa: BLE001 — published but still pending: the relay sends them again
            log.exception("outbox: %s published messages could not be marked sent", len(ids))
        finally:
            self._done(len(ids))

    def _done(self, count: int) -> None:
        if count:
            with self._idle:
                self._unfinished -= count
                self._idle.notify_all()

    def publish(self, batch: list[Row]) -> list[int]:
        """Publish `batch` to the broker (never inline, whatever the eager setting); returns the
        ids of the published messages (the caller marks them sent)."""
        sent: list[int] = []
        producer = self._held_producer()
        for message_id, task_name, payload in batch:
            if task_name not in celery.tasks:
                log.warning("outbox message %s: no task named %r; left pending", message_id, task_name)
                continue
            try:
                _publish(producer, message_id, task_name, _with_own_id(message_id, payload or {}))
            except Exception:  # noqa: BLE001 — broker down: the rest of the pass waits for the relay
                log.exception("outbox message %s (%s) could not be published; it and %s more left "
                              "pending", message_id, task_name, len(batch) - len(sent) - 1)
                self.release_producer()  # the next pass takes a fresh one from the pool
                break
            sent.append(message_id)
        return sent

    def _held_producer(self) -> Any:
        # One producer (and its broker connection) held between passes: taking one from the pool
        # for every pass cost ~0.2 ms on Redis. A new pool (the broker changed) gets a new one.
        pool = celery.amqp.producer_pool
        if self._producer is not None and self._producer_pool is not pool:
            self.release_producer()
        if self._producer is None:
            self._producer = pool.acquire(block=True, timeout=celery.conf.broker_pool_acquire_timeout)
            self._producer_pool = pool
        return self._producer

    def release_producer(self) -> None:
        producer, self._producer = self._producer, None
        if producer is not None:
            try:
                producer.release()
            except Exception:  # noqa: BLE001 — a broken connection goes back as it is
                log.debug("outbox: releasing the producer failed", exc_info=True)


def _publish(producer: Any, message_id: int, task_name: str, kwargs: dict[str, Any]) -> None:
    """One task message, as `celery.send_task` would build and route it, without its per-call
    extras: no result object (nothing reads an outbox task's result: ignore_result), no parent
    bookkeeping, the producer held by the pass. Half the CPU of send_task (bench/outbox_publish.py)."""
    amqp = celery.amqp
    task_id = uuid()
    options = amqp.router.route({}, task_name, (), kwargs, None)
    message = amqp.create_task_message(
        task_id, task_name, (), kwargs, root_id=task_id, ignore_result=True,
        create_sent_event=celery.conf.task_send_sent_event,
        # The message's repr names its row, not its payload: Celery would otherwise build a safe
        # repr of every payload for the headers and workers would log it.
        argsrepr="()", kwargsrepr=f"{{outbox message {message_id}}}")
    amqp.send_task_message(producer, task_name, message, **options)


_publishers: weakref.WeakKeyDictionary[Engine, Publisher] = weakref.WeakKeyDictionary()
_publishers_lock = threading.Lock()


def publisher_for(engine: Engine) -> Publisher:
    publisher = _publishers.get(engine)
    if publisher is None:
        with _publishers_lock:
            publisher = _publishers.setdefault(engine, Publisher(engine))
    return publisher


def flush(timeout: float | None = None) -> bool:
    """Wait until this process's publishers have published (or given up on) what they hold."""
    return all([p.flush(timeout) for p in list(_publishers.values())])


def _stop_all(*_args: Any, **_kwargs: Any) -> None:
    # Called once per exit path (worker shutdown, then atexit): a stopped publisher is dropped,
    # so the second call waits for nothing.
    with _publishers_lock:
        publishers = list(_publishers.values())
        _publishers.clear()
    for publisher in publishers:
        if not publisher.stop(EXIT_FLUSH_SECONDS):
            log.warning("outbox: messages still unpublished at exit; the relay sends them")


def _forget_after_fork() -> None:
    # A forked child (gunicorn worker, Celery prefork child) has none of the parent's threads:
    # it must start its own publisher, and what the parent had queued is the parent's to send.
    global _publishers_lock
    _publishers.clear()
    _publishers_lock = threading.Lock()


os.register_at_fork(after_in_child=_forget_after_fork)
atexit.register(_stop_all)
signals.worker_process_shutdown.connect(_stop_all, weak=False)
signals.worker_shutdown.connect(_stop_all, weak=False)
