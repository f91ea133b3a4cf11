"""argon2 password hashing with costs from configuration."""
from __future__ import annotations

import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app


def _hasher() -> PasswordHasher:
    cfg = current_app.config
    return PasswordHasher(time_cost=cfg["ARGON2_TIME_COST"], memory_cost=cfg["ARGON2_MEMORY_COST"])


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
    cfg = current_app.config
    key = (cfg["ARGON2_TIME_COST"], cfg["ARGON2_MEMORY_COST"])
    if key not in _DUMMIES:
        _DUMMIES[key] = hash_password(secrets.token_urlsafe(16))
    return _DUMMIES[key]
