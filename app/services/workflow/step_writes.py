"""The writes of one case step in SQLAlchemy Core (issue 19): inbox rows, the instance's columns,
timeline events, outbox messages, the change-feed row and the step's one audit entry.

The ORM's unit of work cost more than the engine on this path (a flush diffs every attribute of
every object and runs the audit, feed and outbox listeners over them); here the step knows what it
changes and says it in a few bound statements. Inbox rows are plain `StepRow`s (never in the
session); the instance stays the session's object (operators read it), its columns are written by
one UPDATE guarded by its lock version and then set as committed, so no later flush writes them
again. Objects the ORM still holds (the task row of the locking read) get the written values too.
What operators added through the ORM during the run is flushed first, as before.
"""
from __future__ import annotations

import datetime as dt
import functools
from typing import Any

from sqlalchemy import bindparam, inspect, update
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.exc import StaleDataError

from app.extensions import db
from app.infra import audit_trail, change_feed, outbox
from app.models import AuditLog, InboxTask, InstanceEvent, ProcessInstance
from app.services.access.actors import Actor
from app.services.workflow.timeline import event_row, jsonable

INBOX = InboxTask.__table__
_INSTANCE = ProcessInstance.__table__
ROW_COLUMNS = tuple(c.key for c in INBOX.columns)
_INSTANCE_COLUMN_SET = frozenset(c.key for c in ProcessInstance.__table__.columns if c.key not in ("id", "lock_version"))


class StepRow:
    """One inbox row of the step as plain attributes (what `review_duties` and the summaries read
    of an InboxTask, plus `instance`), with the values it was read with."""

    __slots__ = (*ROW_COLUMNS, "instance", "original", "written")

    def __init__(self, values: dict[str, Any], instance: ProcessInstance, *, new: bool = False):
        for key in ROW_COLUMNS:
            setattr(self, key, values.get(key))
        self.instance = instance
        self.original = None if new else {k: values.get(k) for k in ROW_COLUMNS}
        self.written = dict(self.original) if self.original is not None else None

    def values(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in ROW_COLUMNS}

    def unwritten(self) -> dict[str, Any]:
        """Columns changed since the row was read or last written."""
        return {k: getattr(self, k) for k in ROW_COLUMNS if k != "id" and getattr(self, k) != self.written.get(k)}

    def changes(self) -> dict[str, Any]:
        """Columns changed since the row was read (for the audit entry)."""
        return {k: audit_trail.plain(getattr(self, k)) for k in ROW_COLUMNS
                if k != "id" and getattr(self, k) != self.original.get(k)}


