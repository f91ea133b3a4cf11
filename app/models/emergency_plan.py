"""Emergency plans (应急预案) kept per hazardous work by its contractor."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models._base import UTCDateTime, utcnow

PLAN_CATEGORIES = {
    "comprehensive": "综合应急预案",
    "special": "专项应急预案",
    "onsite": "现场处置方案",
}


class EmergencyPlan(db.Model):
    """One plan of a hazardous work: its category, the plan file (stored by sha256 like task
    attachments), the pre-review date and filing number, remarks."""

    __tablename__ = "emergency_plan"

    id: Mapped[int] = mapped_column(primary_key=True)
    work_id: Mapped[int] = mapped_column(ForeignKey("hazardous_work.id"), index=True)
    category: Mapped[str] = mapped_column(String(16))
    file_sha256: Mapped[str] = mapped_column(String(64))
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    pre_review_date: Mapped[date | None] = mapped_column(Date)
    filing_number: Mapped[str | None] = mapped_column(String(64))
    remarks: Mapped[str | None] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
