"""The command-centre wall (big-screen mode): display tokens and what a token may read.

A display token opens the command centre of one jurisdiction (an org unit: the city, a district)
without a login, read-only: the only thing it is ever turned into is a reader of that unit's
figures (`display_figures`), never a session. Tokens are issued and revoked by the operator
(`flask display issue|revoke|list`); only their SHA-256 is stored, and the plain token is
shown once.
"""
from __future__ import annotations

import hashlib
import hmac
import secrets

from sqlalchemy import select

from app.domain.actors import Actor, Grant
from app.errors import AuthenticationError, NotFoundError
from app.extensions import db
from app.infra import wallclock
from app.infra.uow import transaction
from app.models import DisplayToken, OrgUnit
from app.services.insight.command_centre import command_centre

READER_ROLE = "auditor"  # an authority role that changes nothing: the scope of the unit, read-only


# The wall's browser keeps its token in this HttpOnly cookie (set by /display?token=…), so the
# token leaves the address bar, the history and any Referer, and no script can read it.
COOKIE = "sitecase_display"
COOKIE_MAX_AGE = 366 * 24 * 3600  # a wall runs for months; revocation is server-side


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue(unit_code: str, name: str, created_by: str = "cli") -> tuple[DisplayToken, str]:
    """A new token for the org unit `unit_code`: (its row, the plain token, shown once).
    Raises NotFoundError(`org_unit_not_found`)."""
    token = secrets.token_urlsafe(32)
    with transaction():
        unit = db.session.scalar(select(OrgUnit).where(OrgUnit.code == unit_code))
        if unit is None:
            raise NotFoundError("没有找到该单位。", code="org_unit_not_found")
        row = DisplayToken(name=name[:100], org_unit_id=unit.id, token_sha256=_digest(token),
                           created_by=created_by, created_at=wallclock.now())
        db.session.add(row)
    return row, token


def revoke(token_id: int) -> None:
    """Revoke a token (idempotent). Raises NotFoundError(`display_token_not_found`)."""
    with transaction():
        row = db.session.get(DisplayToken, token_id)
        if row is None:
            raise NotFoundError("没有找到该显示令牌。", code="display_token_not_found")
        row.revoked_at = row.revoked_at or wallclock.now()


def list_tokens() -> list[DisplayToken]:
    return list(db.session.scalars(select(DisplayToken).order_by(DisplayToken.id)))


def _authenticate(token: str | None) -> tuple[DisplayToken, OrgUnit]:
    digest = _digest(token or "")
    row = db.session.scalar(select(DisplayToken).where(DisplayToken.token_sha256 == digest,
                                                       DisplayToken.revoked_at.is_(None)))
    if row is None or not token or not hmac.compare_digest(row.token_sha256, digest):
        raise AuthenticationError("显示令牌无效或已撤销。", code="display_token_invalid")
    return row, row.org_unit


def display_page(token: str | None) -> dict:
    """What the big-screen page shows around the figures. Raises AuthenticationError(`display_token_invalid`)."""
    row, unit = _authenticate(token)
    return {"name": row.name, "unit": unit.name}


def display_figures(token: str | None) -> dict:
    """The command-centre figures of the token's unit. Raises AuthenticationError(`display_token_invalid`)."""
    with transaction():
        row, unit = _authenticate(token)
        row.last_used_at = wallclock.now()
        reader = Actor(user_id=None, username=f"display:{row.id}", display_name=row.name,
                       grants=(Grant(READER_ROLE, org_unit_id=unit.id, org_path=unit.path),))
        figures = command_centre(reader)
    return {**figures, "display": {"name": row.name, "unit": unit.name}}
