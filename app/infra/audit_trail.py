"""The audit trail: every flush writes who changed what (before/after), logins are recorded.

The listener is attached once to the session class; it reads the acting user from the
transaction context (app.infra.uow), so no use case can forget to audit a write.
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
)

# Columns never copied into the audit log: secrets, and workflow blobs (versioned elsewhere).
SECRET_COLUMNS = {"password_hash", "token_sha256", "id_number_hash", "state", "spec_json", "sources"}
# Tables that are themselves a history (instance events) or plumbing (outbox, subscriptions,
# login throttles: every attempt is already recorded explicitly).
NOT_AUDITED = {AuditLog, InstanceEvent, OutboxMessage, MessageSubscription, MessageReceipt, LoginThrottle}


def _plain(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    return value


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


def _audited(obj: Any) -> bool:
    return type(obj) not in NOT_AUDITED and hasattr(obj, "__tablename__")


@event.listens_for(Session, "before_flush")
def _audit_flush(session: Session, _ctx, _instances) -> None:
    # Snapshots of changed and deleted rows must be taken before the flush resets their history;
    # they are written with the new rows' entries after the flush, in one INSERT.
    actor, at = current_actor(), dt.datetime.now(dt.UTC)
    rows = session.info.setdefault("audit_rows", [])
    for obj in session.dirty:
        if _audited(obj) and _changed_columns(obj):
            rows.append(_row(actor, at, "update", obj, _snapshot(obj, committed=True),
                             _snapshot(obj, committed=False)))
    for obj in session.deleted:
        if _audited(obj):
            rows.append(_row(actor, at, "delete", obj, _snapshot(obj, committed=True), None))
    session.info.setdefault("audit_new", []).extend(o for o in session.new if _audited(o))


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


def record(actor: Actor, action: str, *, success: bool = True, entity_type: str | None = None,
           entity_id: str | None = None, after: dict | None = None) -> None:
    """Add an explicit audit row (logins, lockouts, reads of sensitive data) to the session."""
    db.session.add(AuditLog(user_id=actor.user_id, username=actor.username, ip=actor.ip,
                            action=action, success=success, entity_type=entity_type,
                            entity_id=entity_id, after=after))


def record_download(actor: Actor, entity_type: str, entity_id: int, filename: str) -> None:
    """Audit a download like a write: who fetched which stored file, when, from where (committed)."""
    from app.infra.uow import transaction

    with transaction(actor):
        record(actor, "download", entity_type=entity_type, entity_id=str(entity_id),
               after={"filename": filename})
