"""Logging in: passwords, lockout after repeated failures, API bearer tokens."""
from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from flask import current_app
from sqlalchemy import select

from app.errors import AuthenticationError, DomainError
from app.extensions import db
from app.models import ApiToken, User
from app.services import audit
from app.services.actors import Actor, actor_for
from app.services.passwords import verify_password
from app.services.uow import transaction


class AccountLockedError(DomainError):
    """账号因多次登录失败已被锁定，请稍后再试。"""
    code = "account_locked"
    status = 423


class LoginFailedError(AuthenticationError):
    """用户名或密码错误。"""
    code = "login_failed"


@dataclass(frozen=True)
class IssuedToken:
    token: str
    expires_at: datetime


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def authenticate(username: str, password: str, ip: str | None) -> Actor:
    """Check a password; count failures and lock the account after the configured number.

    Raises LoginFailedError (unknown user or wrong password) or AccountLockedError. The
    attempt is audited and committed either way, so a refusal still counts and is recorded.
    """
    user = db.session.scalar(select(User).where(User.username == username))
    attempt = Actor(user_id=user.id if user else None, username=username, ip=ip)
    with transaction(attempt):
        outcome = _check_login(user, password, attempt)
    if isinstance(outcome, DomainError):
        raise outcome
    return outcome


def _check_login(user: User | None, password: str, attempt: Actor) -> Actor | DomainError:
    cfg = current_app.config
    now = datetime.now(UTC)
    if user is None or not user.is_active:
        audit.record(attempt, "login_failed", success=False)
        return LoginFailedError()
    if user.locked_until and user.locked_until > now:
        audit.record(attempt, "login_refused_locked", success=False)
        return AccountLockedError()
    if not verify_password(user.password_hash, password):
        user.failed_logins += 1
        audit.record(attempt, "login_failed", success=False)
        if user.failed_logins < cfg["LOGIN_MAX_FAILURES"]:
            return LoginFailedError()
        user.locked_until = now + timedelta(minutes=cfg["LOGIN_LOCK_MINUTES"])
        user.failed_logins = 0
        audit.record(attempt, "account_locked", success=False, entity_type="user_account",
                     entity_id=str(user.id))
        return AccountLockedError()
    user.failed_logins = 0
    user.locked_until = None
    user.last_login_at = now
    actor = actor_for(user, attempt.ip)
    audit.record(actor, "login")
    return actor


def issue_token(actor: Actor) -> IssuedToken:
    """Create a bearer token for an authenticated actor; only its sha256 is stored."""
    token = secrets.token_urlsafe(32)
    expires = datetime.now(UTC) + timedelta(hours=current_app.config["TOKEN_TTL_HOURS"])
    with transaction(actor):
        db.session.add(ApiToken(user_id=actor.user_id, token_sha256=_sha256(token), expires_at=expires))
    return IssuedToken(token=token, expires_at=expires)


def actor_for_token(token: str, ip: str | None) -> Actor:
    """Resolve a bearer token. Raises AuthenticationError when unknown, expired or revoked."""
    row = db.session.scalar(select(ApiToken).where(ApiToken.token_sha256 == _sha256(token)))
    if row is None or row.revoked or row.expires_at <= datetime.now(UTC) or not row.user.is_active:
        raise AuthenticationError("令牌无效或已过期。", code="token_invalid")
    return actor_for(row.user, ip)


def password_change_required(actor: Actor) -> bool:
    """Whether the actor must still replace a password somebody else chose for him."""
    user = db.session.get(User, actor.user_id) if actor.user_id else None
    return bool(user and user.password_change_required)


def actor_for_user_id(user_id: int, ip: str | None) -> Actor | None:
    """Resolve a web session's user id (None when the user is gone or disabled)."""
    user = db.session.get(User, user_id)
    if user is None or not user.is_active:
        return None
    return actor_for(user, ip)


def load_user(user_id: str) -> User | None:
    """Flask-Login's user loader."""
    try:
        user = db.session.get(User, int(user_id))
    except ValueError:
        return None
    return user if user and user.is_active else None
