"""Exchange accounts: one per upper platform, with its own token and a scope (an org unit and
everything below it), read-only.

An administrator creates an account (page or `flask exchange create`); the token is shown once
and only its SHA-256 is kept. A request with ``Authorization: Exchange <token>`` becomes a reader
of the account's scope (the read-only authority role of the command-centre wall) that the API
lets call only the feed and the GETs of the exchanged records (app/api/exchange_auth.py).
Revocation is immediate: every request looks the token up again.
"""
from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.domain.actors import SYSTEM, Actor, Grant
from app.errors import AuthenticationError, ConflictError, NotFoundError, ValidationError
from app.extensions import db
from app.infra import wallclock
from app.infra.uow import transaction
from app.models import ExchangeAccount, OrgUnit
from app.services.access.permissions import require_any_role

READER_ROLE = "auditor"  # an authority role that changes nothing; the API narrows it further
USERNAME_PREFIX = "exchange:"
LAST_USED_STEP = timedelta(minutes=5)


class ExchangeTokenInvalid(AuthenticationError):
    """交换账号令牌无效或已撤销。"""
    code = "exchange_token_invalid"


def require_admin(actor: Actor) -> None:
    """Raise PermissionDeniedError unless an administrator (or the CLI, as SYSTEM) asks."""
    if actor is not SYSTEM:  # SYSTEM: the operator's `flask exchange` commands
        require_any_role(actor, "sys_admin")


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_account(actor: Actor, name: str, unit_code: str) -> tuple[ExchangeAccount, str]:
    """A new account scoped to the org unit `unit_code`: (its row, the plain token, shown once).

    Raises PermissionDeniedError (admins and the CLI only), ValidationError(`exchange_name_required`),
    NotFoundError(`org_unit_not_found`), ConflictError(`exchange_name_taken`).
    """
    require_admin(actor)
    name = (name or "").strip()
    if not name or len(name) > 100:
        raise ValidationError("请填写平台名称（100 字以内）。", code="exchange_name_required",
                              fields={"name": ["请填写平台名称（100 字以内）。"]})
    token = "sx_" + secrets.token_urlsafe(32)
    try:
        with transaction(actor):
            unit = db.session.scalar(select(OrgUnit).where(OrgUnit.code == (unit_code or "").strip()))
            if unit is None:
                raise NotFoundError("没有找到该单位。", code="org_unit_not_found")
            row = ExchangeAccount(name=name, org_unit_id=unit.id, token_sha256=_digest(token),
                                  created_by=actor.username, created_at=wallclock.now())
            db.session.add(row)
    except IntegrityError:
        raise ConflictError("已有同名的交换账号。", code="exchange_name_taken") from None
    return row, token


def revoke_account(actor: Actor, account_id: int) -> ExchangeAccount:
    """Revoke an account (idempotent); its token opens nothing from the next request on.

    Raises PermissionDeniedError (admins and the CLI only), NotFoundError(`exchange_account_not_found`).
    """
    require_admin(actor)
    with transaction(actor):
        row = db.session.get(ExchangeAccount, account_id)
        if row is None:
            raise NotFoundError("没有找到该交换账号。", code="exchange_account_not_found")
        row.revoked_at = row.revoked_at or wallclock.now()
    return row


def list_accounts(actor: Actor) -> list[ExchangeAccount]:
    """Every exchange account, newest last. Raises PermissionDeniedError (admins and the CLI only)."""
    require_admin(actor)
    return list(db.session.scalars(select(ExchangeAccount).order_by(ExchangeAccount.id)))


def actor_for_token(token: str | None, ip: str | None = None) -> Actor:
    """The reader of the account holding `token`. Raises ExchangeTokenInvalid (also when revoked)."""
    digest = _digest(token or "")
    with transaction():
        row = db.session.scalar(select(ExchangeAccount).where(
            ExchangeAccount.token_sha256 == digest, ExchangeAccount.revoked_at.is_(None)))
        if row is None or not token or not hmac.compare_digest(row.token_sha256, digest):
            raise ExchangeTokenInvalid()
        now = wallclock.now()
        if row.last_used_at is None or now - row.last_used_at > LAST_USED_STEP:
            row.last_used_at = now  # not on every request: each write is an audit row
        return actor_of(row, ip)


def actor_of(row: ExchangeAccount, ip: str | None = None) -> Actor:
    """The read-only actor of an account's scope (its requests, its webhook deliveries)."""
    unit = row.org_unit
    return Actor(user_id=None, username=f"{USERNAME_PREFIX}{row.id}", display_name=row.name, ip=ip,
                 org_unit_id=unit.id, grants=(Grant(READER_ROLE, org_unit_id=unit.id, org_path=unit.path),))


def is_exchange_actor(actor: Actor) -> bool:
    return actor.user_id is None and actor.username.startswith(USERNAME_PREFIX)
