"""Site health check (工地体检): versioned scoring standards, monthly scores and their deductions.

A standard version applies from its `effective_month` until the next version's; each score row is
one project's month, computed from the real records (alarms, orders, operator certificates) and
keeping every deduction with its reason and the ids of the records it came from.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Float, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models._base import JSONType, UTCDateTime, utcnow


class HealthCheckStandard(db.Model):
    __tablename__ = "health_check_standard"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(Integer, unique=True)
    name: Mapped[str] = mapped_column(String(100))
    effective_month: Mapped[str] = mapped_column(String(7), unique=True)  # YYYY-MM
    created_by: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    indicators: Mapped[list[HealthCheckIndicator]] = relationship(
        back_populates="standard", order_by="HealthCheckIndicator.position",
        cascade="all, delete-orphan")


class HealthCheckIndicator(db.Model):
    __tablename__ = "health_check_indicator"
    __table_args__ = (UniqueConstraint("standard_id", "code", name="uq_health_check_indicator_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    standard_id: Mapped[int] = mapped_column(ForeignKey("health_check_standard.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer, default=0)
    code: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(100))
    points: Mapped[float] = mapped_column(Float)     # deducted per occurrence
    cap: Mapped[float] = mapped_column(Float)        # at most this much per month
    standard: Mapped[HealthCheckStandard] = relationship(back_populates="indicators")


class HealthCheckScore(db.Model):
    __tablename__ = "health_check_score"
    __table_args__ = (UniqueConstraint("project_id", "month", name="uq_health_check_score_month"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"), index=True)
    month: Mapped[str] = mapped_column(String(7), index=True)
    standard_id: Mapped[int] = mapped_column(ForeignKey("health_check_standard.id"))
    score: Mapped[float] = mapped_column(Float)
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    rectification_instance_id: Mapped[int | None] = mapped_column(ForeignKey("process_instance.id"))
    report_document_id: Mapped[int | None] = mapped_column(ForeignKey("issued_document.id"))
    deductions: Mapped[list[HealthCheckDeduction]] = relationship(
        back_populates="score", order_by="HealthCheckDeduction.id", cascade="all, delete-orphan")


class HealthCheckDeduction(db.Model):
    __tablename__ = "health_check_deduction"

    id: Mapped[int] = mapped_column(primary_key=True)
    score_id: Mapped[int] = mapped_column(ForeignKey("health_check_score.id", ondelete="CASCADE"),
                                          index=True)
    indicator_code: Mapped[str] = mapped_column(String(32))
    indicator_name: Mapped[str] = mapped_column(String(100))
    occurrences: Mapped[int] = mapped_column(Integer)
    points: Mapped[float] = mapped_column(Float)
    reason: Mapped[str] = mapped_column(String(500))
    source_kind: Mapped[str] = mapped_column(String(32))   # alarm | order | device_operator | device | task
    source_ids: Mapped[list] = mapped_column(JSONType, default=list)
    score: Mapped[HealthCheckScore] = relationship(back_populates="deductions")
