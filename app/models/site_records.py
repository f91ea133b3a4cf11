"""Supervising engineers' records (监理日常监管, seed 000 §3.1.6.2.6): the daily supervision log
(监理日志), side-station records (旁站记录) of key processes and parallel inspection records
(平行检验记录), written online by the project's supervisors and reviewed by the chief
supervisor (approved, or returned with a reason, revised and submitted again).

One table for the three kinds: they share author, date, number and review; what each kind
records is in `content` (checked by app/services/site_records/fields.py).
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models._base import JSONType, UTCDateTime, utcnow

RECORD_KINDS = {"log": "监理日志", "side_station": "旁站记录", "parallel_inspection": "平行检验记录"}
RECORD_STATUSES = {"submitted": "待审核", "returned": "已退回", "approved": "已审核"}


class SupervisionRecord(db.Model):
    __tablename__ = "supervision_record"
    __table_args__ = (UniqueConstraint("number", name="uq_supervision_record_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(24))
    number: Mapped[str] = mapped_column(String(48))
    record_date: Mapped[date] = mapped_column(Date, index=True)
    content: Mapped[dict] = mapped_column(JSONType)
    status: Mapped[str] = mapped_column(String(16), default="submitted")
    author: Mapped[str] = mapped_column(String(64))
    author_name: Mapped[str] = mapped_column(String(100))
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    revisions: Mapped[int] = mapped_column(Integer, default=0)
    reviewer: Mapped[str | None] = mapped_column(String(64))
    reviewer_name: Mapped[str | None] = mapped_column(String(100))
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    review_opinion: Mapped[str | None] = mapped_column(String(500))
    document_id: Mapped[int | None] = mapped_column(ForeignKey("issued_document.id"))

    project = relationship("Project")
    files = relationship("SupervisionRecordFile", order_by="SupervisionRecordFile.id", cascade="all, delete-orphan",
                         passive_deletes=True)


class SupervisionRecordFile(db.Model):
    """A file attached to a supervision log or side-station record (photos, scans): stored in
    the content-addressed file store by its sha256 (app/infra/file_store.py), so the backups of
    the stored files carry it."""
    __tablename__ = "supervision_record_file"

    id: Mapped[int] = mapped_column(primary_key=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("supervision_record.id", ondelete="CASCADE"), index=True)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    uploaded_by: Mapped[str] = mapped_column(String(64))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class SupervisionLogReminder(db.Model):
    """A missing-log warning reminder: raised at most once per project and China day."""
    __tablename__ = "supervision_log_reminder"
    __table_args__ = (UniqueConstraint("project_id", "day", name="uq_supervision_log_reminder_day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"), index=True)
    day: Mapped[date] = mapped_column(Date)
    last_log_date: Mapped[date | None] = mapped_column(Date)
    missing_days: Mapped[int] = mapped_column(Integer)
    told: Mapped[int] = mapped_column(Integer)
    message: Mapped[str] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    project = relationship("Project")
