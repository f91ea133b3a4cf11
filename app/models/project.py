"""Projects and their participants (the five responsible parties and others)."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models._base import UTCDateTime, utcnow

PROJECT_STATUSES = ("registered", "active", "suspended", "completed")


class Project(db.Model):
    __tablename__ = "project"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    district_id: Mapped[int] = mapped_column(ForeignKey("org_unit.id"), index=True)
    address: Mapped[str | None] = mapped_column(String(255))
    permit_no: Mapped[str | None] = mapped_column(String(64))
    supervision_no: Mapped[str | None] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16), default="registered")
    planned_start: Mapped[date | None] = mapped_column(Date)
    planned_end: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    district = relationship("OrgUnit")
    participants: Mapped[list[ProjectParticipant]] = relationship(
        back_populates="project", cascade="all, delete-orphan")


class ProjectParticipant(db.Model):
    __tablename__ = "project_participant"
    __table_args__ = (UniqueConstraint("project_id", "enterprise_id", "party_type",
                                       name="uq_participant"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"), index=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprise.id"), index=True)
    party_type: Mapped[str] = mapped_column(String(32))
    responsible_person: Mapped[str | None] = mapped_column(String(50))
    responsible_phone: Mapped[str | None] = mapped_column(String(32))

    project: Mapped[Project] = relationship(back_populates="participants")
    enterprise = relationship("Enterprise")
