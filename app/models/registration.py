"""Registrations: an enterprise's reviewed profile and change history, approved start registrations."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models._base import JSONType, UTCDateTime, utcnow


class EnterpriseProfile(db.Model):
    """What `enterprise_review` approved beyond the Enterprise row: licence, qualifications, people."""

    __tablename__ = "enterprise_profile"

    id: Mapped[int] = mapped_column(primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprise.id", ondelete="CASCADE"), unique=True)
    licence_no: Mapped[str | None] = mapped_column(String(64))
    licence_files: Mapped[list] = mapped_column(JSONType, default=list)  # attachment ids of the case
    qualifications: Mapped[list] = mapped_column(JSONType, default=list)
    people: Mapped[list] = mapped_column(JSONType, default=list)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class EnterpriseChange(db.Model):
    """One approved first submission or change of an enterprise's information (before/after)."""

    __tablename__ = "enterprise_change"

    id: Mapped[int] = mapped_column(primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprise.id", ondelete="CASCADE"), index=True)
    instance_id: Mapped[int | None] = mapped_column(ForeignKey("process_instance.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # first | change
    before: Mapped[dict | None] = mapped_column(JSONType)
    after: Mapped[dict] = mapped_column(JSONType)
    change_reason: Mapped[str | None] = mapped_column(String(1000))
    submitted_by: Mapped[str | None] = mapped_column(String(64))
    approved_by: Mapped[str | None] = mapped_column(String(64))
    approved_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ProjectRegistration(db.Model):
    """An approved start registration (工程开工登记 + 报监): contract and unit works as approved."""

    __tablename__ = "project_registration"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"), index=True)
    instance_id: Mapped[int | None] = mapped_column(ForeignKey("process_instance.id"), index=True)
    contract: Mapped[dict] = mapped_column(JSONType, default=dict)
    unit_works: Mapped[list] = mapped_column(JSONType, default=list)
    supervision: Mapped[dict] = mapped_column(JSONType, default=dict)  # safety/quality 报监 details
    submitted_by: Mapped[str | None] = mapped_column(String(64))
    approved_by: Mapped[str | None] = mapped_column(String(64))
    approved_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
