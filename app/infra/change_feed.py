"""Writing the change feed: every created, changed or deleted record of the exchanged types gets
a change_feed row in the transaction that changed it (issue 18).

One session listener covers every ORM writer, so no use case can forget it; the few Core
statements that change an exchanged row (``UPDATE … WHERE`` races) call `note_rows` beside their
statement. Each row stores the id of its writing transaction (PostgreSQL ``pg_current_xact_id()``,
0 on SQLite) so readers can return rows in commit-safe order (app/services/exchange/feed_reads.py).
A record changed several times in one transaction gets one row: readers serve its current state.
"""
from __future__ import annotations

import functools
from collections.abc import Iterable
from typing import Any

from sqlalchemy import Connection, event, insert, inspect, literal, literal_column, select
from sqlalchemy.orm import Session

from app.infra import wallclock
from app.models import (
    ChangeFeedEntry,
    DeviceAlarm,
    HazardousWork,
    IssuedDocument,
    ProcessInstance,
    Project,
    RectificationOrder,
)

# Model → the record name its answers and XSD use (app/api/xml_schemas.py).
RECORD_TYPES: dict[type, str] = {Project: "project", HazardousWork: "hazardous_work", DeviceAlarm: "alarm",
                                 ProcessInstance: "case", RectificationOrder: "order",
                                 IssuedDocument: "document"}
_PENDING, _SEEN = "change_feed_pending", "change_feed_seen"


def xact_id(connection: Connection):
    """The SQL of the writing transaction's id (a 64-bit xid8 on PostgreSQL, 0 on SQLite)."""
    return _xact_sql(connection.dialect.name)


def _xact_sql(dialect: str):
    return literal_column("pg_current_xact_id()::text::bigint") if dialect == "postgresql" else literal(0)


def _project_of(obj: Any) -> int | None:
    return obj.id if isinstance(obj, Project) else obj.project_id


def _changed(obj: Any) -> bool:
    state = inspect(obj)
    return any(state.attrs[a.key].history.has_changes() for a in state.mapper.column_attrs)


@event.listens_for(Session, "before_flush")
def _collect(session: Session, _ctx, _instances) -> None:
    pending: list = session.info.setdefault(_PENDING, [])
    pending.extend(("created", o) for o in session.new if type(o) in RECORD_TYPES)
    pending.extend(("changed", o) for o in session.dirty if type(o) in RECORD_TYPES and _changed(o))
    pending.extend(("deleted", o) for o in session.deleted if type(o) in RECORD_TYPES)


@event.listens_for(Session, "after_flush")
def _write(session: Session, _ctx) -> None:
    # New rows have their ids only now; the rows are written here, in the flush's transaction.
    pending = session.info.pop(_PENDING, [])
    if not pending:
        return
    seen: set = session.info.setdefault(_SEEN, set())
    at, rows = wallclock.now(), []
    for action, obj in pending:
        key = (RECORD_TYPES[type(obj)], obj.id)
        if obj.id is None or (key in seen and action != "deleted"):
            continue
        seen.add(key)
        rows.append({"record_type": key[0], "record_id": obj.id, "action": action,
                     "project_id": _project_of(obj), "changed_at": at})
    if rows:
        connection = session.connection()
        connection.execute(insert(ChangeFeedEntry).values(xact_id=xact_id(connection)), rows)


@event.listens_for(Session, "after_commit")
@event.listens_for(Session, "after_rollback")
def _new_transaction(session: Session) -> None:
    session.info.pop(_SEEN, None)


@event.listens_for(Session, "after_soft_rollback")
def _forget(session: Session, _previous) -> None:
    # Rows of a rolled-back flush never happened: a later change must be written again.
    session.info.pop(_PENDING, None)
    session.info.pop(_SEEN, None)


def note_rows(connection: Connection, model: type, ids: Iterable[int], action: str = "changed") -> None:
    """Feed rows for rows of `model` changed by a Core statement (the ORM listener cannot see it)."""
    ids = sorted(set(ids))
    if not ids:
        return
    project = model.id if model is Project else model.project_id
    source = select(literal(RECORD_TYPES[model]), model.id, literal(action), project,
                    literal(wallclock.now(), ChangeFeedEntry.changed_at.type), xact_id(connection)
                    ).where(model.id.in_(ids))
    connection.execute(insert(ChangeFeedEntry).from_select(
        ["record_type", "record_id", "action", "project_id", "changed_at", "xact_id"], source))


@functools.cache
def _record_insert(dialect: str) -> Any:
    """Built once per backend (its transaction id SQL differs)."""
    return insert(ChangeFeedEntry).values(xact_id=_xact_sql(dialect))


def note_record(session: Session, model: type, record_id: int, project_id: int | None,
                action: str = "changed") -> None:
    """The feed row of one record a Core statement changed (the case step's instance UPDATE),
    written with its values (no read); once per record and transaction, like the listener's."""
    seen: set = session.info.setdefault(_SEEN, set())
    key = (RECORD_TYPES[model], record_id)
    if key in seen and action != "deleted":
        return
    seen.add(key)
    connection = session.connection()
    connection.execute(_record_insert(connection.dialect.name), {
        "record_type": key[0], "record_id": record_id, "action": action, "project_id": project_id,
        "changed_at": wallclock.now()})
