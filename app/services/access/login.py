"""Logging in: passwords, back-off after repeated failures, API bearer tokens, web sessions."""
from __future__ import annotations

import hashlib
import math
import secrets
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import ClassVar

from sqlalchemy import Row, select

from app import settings
from app.errors import AuthenticationError, DomainError
from app.extensions import db
from app.infra import audit_trail
from app.infra.uow import transaction
from app.models import ApiToken, User
from app.services.access import lockout
from app.services.access.actor_cache import VersionedCache
from app.services.access.actors import Actor, actor_for, actor_of
from app.services.access.passwords import dummy_hash, verify_password


class AccountLockedError(DomainError):
    """登录失败次数过多，请稍后再试或联系管理员解锁。"""
    code = "account_locked"

    def __init__(self, minutes: int):
        super().__init__(f"登录失败次数过多，请{minutes}分钟后再试，或联系系统管理员解锁。"
                         f" Too many failed logins: wait {minutes} minutes or ask an administrator.")
        self.minutes = minutes


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
    """Check a password; failures back off per (username, source address).

    Raises LoginFailedError (unknown user, disabled account or wrong password: one answer, one
    cost) or AccountLockedError (this source must wait, or an administrator locked the account
    and the password was right). The attempt is audited and committed either way.
    """
    user = db.session.scalar(select(User).where(User.username == username))
    attempt = Actor(user_id=user.id if user else None, username=username, ip=ip)
    with transaction(attempt):
        outcome = _check_login(user, username, password, attempt)
    if isinstance(outcome, DomainError):
        raise outcome
    return outcome


def _check_login(user: User | None, username: str, password: str, attempt: Actor) -> Actor | DomainError:
    now = datetime.now(UTC)
    wait = lockout.blocked_minutes(username, attempt.ip, now)
    if wait:
        audit_trail.record(attempt, "login_refused_locked", success=False)
        return AccountLockedError(wait)
    # Unknown names are checked against a dummy hash: same cost, same answer as a wrong password.
    matches = verify_password(user.password_hash if user else dummy_hash(), password)
    if user is None or not user.is_active or not matches:
        # No write to the user row: a known name must cost what an unknown one does.
        audit_trail.record(attempt, "login_failed", success=False)
        blocked = lockout.record_failure(username, attempt.ip, now)
        if not blocked:
            return LoginFailedError()
        audit_trail.record(attempt, "account_locked", success=False, entity_type="login_throttle",
                     after={"minutes": blocked})
        return AccountLockedError(blocked)
    if is_locked(user, now):  # told only to whoever holds the right password
        audit_trail.record(attempt, "login_refused_locked", success=False)
        return AccountLockedError(math.ceil((user.locked_until - now).total_seconds() / 60))
    lockout.forget_source(username, attempt.ip)
    user.last_login_at = now
    actor = actor_for(user, attempt.ip)
    audit_trail.record(actor, "login")
    return actor


def is_locked(user: User | SessionUser, now: datetime | None = None) -> bool:
    """Whether an administrator's account-wide lock holds."""
    return bool(user.locked_until and user.locked_until > (now or datetime.now(UTC)))


def issue_token(actor: Actor) -> IssuedToken:
    """Create a bearer token for an authenticated actor; only its sha256 is stored."""
    token = secrets.token_urlsafe(32)
    expires = datetime.now(UTC) + timedelta(hours=settings.current().token_ttl_hours)
    with transaction(actor):
        db.session.add(ApiToken(user_id=actor.user_id, token_sha256=_sha256(token), expires_at=expires))
    return IssuedToken(token=token, expires_at=expires)


