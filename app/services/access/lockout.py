"""Back-off after failed logins, per (username as typed, source address).

An anonymous client that guesses passwords blocks only itself: the account stays open from
every other address. Each failure past the limit doubles the wait (capped), so guessing slows
down without anyone being able to lock an account forever. A success from that address, or an
administrator's unlock, forgets the failures.
"""
from __future__ import annotations

import math
from datetime import datetime, timedelta

from sqlalchemy import delete, select

from app import settings
from app.extensions import db
from app.models import LoginThrottle

NO_ADDRESS = "-"


def _key(username: str, ip: str | None) -> tuple[str, str]:
    return username[:64], (ip or NO_ADDRESS)[:45]


def _row(username: str, ip: str | None) -> LoginThrottle | None:
    name, address = _key(username, ip)
    return db.session.scalar(select(LoginThrottle).where(LoginThrottle.username == name,
                                                         LoginThrottle.ip == address))


def _minutes_left(until: datetime | None, now: datetime) -> int:
    return math.ceil((until - now).total_seconds() / 60) if until and until > now else 0


def blocked_minutes(username: str, ip: str | None, now: datetime) -> int:
    """Minutes (rounded up) this source must still wait before it may try ``username`` again."""
    row = _row(username, ip)
    return _minutes_left(row.blocked_until if row else None, now)


def record_failure(username: str, ip: str | None, now: datetime) -> int:
    """Count a failed attempt; the minutes of the block it starts (0 while under the limit)."""
    cfg = settings.current()
    row = _row(username, ip)
    if row is None:
        name, address = _key(username, ip)
        row = LoginThrottle(username=name, ip=address, failures=0)
        db.session.add(row)
    row.failures += 1
    row.last_failure_at = now
    beyond = row.failures - cfg.login_max_failures
    if beyond < 0:
        return 0
    minutes = min(cfg.login_lock_minutes * 2 ** min(beyond, 20), cfg.login_lock_max_minutes)
    row.blocked_until = now + timedelta(minutes=minutes)
    return minutes


def forget_source(username: str, ip: str | None) -> None:
    """Forget the failures of ``username`` from one source (after a successful login there)."""
    name, address = _key(username, ip)
    db.session.execute(delete(LoginThrottle).where(LoginThrottle.username == name,
                                                   LoginThrottle.ip == address))


def forget_all(username: str) -> None:
    """Forget the failures of ``username`` from every source (an administrator's unlock)."""
    db.session.execute(delete(LoginThrottle).where(LoginThrottle.username == username[:64]))


def any_blocked(username: str, now: datetime) -> bool:
    """Whether some source is currently blocked from ``username`` (shown to administrators)."""
    return db.session.scalar(select(LoginThrottle.id).where(
        LoginThrottle.username == username[:64], LoginThrottle.blocked_until > now).limit(1)) is not None
