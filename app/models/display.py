"""Display tokens of the command-centre wall (big-screen mode): read-only, one jurisdiction each.

Only the SHA-256 of a token is stored; the token itself is shown once when it is issued
(`flask display issue`). A revoked token (revoked_at set) opens nothing.
"""
from __future__ import annotations

from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models._base import ScopedTokenColumns


class DisplayToken(ScopedTokenColumns, db.Model):
    __tablename__ = "display_token"

    id: Mapped[int] = mapped_column(primary_key=True)

    org_unit = relationship("OrgUnit")