def actor_for_token(token: str, ip: str | None) -> Actor:
    """Resolve a bearer token. Raises AuthenticationError when unknown, expired or revoked.

    Served from this process's cache when the account's access version is unchanged (one
    primary-key read; see actor_cache): a revocation holds on the very next request.
    """
    sha = _sha256(token)
    state = _tokens.get(sha)
    if state is None:
        row = db.session.execute(select(ApiToken.revoked, ApiToken.expires_at, *_USER_COLUMNS)
                                 .join(User, User.id == ApiToken.user_id)
                                 .where(ApiToken.token_sha256 == sha)).first()
        if row is not None and not row.revoked and row.is_active:
            state = _TokenState(row.expires_at, _session_user_of(row))
            _tokens.put(sha, row.id, row.access_version, state)
    if state is None or state.expires_at <= datetime.now(UTC) or is_locked(state.user):
        raise AuthenticationError("令牌无效或已过期。", code="token_invalid")
    return replace(state.user.actor, ip=ip)


def password_change_required(actor: Actor) -> bool:
    """Whether the actor must still replace a password somebody else chose for him."""
    user = db.session.get(User, actor.user_id) if actor.user_id else None
    return bool(user and user.password_change_required)


def actor_for_user_id(user_id: int, ip: str | None) -> Actor | None:
    """Resolve a web session's user id (None when the user is gone, disabled or locked)."""
    user = _active_user(user_id)
    return replace(user.actor, ip=ip) if user else None


def session_actor(user: object, ip: str | None) -> Actor | None:
    """The actor of Flask-Login's current user: checked once this request already when
    load_user gave it (a SessionUser), else resolved by id (None when disabled or locked)."""
    if isinstance(user, SessionUser):
        return replace(user.actor, ip=ip)
    return actor_for_user_id(user.id, ip)


def session_user(user_id: int) -> User | None:
    """The user to open a web session for (its id carries the current auth epoch)."""
    user = db.session.get(User, user_id)
    return user if user and user.is_active else None


def load_user(session_id: str) -> SessionUser | None:
    """Flask-Login's user loader: ``"<user id>:<auth epoch>"``, as User.get_id wrote it.

    A session opened before the last password change, reset or deactivation names an older
    epoch and ends here; so does one of a locked account.
    """
    user_id, _, epoch = session_id.partition(":")
    if not (user_id.isascii() and user_id.isdigit() and epoch.isascii() and epoch.isdigit()) \
            or len(user_id) > 18:
        return None
    user = _active_user(int(user_id))
    if user is None or user.auth_epoch != int(epoch):
        return None
    return user


@dataclass(frozen=True)
class SessionUser:
    """What a session or a token needs of its account, kept across requests (Flask-Login's
    user protocol included: only active accounts become one)."""

    id: int
    display_name: str
    auth_epoch: int
    password_change_required: bool
    locked_until: datetime | None
    actor: Actor  # without an address: each request adds its own

    is_authenticated: ClassVar[bool] = True
    is_active: ClassVar[bool] = True
    is_anonymous: ClassVar[bool] = False

    def get_id(self) -> str:
        return f"{self.id}:{self.auth_epoch}"


@dataclass(frozen=True)
class _TokenState:
    expires_at: datetime
    user: SessionUser


# The version is read in the same statement as the columns (actor_cache's rule).
_USER_COLUMNS = (User.id, User.access_version, User.username, User.display_name, User.enterprise_id,
                 User.org_unit_id, User.is_active, User.locked_until, User.auth_epoch,
                 User.password_change_required)
_tokens: VersionedCache[_TokenState] = VersionedCache()
_users: VersionedCache[SessionUser] = VersionedCache()


def _session_user_of(row: Row) -> SessionUser:
    actor = actor_of(row.id, row.username, row.display_name, row.enterprise_id, row.org_unit_id)
    return SessionUser(row.id, row.display_name, row.auth_epoch or 0, bool(row.password_change_required),
                       row.locked_until, actor)


def _active_user(user_id: int) -> SessionUser | None:
    """The active, unlocked account `user_id` (cached while its access version stays)."""
    user = _users.get(user_id)
    if user is None:
        row = db.session.execute(select(*_USER_COLUMNS).where(User.id == user_id)).first()
        if row is None or not row.is_active:
            return None
        user = _session_user_of(row)
        _users.put(user_id, row.id, row.access_version, user)
    return None if is_locked(user) else user
