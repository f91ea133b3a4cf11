"""Account care: users change their own password; admins reset, lock out, unlock and take roles.

A password chosen by somebody else (an admin's initial or reset password, the accounts a project
registration creates) must be changed by its owner: ``password_change_required`` is set and the
web sends the user to the change form first. Changing or resetting a password, and deactivating
an account, end every web session (the auth epoch moves on) and revoke every API token of the
account at once; reactivating revives none of them. Every write is audited (the flush listener).
"""
from __future__ import annotations

import secrets
import string
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select, update

from app.errors import ConflictError, NotFoundError, ValidationError
from app.extensions import db
from app.infra import audit_trail
from app.infra.uow import transaction
from app.models import ApiToken, RoleGrant, User
from app.services.access import lockout, login
from app.services.access.actors import Actor
from app.services.access.passwords import hash_password, verify_password
from app.services.access.permissions import require_any_role

MIN_LENGTH = 8
CLASSES = (string.ascii_lowercase, string.ascii_uppercase, string.digits)
POLICY = "密码至少8位，且须包含大写字母、小写字母、数字、符号中的至少三类，不能与用户名相同。"


def password_problem(password: str, username: str) -> str | None:
    """Why ``password`` is too weak for ``username`` (None when it is fine)."""
    if len(password) < MIN_LENGTH or len(password) > 256:
        return POLICY
    kinds = sum(any(c in chars for c in password) for chars in CLASSES)
    kinds += any(not c.isalnum() for c in password)
    if kinds < 3 or password.lower() == username.lower():
        return POLICY
    return None


def generate_password() -> str:
    """A one-time password that passes the policy (12 characters, all four classes)."""
    alphabet = string.ascii_letters + string.digits + "#@%+=-"
    while True:
        candidate = "".join(secrets.choice(alphabet) for _ in range(12))
        if all(any(c in chars for c in candidate) for chars in (*CLASSES, "#@%+=-")):
            return candidate


def change_own_password(actor: Actor, current: str, new: str) -> None:
    """Raises ValidationError with fields ``current_password`` / ``new_password``.

    A wrong current password is audited (committed) before the refusal is raised.
    """
    with transaction(actor):
        refusal = _change(actor, current, new)
    if refusal is not None:
        raise refusal


def _change(actor: Actor, current: str, new: str) -> ValidationError | None:
    user = db.session.get(User, actor.user_id)
    if user is None or not user.is_active:
        raise NotFoundError(code="user_not_found")
    if not verify_password(user.password_hash, current):
        audit_trail.record(actor, "password_change_failed", success=False, entity_type="user_account",
                     entity_id=str(user.id))
        return ValidationError("当前密码不正确。", fields={"current_password": ["当前密码不正确。"]})
    problem = password_problem(new, user.username)
    if problem is None and new == current:
        problem = "新密码不能与当前密码相同。"
    if problem:
        return ValidationError(problem, fields={"new_password": [problem]})
    _set_password(user, new, change_required=False)
    audit_trail.record(actor, "password_changed", entity_type="user_account", entity_id=str(user.id))
    return None


def reset_password(actor: Actor, user_id: int) -> str:
    """A new one-time password for the user (shown once), which he must change; unlocks him."""
    require_any_role(actor, "sys_admin")
    password = generate_password()
    with transaction(actor):
        user = _user(user_id)
        _set_password(user, password, change_required=True)
        _unlock(user)
    return password


def set_active(actor: Actor, user_id: int, active: bool) -> User:
    """Deactivate (no login, tokens revoked, sessions end) or reactivate an account."""
    require_any_role(actor, "sys_admin")
    if user_id == actor.user_id and not active:
        raise ConflictError("不能停用自己的账号。", code="cannot_deactivate_self")
    with transaction(actor):
        user = _user(user_id)
        user.is_active = active
        if not active:
            _end_sessions(user)
    return user


def unlock(actor: Actor, user_id: int) -> User:
    """End a lock: the account-wide one and the back-off of every source address."""
    require_any_role(actor, "sys_admin")
    with transaction(actor):
        user = _user(user_id)
        _unlock(user)
    return user


def revoke_role(actor: Actor, user_id: int, grant_id: int) -> None:
    require_any_role(actor, "sys_admin")
    with transaction(actor):
        grant = db.session.get(RoleGrant, grant_id)
        if grant is None or grant.user_id != user_id:
            raise NotFoundError("没有找到该角色授权。", code="grant_not_found")
        if grant.user_id == actor.user_id and grant.role_code == "sys_admin":
            raise ConflictError("不能撤销自己的系统管理员角色。", code="cannot_revoke_own_admin")
        db.session.delete(grant)


@dataclass(frozen=True)
class AccountView:
    user: User
    grants: list[RoleGrant]
    locked: bool


def account(actor: Actor, user_id: int) -> AccountView:
    require_any_role(actor, "sys_admin")
    user = _user(user_id)
    grants = list(db.session.scalars(select(RoleGrant).where(RoleGrant.user_id == user.id).order_by(RoleGrant.id)))
    now = datetime.now(UTC)
    locked = login.is_locked(user, now) or lockout.any_blocked(user.username, now)
    return AccountView(user, grants, locked)


def _user(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFoundError("没有找到该用户。", code="user_not_found")
    return user


def _set_password(user: User, password: str, *, change_required: bool) -> None:
    user.password_hash = hash_password(password)
    user.password_change_required = change_required
    _end_sessions(user)


def _end_sessions(user: User) -> None:
    """Every web session (older epoch) and every API token of the account stops working."""
    user.auth_epoch = (user.auth_epoch or 0) + 1
    db.session.execute(update(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked.is_(False))
                       .values(revoked=True))


def _unlock(user: User) -> None:
    user.locked_until = None
    lockout.forget_all(user.username)
