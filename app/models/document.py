"""Issued notices (监督文书) and the counters that number them.

Why a counter table: a notice number (``金建安整〔2026〕第0007号``) must never repeat or
skip per (issuing org unit, notice type, year). The counter row is incremented inside the
issuing transaction, so a rolled-back issue gives its number back and concurrent issuers
queue on the row lock (PostgreSQL) or the write lock (SQLite).
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models._base import JSONType, UTCDateTime, utcnow

DOCUMENT_STATUSES = ("pending", "rendered", "failed")


class IssuedDocument(db.Model):
    """One numbered notice: the frozen context it prints, and the PDF once rendered."""

    __tablename__ = "issued_document"
    __table_args__ = (UniqueConstraint("org_unit_id", "type_code", "year", "sequence",
                                       name="uq_issued_document_sequence"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[int | None] = mapped_column(ForeignKey("process_instance.id"), index=True)
    project_id: Mapped[int | None] = mapped_column(ForeignKey("project.id"), index=True)
    template: Mapped[str] = mapped_column(String(64))
    type_code: Mapped[str] = mapped_column(String(8))
    number: Mapped[str] = mapped_column(String(80), index=True)
    org_unit_id: Mapped[int] = mapped_column(ForeignKey("org_unit.id"), index=True)
    year: Mapped[int] = mapped_column(Integer)
    sequence: Mapped[int] = mapped_column(Integer)
    # The render context as issued: re-reading the project later must not change a notice.
    context: Mapped[dict] = mapped_column(JSONType, default=dict)
    verify_code: Mapped[str] = mapped_column(String(16), unique=True)
    status: Mapped[str] = mapped_column(String(16), default="pending", index=True)
    sha256: Mapped[str | None] = mapped_column(String(64))
    size: Mapped[int | None] = mapped_column(Integer)
    file_path: Mapped[str | None] = mapped_column(String(255))
    issued_by: Mapped[str | None] = mapped_column(String(64))
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    rendered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    error: Mapped[str | None] = mapped_column(Text)

    org_unit = relationship("OrgUnit")
    project = relationship("Project")
    instance = relationship("ProcessInstance")


class NoticeCounter(db.Model):
    """The last number taken per (org unit, notice type, year)."""

    __tablename__ = "notice_counter"

    org_unit_id: Mapped[int] = mapped_column(ForeignKey("org_unit.id"), primary_key=True)
    type_code: Mapped[str] = mapped_column(String(8), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    last_value: Mapped[int] = mapped_column(Integer, default=0)
