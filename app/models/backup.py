"""Backups of the whole system (database + stored files) and the monthly archives of the audit log."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models._base import JSONType, UTCDateTime, utcnow

BACKUP_KINDS = ("manual", "scheduled")


class BackupArchive(db.Model):
    """One archive file written by `flask backup create` or the scheduled backup."""

    __tablename__ = "backup_archive"

    id: Mapped[int] = mapped_column(primary_key=True)
    filename: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(20), default="manual")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    size_bytes: Mapped[int] = mapped_column(BigInteger, default=0)
    sha256: Mapped[str] = mapped_column(String(64))
    table_rows: Mapped[int] = mapped_column(BigInteger, default=0)
    file_count: Mapped[int] = mapped_column(Integer, default=0)
    counts: Mapped[dict | None] = mapped_column(JSONType)
    # Verification: the archive read back and every part's sha256 checked against the manifest.
    verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    verified_ok: Mapped[bool | None] = mapped_column(Boolean)
    verify_error: Mapped[str | None] = mapped_column(String(60))
    # Retention removed the file (the row stays as the history of what existed).
    pruned_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class AuditArchive(db.Model):
    """A month of the audit log written to a signed file, verified, then removed from the table.

    The database lets a row of audit_log be deleted only when a verified archive covers it
    (the triggers in app/models/audit.py): this row is that permission.
    """

    __tablename__ = "audit_archive"

    id: Mapped[int] = mapped_column(primary_key=True)
    month: Mapped[str] = mapped_column(String(7), unique=True)
    period_start: Mapped[datetime] = mapped_column(UTCDateTime())
    period_end: Mapped[datetime] = mapped_column(UTCDateTime())
    first_id: Mapped[int] = mapped_column(BigInteger)
    last_id: Mapped[int] = mapped_column(BigInteger)
    row_count: Mapped[int] = mapped_column(Integer)
    filename: Mapped[str] = mapped_column(String(200))
    sha256: Mapped[str] = mapped_column(String(64))
    signature: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    created_by: Mapped[str | None] = mapped_column(String(64))
    verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
