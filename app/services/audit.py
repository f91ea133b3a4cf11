"""The audit trail: every flush writes who changed what (before/after), logins are recorded.

The listener is attached once to the session class; it reads the acting user from the
transaction context (app.services.uow), so no use case can forget to audit a write.
"""
from __future__ import annotations

import datetime as dt
import decimal
from typing import Any

from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

from app.extensions import db
from app.models import AuditLog, InstanceEvent, MessageReceipt, MessageSubscription, OutboxMessage
from app.services.actors import Actor
from app.services.uow import current_actor

# Columns never copied into the audit log: secrets, and workflow blobs (versioned elsewhere).
SECRET_COLUMNS = {"password_hash", "token_sha256", "id_number_hash", "state", "spec_json", "sources"}
# Tables that are themselves a history (instance events) or plumbing (outbox, subscriptions).
NOT_AUDITED = {AuditLog, InstanceEvent, OutboxMessage, MessageSubscription, MessageReceipt}


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


def _entry(actor: Actor, action: str, obj: Any, before: dict | None, after: dict | None) -> AuditLog:
    return AuditLog(user_id=actor.user_id, username=actor.username, ip=actor.ip, action=action,
                    entity_type=obj.__tablename__, entity_id=_primary_key(obj), before=before, after=after)


@event.listens_for(Session, "before_flush")
def _audit_flush(session: Session, _ctx, _instances) -> None:
    actor = current_actor()
    entries: list[AuditLog] = []
    for obj in session.dirty:
        if type(obj) in NOT_AUDITED or not hasattr(obj, "__tablename__") or not _changed_columns(obj):
            continue
        entries.append(_entry(actor, "update", obj, _snapshot(obj, committed=True),
                              _snapshot(obj, committed=False)))
    for obj in session.deleted:
        if type(obj) not in NOT_AUDITED and hasattr(obj, "__tablename__"):
            entries.append(_entry(actor, "delete", obj, _snapshot(obj, committed=True), None))
    session.add_all(entries)
    session.info.setdefault("audit_new", []).extend(
        o for o in session.new if type(o) not in NOT_AUDITED and hasattr(o, "__tablename__"))


@event.listens_for(Session, "after_flush")
def _audit_inserts(session: Session, _ctx) -> None:
    # New rows have their primary keys only after the flush; audit them in a follow-up insert.
    new = session.info.pop("audit_new", [])
    if not new:
        return
    actor = current_actor()
    rows = [{"at": dt.datetime.now(dt.UTC), "user_id": actor.user_id, "username": actor.username,
             "ip": actor.ip, "action": "create", "entity_type": o.__tablename__,
             "entity_id": _primary_key(o),
             "before": None, "after": _snapshot(o, committed=False), "success": True} for o in new]
    session.connection().execute(AuditLog.__table__.insert(), rows)


def record(actor: Actor, action: str, *, success: bool = True, entity_type: str | None = None,
           entity_id: str | None = None, after: dict | None = None) -> None:
    """Add an explicit audit row (logins, lockouts, reads of sensitive data) to the session."""
    db.session.add(AuditLog(user_id=actor.user_id, username=actor.username, ip=actor.ip,
                            action=action, success=success, entity_type=entity_type,
                            entity_id=entity_id, after=after))