class StepWrites:
    """Collects a step's writes and sends them (`write_rows`, then `finish`)."""

    def __init__(self, instance: ProcessInstance, actor: Actor, now: dt.datetime, *, created: bool):
        audit_trail.audited_by_caller(instance)
        self.instance, self.actor, self.now, self.created = instance, actor, now, created
        self.before = None if created else audit_trail.committed_columns(instance)
        db.session.flush()  # what operators added through the ORM goes first, in its own order
        self.events: list[dict[str, Any]] = []
        self.messages: list[tuple[str, dict[str, Any]]] = []
        self.rows: list[StepRow] = []
        self.new_rows: list[StepRow] = []

    # --- the instance ---------------------------------------------------------------------

    def write_instance(self, **values: Any) -> None:
        """The instance's new column values, written at once: the first write of the step, so
        that of two steps racing for the instance the loser fails on its lock version (a
        StaleDataError, retried) before it writes anything else. `finish` writes what the ORM
        changed after it (a review conflict's status) the same way."""
        instance, state = self.instance, inspect(self.instance)
        # An attribute set since the load or the last write has its old value in
        # `committed_state` (what its history compares against): only those can have changes.
        for key in _INSTANCE_COLUMN_SET.intersection(state.committed_state):
            if state.attrs[key].history.has_changes():
                values.setdefault(key, getattr(instance, key))
        if not values:
            return
        old = instance.lock_version
        done = db.session.connection().execute(_instance_update(tuple(sorted(values))), {
            "_id": instance.id, "_old": old, "_new": old + 1, **{f"v_{k}": v for k, v in values.items()}})
        if done.rowcount != 1:
            raise StaleDataError(f"process_instance {instance.id}: lock version {old} is gone")
        for key, value in values.items():
            set_committed_value(instance, key, value)
        set_committed_value(instance, "lock_version", old + 1)
        change_feed.note_record(db.session, ProcessInstance, instance.id, instance.project_id)

    # --- inbox rows -----------------------------------------------------------------------

    def write_rows(self, rows: list[StepRow], new_rows: list[StepRow]) -> None:
        """Write the changed rows (one UPDATE per distinct change set, executemany) and insert
        the new ones (ids come back); may be called again for later changes."""
        self.rows, self.new_rows = rows, new_rows
        fresh = [r for r in new_rows if r.id is None]
        if fresh:
            values = [{k: v for k, v in r.values().items() if k != "id"} for r in fresh]
            ids = db.session.connection().execute(_ROW_INSERT, values).scalars().all()
            for row, row_id in zip(fresh, ids, strict=True):
                row.id = row_id
                row.original, row.written = row.values(), row.values()
        by_keys: dict[tuple[str, ...], list[dict[str, Any]]] = {}
        for row in rows + new_rows:
            changed = row.unwritten()
            if changed:
                by_keys.setdefault(tuple(sorted(changed)), []).append(
                    {"_id": row.id, **{f"v_{k}": v for k, v in changed.items()}})
                row.written.update(changed)
                _sync_session_row(row.id, changed)
        for keys, params in by_keys.items():
            db.session.connection().execute(_row_update(keys), params)

    # --- events, messages, the audit entry --------------------------------------------------

    def event(self, actor: Actor, kind: str, **fields: Any) -> None:
        self.events.append(event_row(self.instance.id, actor, kind, self.now, **fields))

    def message(self, task_name: str, payload: dict[str, Any]) -> None:
        self.messages.append((task_name, payload))

    def finish(self, action: dict[str, Any]) -> None:
        """The instance UPDATE, the rows' last changes, the events, the messages, the feed row
        and the audit entry. Raises StaleDataError when another writer moved the instance."""
        self.write_rows(self.rows, self.new_rows)
        self.write_instance()
        connection = db.session.connection()
        if self.events:
            connection.execute(_EVENT_INSERT, self.events)
        outbox.write(self.messages)
        connection.execute(_AUDIT_INSERT, self._audit_row(action))

    def _audit_row(self, action: dict[str, Any]) -> dict[str, Any]:
        """One `case_<action>` entry: the instance's changed columns before/after (all of them,
        after, for a start), the changed columns of the rows it closed or refilled, the rows it
        opened."""
        after = audit_trail.current_columns(self.instance)
        before = self.before
        if before is not None:
            changed = {k for k, v in after.items() if before.get(k) != v}
            before, after = {k: before.get(k) for k in changed}, {k: after[k] for k in changed}
        opened = {id(r) for r in self.new_rows}
        after["inbox"] = {str(r.id): c for r in self.rows if id(r) not in opened and (c := r.changes())}
        after["opened"] = [{"id": r.id, "task_name": r.task_name, "role": r.role,
                            "candidate_user_id": r.candidate_user_id} for r in self.new_rows]
        actor = self.actor
        return {"at": dt.datetime.now(dt.UTC), "user_id": actor.user_id, "username": actor.username,
                "ip": actor.ip, "action": f"case_{action.get('action', 'step')}"[:40],
                "entity_type": "process_instance", "entity_id": str(self.instance.id),
                "before": before, "after": jsonable(after), "success": True}


# Statements built once (building one costs more than running it), parameters bound.
_ROW_INSERT = INBOX.insert().returning(INBOX.c.id, sort_by_parameter_order=True)
_EVENT_INSERT = InstanceEvent.__table__.insert()
_AUDIT_INSERT = AuditLog.__table__.insert()


@functools.cache
def _instance_update(keys: tuple[str, ...]) -> Any:
    """UPDATE of these columns guarded by the lock version (parameters `v_<column>`)."""
    return update(_INSTANCE).where(_INSTANCE.c.id == bindparam("_id"), _INSTANCE.c.lock_version == bindparam("_old")) \
        .values({**{k: bindparam(f"v_{k}") for k in keys}, "lock_version": bindparam("_new")})


@functools.cache
def _row_update(keys: tuple[str, ...]) -> Any:
    return update(INBOX).where(INBOX.c.id == bindparam("_id")).values({k: bindparam(f"v_{k}") for k in keys})


def _sync_session_row(row_id: int, changed: dict[str, Any]) -> None:
    """The session's own object of a row written here (e.g. the locking read's task row) gets
    the written values as committed ones."""
    obj = db.session.identity_map.get(db.session.identity_key(InboxTask, row_id))
    if obj is not None:
        for key, value in changed.items():
            set_committed_value(obj, key, value)
