"""Safety education (安全教育, seed 000 §3.1.4.3.1): the workers of a project's site roster, the
education and training sessions held for them (三级安全教育: company, project and team level;
pre-shift and special trainings) and each attendee's exam result.

A worker is "educated" once he has passed each of the three entry levels on his project; the
ledger lists the others. Reminders are raised once per key (`EducationReminder.key`).
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models._base import UTCDateTime, utcnow

EDUCATION_KINDS = {"company": "公司级安全教育", "project": "项目级安全教育", "team": "班组级安全教育",
                   "pre_shift": "班前教育", "special": "专题教育"}
ENTRY_LEVELS = ("company", "project", "team")  # 三级安全教育: every worker passes all three
PASS_MARK = 60


class SiteWorker(db.Model):
    """A worker on a project's site roster (实名制): the roster education is checked against."""

    __tablename__ = "site_worker"
    __table_args__ = (UniqueConstraint("project_id", "id_card_sha256", name="uq_site_worker_project_card"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id"), index=True)
    name: Mapped[str] = mapped_column(String(50))
    # The ID card number is never stored: a keyed hash finds a worker entered twice, the masked
    # form (4101**********1234) tells people apart (access.id_numbers, as for experts).
    id_card_sha256: Mapped[str] = mapped_column(String(64))
    id_card_masked: Mapped[str] = mapped_column(String(18))
    trade: Mapped[str] = mapped_column(String(32))
    team: Mapped[str] = mapped_column(String(100))  # 班组 / employing unit
    entered_on: Mapped[date] = mapped_column(Date)
    left_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    project = relationship("Project")


class EducationSession(db.Model):
    __tablename__ = "education_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    held_on: Mapped[date] = mapped_column(Date, index=True)
    topic: Mapped[str] = mapped_column(String(200))
    trainer: Mapped[str] = mapped_column(String(50))
    hours: Mapped[int] = mapped_column(Integer)  # class hours (学时)
    content: Mapped[str] = mapped_column(String(2000), default="")
    recorded_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    project = relationship("Project")
    attendance: Mapped[list[EducationAttendance]] = relationship(
        back_populates="session", order_by="EducationAttendance.id", cascade="all, delete-orphan")


class EducationAttendance(db.Model):
    __tablename__ = "education_attendance"
    __table_args__ = (UniqueConstraint("session_id", "worker_id", name="uq_education_attendance_worker"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("education_session.id", ondelete="CASCADE"), index=True)
    worker_id: Mapped[int] = mapped_column(ForeignKey("site_worker.id"), index=True)
    score: Mapped[int | None] = mapped_column(Integer)  # exam score 0–100; None: no exam
    passed: Mapped[bool] = mapped_column(Boolean)

    session: Mapped[EducationSession] = relationship(back_populates="attendance")
    worker: Mapped[SiteWorker] = relationship()


class EducationReminder(db.Model):
    """A warning reminder raised once (`key`), e.g. a project without education for 30 days."""

    __tablename__ = "education_reminder"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id"), index=True)
    key: Mapped[str] = mapped_column(String(100), unique=True)
    message: Mapped[str] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    project = relationship("Project")
