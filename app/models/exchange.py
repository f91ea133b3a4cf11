"""The change feed the upper platforms read (issue 18): one row per record created, changed or
deleted, written in the transaction of the change (app/infra/change_feed.py).

Order without gaps: on PostgreSQL ids are taken before commit, so id order is not commit order;
each row keeps the id of the transaction that wrote it (``xact_id``) and readers take only rows
of transactions older than every one still running (app/services/exchange/feed_reads.py). SQLite
has one writer at a time, so ``xact_id`` is 0 there and id order is commit order.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models._base import ScopedTokenColumns, UTCDateTime, utcnow

FEED_ACTIONS = ("created", "changed", "deleted")
# The exchanged record types (seed 001, 6.2.4), named like their XSD (app/api/xml_schemas.py).
FEED_RECORD_TYPES = ("project", "hazardous_work", "alarm", "case", "order", "document")


class ChangeFeedEntry(db.Model):
    __tablename__ = "change_feed"
    __table_args__ = (Index("ix_change_feed_position", "xact_id", "id"),
                      {"sqlite_autoincrement": True})  # never reuse an id: it is a position

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    xact_id: Mapped[int] = mapped_column(BigInteger, default=0)
    record_type: Mapped[str] = mapped_column(String(24))
    record_id: Mapped[int] = mapped_column(BigInteger)
    action: Mapped[str] = mapped_column(String(8))
    # The project the record belongs to when it changed (a project: itself); the feed is scoped
    # through it at read time. No foreign key: a deleted project keeps its entries.
    project_id: Mapped[int | None] = mapped_column(Integer, index=True)
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ExchangeAccount(ScopedTokenColumns, db.Model):
    """One upper platform (a provincial or city platform) that reads SiteCase's records.

    Its scope is an org unit and everything below it; it reads only (the feed and the public
    GETs). Only the SHA-256 of its token is stored, the token is shown once; a revoked account
    (revoked_at set) opens nothing from the next request on.
    """

    __tablename__ = "exchange_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)

    org_unit = relationship("OrgUnit")
