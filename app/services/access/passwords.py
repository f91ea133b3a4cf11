"""argon2 password hashing with costs from configuration."""
from __future__ import annotations

import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from app import settings


def _hasher() -> PasswordHasher:
    cfg = settings.current()
    return PasswordHasher(time_cost=cfg.argon2_time_cost, memory_cost=cfg.argon2_memory_cost)


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher().verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


_DUMMIES: dict[tuple[int, int], str] = {}


def dummy_hash() -> str:
    """A hash of nobody's password at the configured cost: checking a login of an unknown user
    against it takes as long as checking a real account, so the time tells nothing."""
    cfg = settings.current()
    key = (cfg.argon2_time_cost, cfg.argon2_memory_cost)
    if key not in _DUMMIES:
        _DUMMIES[key] = hash_password(secrets.token_urlsafe(16))
    return _DUMMIES[key]
