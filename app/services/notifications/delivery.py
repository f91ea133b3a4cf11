"""In-app notifications (站内消息): delivering `notify` outbox messages, the user's own list.

The `notify` operator writes an outbox message {"outbox_id", "instance_id", "role", "user",
"message"}; after the commit the Celery task `notifications.send` calls `deliver_notification`,
which resolves the recipients and writes one row per user. The outbox delivers at least once, so
rows are keyed by (outbox_id, user_id) and a re-send adds nothing.

Recipients: the named `user` (an id or a username) when he exists and is active; otherwise the
users holding `role` for the case — an enterprise role on the case's project, an authority role
on an org unit whose jurisdiction covers the project's district (as the inbox decides who may
work a task).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, func, select
from sqlalchemy.exc import IntegrityError

from app.errors import NotFoundError
from app.extensions import db
from app.infra import wallclock
from app.infra.uow import core_connection, transaction
from app.models import Notification, OrgUnit, ProcessInstance, RoleGrant, User
from app.roles import AUTHORITY_ROLES, ENTERPRISE_ROLES
from app.services.access.actors import SYSTEM, Actor
from app.services.workflow.case_steps import scope_path

MAX_PAGE = 200


def deliver_notification(*, instance_id: int, message: str, role: str | None = None,
                         user: Any = None, outbox_id: int | None = None, title: str | None = None) -> int:
    """Write the notification rows of one outbox message; returns how many rows were new.

    Users who already have a row for `outbox_id` are skipped (a re-send adds nothing). An
    unknown case or nobody to notify writes nothing. Raises nothing of its own.
    """
    try:
        with transaction(SYSTEM):
            instance = db.session.get(ProcessInstance, instance_id)
            if instance is None:
                return 0
            users = set(recipients(instance, role, user)) - _already_notified(outbox_id)
            now = wallclock.now()
            for user_id in sorted(users):
                db.session.add(Notification(
                    user_id=user_id, instance_id=instance.id, project_id=instance.project_id,
                    outbox_id=outbox_id, title=(title or instance.title or instance.process_key)[:200],
                    body=str(message or ""), created_at=now))
            return len(users)
    except IntegrityError:
        return 0  # a concurrent delivery of the same message won the race: its rows stand


def _already_notified(outbox_id: int | None) -> set[int]:
    if outbox_id is None:
        return set()
    return set(db.session.scalars(select(Notification.user_id)
                                  .where(Notification.outbox_id == outbox_id)))


def recipients(instance: ProcessInstance, role: str | None, user: Any) -> list[int]:
    """Ids of the active users to notify: the named user, else the role's holders for the case."""
    named = named_user_id(user)
    if named is not None:
        return [named]
    return role_holders(role, project_id=instance.project_id,
                        path=scope_path(instance) if role in AUTHORITY_ROLES else None)


def role_holders(role: str | None, *, project_id: int | None, path: str | None) -> list[int]:
    """Ids of the active users holding `role` there: an enterprise role on the project, an
    authority role on an org unit whose jurisdiction covers `path` (the project's district)."""
    if role in ENTERPRISE_ROLES and project_id is not None:
        return list(db.session.scalars(select(RoleGrant.user_id).distinct()
                                       .join(User, User.id == RoleGrant.user_id)
                                       .where(RoleGrant.role_code == role, User.is_active,
                                              RoleGrant.project_id == project_id)))
    if role in AUTHORITY_ROLES:
        rows = db.session.execute(select(RoleGrant.user_id, OrgUnit.path)
                                  .join(OrgUnit, OrgUnit.id == RoleGrant.org_unit_id)
                                  .join(User, User.id == RoleGrant.user_id)
                                  .where(RoleGrant.role_code == role, User.is_active)).all()
        return sorted({uid for uid, unit_path in rows
                       if path and unit_path and path.startswith(unit_path)})
    return []


def named_user_id(user: Any) -> int | None:
    """An active user's id from an id (int or digits) or a username; None otherwise."""
    if isinstance(user, bool) or user is None or user == "":
        return None
    if isinstance(user, int) or (isinstance(user, str) and user.isdigit()):
        found = db.session.get(User, int(user))
    elif isinstance(user, str):
        found = db.session.scalar(select(User).where(User.username == user))
    else:
        return None
    return found.id if found is not None and found.is_active else None


# --- the user's own notifications ---------------------------------------------------------

@dataclass(frozen=True)
class NotificationPage:
    items: list[Notification]
    total: int
    unread: int


def list_notifications(actor: Actor, *, unread_only: bool = False, limit: int = 50,
                       offset: int = 0) -> NotificationPage:
    """The actor's notifications, newest first (only ever his own), with his unread count."""
    stmt = select(Notification).where(Notification.user_id == _me(actor))
    if unread_only:
        stmt = stmt.where(Notification.read_at.is_(None))
    total = db.session.scalar(select(func.count()).select_from(stmt.subquery()))
    items = db.session.scalars(stmt.order_by(Notification.created_at.desc(), Notification.id.desc())
                               .limit(max(1, min(limit, MAX_PAGE))).offset(max(0, offset)))
    return NotificationPage(list(items), total, unread_count(actor))


_UNREAD = (select(func.count(Notification.id))
           .where(Notification.user_id == bindparam("user_id"), Notification.read_at.is_(None)))


def unread_count(actor: Actor) -> int:
    """How many of the actor's notifications are unread (the bell of every page: a statement built
    once, run as Core; through the ORM it was a tenth of the inbox page's CPU)."""
    return core_connection().execute(_UNREAD, {"user_id": _me(actor)}).scalar()


def mark_read(actor: Actor, notification_id: int) -> Notification:
    """Mark one of the actor's notifications read (again: no change).

    Raises NotFoundError(`notification_not_found`) for anyone else's or an unknown id.
    """
    with transaction(actor):
        row = db.session.scalar(select(Notification).where(
            Notification.id == notification_id, Notification.user_id == _me(actor)))
        if row is None:
            raise NotFoundError("没有找到该消息。", code="notification_not_found")
        if row.read_at is None:
            row.read_at = wallclock.now()
    return row


def _me(actor: Actor) -> int:
    return actor.user_id if actor.user_id is not None else -1
