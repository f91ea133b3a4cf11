"""Hazardous-work categories (editable data), hazardous works and the expert library."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models._base import JSONType, UTCDateTime, utcnow

WORK_STATUSES = ("registered", "plan_approved", "in_progress", "suspended", "accepted", "terminated")


class HazardousCategory(db.Model):
    __tablename__ = "hazardous_category"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    name_zh: Mapped[str] = mapped_column(String(100))
    name_en: Mapped[str] = mapped_column(String(120))
    division: Mapped[str | None] = mapped_column(String(50))
    sub_item: Mapped[str | None] = mapped_column(String(100))
    # Rule texts as in hazardous-categories.csv: "always", "never", "depth_m>=5 or …", or prose.
    hazardous_rule: Mapped[str] = mapped_column(String(255))
    super_scale_rule: Mapped[str] = mapped_column(String(255))
    specialty: Mapped[str | None] = mapped_column(String(50))
    source_tag: Mapped[str | None] = mapped_column(String(8))
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class HazardousWork(db.Model):
    __tablename__ = "hazardous_work"
    __table_args__ = (UniqueConstraint("project_id", "code", name="uq_hazardous_work_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id"), index=True)
    code: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(200))
    category_id: Mapped[int] = mapped_column(ForeignKey("hazardous_category.id"))
    parameters: Mapped[dict] = mapped_column(JSONType, default=dict)
    super_scale: Mapped[bool] = mapped_column(Boolean, default=False)
    super_scale_reason: Mapped[str | None] = mapped_column(String(255))
    scope: Mapped[str | None] = mapped_column(Text)
    planned_start: Mapped[date | None] = mapped_column(Date)
    planned_end: Mapped[date | None] = mapped_column(Date)
    subcontractor: Mapped[str | None] = mapped_column(String(200))
    unit_works: Mapped[str | None] = mapped_column(String(255))
    status: Mapped[str] = mapped_column(String(16), default="registered")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    project = relationship("Project")
    category = relationship("HazardousCategory")


class Expert(db.Model):
    __tablename__ = "expert"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(50))
    # The ID number is never stored in clear: a salted hash to find duplicates, a mask to show.
    id_number_hash: Mapped[str] = mapped_column(String(64), unique=True)
    id_number_masked: Mapped[str] = mapped_column(String(20))
    certificates: Mapped[str | None] = mapped_column(String(255))
    specialties: Mapped[list] = mapped_column(JSONType, default=list)
    title: Mapped[str | None] = mapped_column(String(50))
    employer_enterprise_id: Mapped[int | None] = mapped_column(ForeignKey("enterprise.id"))
    employer_name: Mapped[str | None] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(32))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), unique=True)

    employer = relationship("Enterprise")
    user = relationship("User")
