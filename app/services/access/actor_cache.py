"""Per-process caches of what authentication resolves (token → actor, session → user), checked
against `user_account.access_version` on every use.

Why this is safe: the database gives that column a new random value in the transaction of any
change an entry depends on — a token revoked, the user disabled, locked, renamed, his password,
auth epoch or grants changed (triggers: app/models/access_triggers.py, whichever code or SQL made
the change). `get` reads the one value by primary key and drops an entry loaded under another,
so every worker process sees a revocation on its very next request. Loaders must read the
version in the same statement as the user's columns, and anything else (grants) after it: an
entry is then never older than the version it is filed under.
"""
from __future__ import annotations

import time
from collections.abc import Hashable
from dataclasses import dataclass
from typing import Generic, TypeVar

from sqlalchemy import bindparam, select

from app.extensions import db
from app.models import User

V = TypeVar("V")
TTL_S = 60.0  # short: an entry is re-read from the tables at least this often anyway
MAX_ENTRIES = 20_000


@dataclass(frozen=True)
class _Entry(Generic[V]):
    user_id: int
    version: int
    value: V
    loaded_at: float


_USERS = User.__table__
_VERSION = select(_USERS.c.access_version).where(_USERS.c.id == bindparam("user_id"))


def current_version(user_id: int) -> int | None:
    """The account's access version now (None when it no longer exists)."""
    # On the session's connection (its transaction) but as Core: the ORM's execution of a
    # one-column read cost seven times the read itself, on every authenticated request.
    return db.session.connection().execute(_VERSION, {"user_id": user_id}).scalar()


class VersionedCache(Generic[V]):
    """Values derived from one account's rows, valid while its access version stays."""

    def __init__(self, ttl_s: float = TTL_S, max_entries: int = MAX_ENTRIES) -> None:
        self.ttl_s, self.max_entries = ttl_s, max_entries
        self._entries: dict[Hashable, _Entry[V]] = {}

    def get(self, key: Hashable) -> V | None:
        """The cached value if its account's version is unchanged (one primary-key read)."""
        entry = self._entries.get(key)
        if entry is None:
            return None
        if (time.monotonic() - entry.loaded_at > self.ttl_s
                or current_version(entry.user_id) != entry.version):
            self._entries.pop(key, None)
            return None
        return entry.value

    def put(self, key: Hashable, user_id: int, version: int, value: V) -> None:
        if len(self._entries) >= self.max_entries:
            self._entries.clear()  # a crude bound: refilling costs one load per active client
        self._entries[key] = _Entry(user_id, version, value, time.monotonic())

    def clear(self) -> None:
        self._entries.clear()
