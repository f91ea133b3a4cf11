"""Secrets SiteCase must read back (webhook signing keys), kept encrypted at rest: Fernet
(AES-128-CBC + HMAC-SHA256, from `cryptography`) with the keys of WEBHOOK_SECRET_KEYS (checked
at start-up by app/settings.py).

The first key encrypts; every key decrypts, so a rotation puts the new key first and keeps the
old ones until `flask webhooks reseal` has re-encrypted every stored secret with the new one.
A stored value is ``fernet:<token>``, so a clear value (from before migration 0025) is never
taken for a sealed one. The database and its backups hold only the sealed form.
"""
from __future__ import annotations

from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

from app import settings
from app.errors import DomainError

PREFIX = "fernet:"


class SecretUnreadableError(DomainError):
    """密钥无法解密（加密密钥已更换或缺失）。"""
    code = "secret_unreadable"


@lru_cache(maxsize=8)
def _box(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(key.encode()) for key in keys])


def _keys() -> tuple[str, ...]:
    return settings.current().webhook_secret_keys


def is_sealed(value: str) -> bool:
    return value.startswith(PREFIX)


def seal(plain: str, keys: tuple[str, ...] | None = None) -> str:
    """`plain` encrypted with the first key, as stored."""
    return PREFIX + _box(keys or _keys()).encrypt(plain.encode()).decode()


def unseal(stored: str, keys: tuple[str, ...] | None = None) -> str:
    """The clear value of a sealed one. Raises SecretUnreadableError (no key opens it, or not sealed)."""
    if not is_sealed(stored):
        raise SecretUnreadableError()
    try:
        return _box(keys or _keys()).decrypt(stored[len(PREFIX):].encode()).decode()
    except InvalidToken:
        raise SecretUnreadableError() from None


def reseal(stored: str, keys: tuple[str, ...] | None = None) -> str:
    """A sealed value re-encrypted with the first key (a clear one sealed). Raises SecretUnreadableError."""
    if not is_sealed(stored):
        return seal(stored, keys)
    try:
        return PREFIX + _box(keys or _keys()).rotate(stored[len(PREFIX):].encode()).decode()
    except InvalidToken:
        raise SecretUnreadableError() from None
