"""The audit trail: every flush writes who changed what (before/after), logins are recorded.

The listener is attached once to the session class; it reads the acting user from the
transaction context (app.infra.uow), so no use case can forget to audit a write. A hot path may
write the entry of its own rows itself (one row per use-case step instead of a before/after
snapshot per flushed object): it hands those objects to `audited_by_caller` and calls `record`.
"""
from __future__ import annotations

import datetime as dt
import decimal
from typing import Any

from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

from app.domain.actors import Actor
from app.extensions import db
from app.infra.uow import current_actor
from app.models import (
    AuditLog,
    InstanceEvent,
    LoginThrottle,
    MessageReceipt,
    MessageSubscription,
    OutboxMessage,
    WebhookAttempt,
    WebhookDelivery,
)

# Columns never copied into the audit log: secrets, and workflow blobs (versioned elsewhere).
SECRET_COLUMNS = {"password_hash", "token_sha256", "id_number_hash", "state", "spec_json", "sources", "secret",
                  "sealed_secret"}
# Tables that are themselves a history (instance events, webhook deliveries and their attempts)
# or plumbing (outbox, subscriptions, login throttles: every attempt is already recorded
# explicitly; a dead delivery's replay writes its own entry).
NOT_AUDITED = {AuditLog, InstanceEvent, OutboxMessage, MessageSubscription, MessageReceipt, LoginThrottle,
               WebhookDelivery, WebhookAttempt}


def _plain(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    return value


plain = _plain  # a column value as the audit log stores it


def _snapshot(obj: Any, *, committed: bool) -> dict[str, Any]:
    state = inspect(obj)
    out: dict[str, Any] = {}
    for attr in state.mapper.column_attrs:
        key = attr.key
        if key in SECRET_COLUMNS:
            continue
        hist = state.attrs[key].history
        if committed:
            value = hist.deleted[0] if hist.deleted else (hist.unchanged[0] if hist.unchanged else None)
        else:
            value = getattr(obj, key)
        out[key] = _plain(value)
    return out


def _changed_columns(obj: Any) -> bool:
    state = inspect(obj)
    return any(state.attrs[a.key].history.has_changes() for a in state.mapper.column_attrs)


def _primary_key(obj: Any) -> str | None:
    values = inspect(obj).mapper.primary_key_from_instance(obj)
    return ",".join(str(v) for v in values) if values and values[0] is not None else None


def _row(actor: Actor, at: dt.datetime, action: str, obj: Any, before: dict | None,
         after: dict | None) -> dict[str, Any]:
    return {"at": at, "user_id": actor.user_id, "username": actor.username, "ip": actor.ip,
            "action": action, "entity_type": obj.__tablename__, "entity_id": _primary_key(obj),
            "before": before, "after": after, "success": True}


_BY_CALLER = "audit_by_caller"


def _audited(obj: Any, by_caller: set | tuple = ()) -> bool:
    return type(obj) not in NOT_AUDITED and hasattr(obj, "__tablename__") and obj not in by_caller


def audited_by_caller(*objs: Any) -> None:
    """The caller writes the audit entry of these objects' changes in this transaction itself
    (with `record`); the flush listener skips them until the transaction ends."""
    db.session.info.setdefault(_BY_CALLER, set()).update(objs)


def committed_columns(obj: Any) -> dict[str, Any]:
    """The object's column values as the database holds them (secrets and blobs left out)."""
    return _snapshot(obj, committed=True)


def current_columns(obj: Any) -> dict[str, Any]:
    """The object's column values now (secrets and blobs left out)."""
    return _snapshot(obj, committed=False)


def changed_columns(obj: Any) -> dict[str, Any]:
    """The new values of the columns changed since the last flush; an unloaded column is
    neither loaded nor reported."""
    state = inspect(obj)
    return {a.key: _plain(getattr(obj, a.key)) for a in state.mapper.column_attrs
            if a.key not in SECRET_COLUMNS and a.key in state.dict
            and state.attrs[a.key].history.has_changes()}


@event.listens_for(Session, "before_flush")
def _audit_flush(session: Session, _ctx, _instances) -> None:
    # Snapshots of changed and deleted rows must be taken before the flush resets their history;
    # they are written with the new rows' entries after the flush, in one INSERT.
    actor, at = current_actor(), dt.datetime.now(dt.UTC)
    rows = session.info.setdefault("audit_rows", [])
    by_caller = session.info.get(_BY_CALLER, ())
    for obj in session.dirty:
        if _audited(obj, by_caller) and _changed_columns(obj):
            rows.append(_row(actor, at, "update", obj, _snapshot(obj, committed=True),
                             _snapshot(obj, committed=False)))
    for obj in session.deleted:
        if _audited(obj, by_caller):
            rows.append(_row(actor, at, "delete", obj, _snapshot(obj, committed=True), None))
    session.info.setdefault("audit_new", []).extend(o for o in session.new if _audited(o, by_caller))


@event.listens_for(Session, "after_flush")
def _audit_inserts(session: Session, _ctx) -> None:
    # New rows have their primary keys only after the flush, so every entry is written here.
    rows = session.info.pop("audit_rows", [])
    new = session.info.pop("audit_new", [])
    if new:
        actor, at = current_actor(), dt.datetime.now(dt.UTC)
        rows.extend(_row(actor, at, "create", o, None, _snapshot(o, committed=False)) for o in new)
    if rows:
        session.connection().execute(AuditLog.__table__.insert(), rows)


@event.listens_for(Session, "after_soft_rollback")
def _forget_failed_flush(session: Session, _previous) -> None:
    # A flush that failed between the two hooks leaves its entries behind: they never happened.
    session.info.pop("audit_rows", None)
    session.info.pop("audit_new", None)


@event.listens_for(Session, "after_commit")
@event.listens_for(Session, "after_rollback")
def _end_caller_audits(session: Session) -> None:
    session.info.pop(_BY_CALLER, None)


def record(actor: Actor, action: str, *, success: bool = True, entity_type: str | None = None,
           entity_id: str | None = None, before: dict | None = None, after: dict | None = None) -> None:
    """Add an explicit audit row (logins, lockouts, reads of sensitive data, a use case's own
    entry of the rows it handed to `audited_by_caller`) to the session."""
    db.session.add(AuditLog(at=dt.datetime.now(dt.UTC), user_id=actor.user_id, username=actor.username,
                            ip=actor.ip, action=action, success=success, entity_type=entity_type,
                            entity_id=entity_id, before=before, after=after))


def record_download(actor: Actor, entity_type: str, entity_id: int, filename: str) -> None:
    """Audit a download like a write: who fetched which stored file, when, from where (committed)."""
    from app.infra.uow import transaction

    with transaction(actor):
        record(actor, "download", entity_type=entity_type, entity_id=str(entity_id),
               after={"filename": filename})
