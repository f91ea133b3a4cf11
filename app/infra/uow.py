"""One transaction per use case, with the acting user visible to the audit listener.

After the commit, the outbox messages the transaction wrote are handed to the process's publisher
thread (run inline when Celery is eager), never sent before it (app/infra/outbox.py).
"""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from app.domain.actors import SYSTEM, Actor
from app.extensions import db
from app.infra import outbox

_current_actor: ContextVar[Actor] = ContextVar("sitecase_actor", default=SYSTEM)


def current_actor() -> Actor:
    return _current_actor.get()


@contextmanager
def transaction(actor: Actor = SYSTEM) -> Iterator[None]:
    """Commit once at the end, roll back on any error; audit rows name `actor`.

    Outbox messages written in the transaction are sent after the commit, never before.
    """
    token = _current_actor.set(actor)
    try:
        yield
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    finally:
        _current_actor.reset(token)
    outbox.send_committed()


def abandon_failed_transaction() -> None:
    """Roll back a transaction the database refused a statement of (PostgreSQL answers nothing
    more inside an aborted one), so the rest of the app context — the error page reading the
    signed-in user, the next request of a shared context — still reaches the database."""
    db.session.rollback()


def core_connection():
    """The session's connection (its transaction) for a Core read, flushed first as the ORM's
    execute would be: a read on an authenticated page's path runs as Core with a statement built
    once, since the ORM's execution of a one-column read cost several times the read itself."""
    session = db.session()
    if session.new or session.dirty or session.deleted:
        session.flush()
    return session.connection()
