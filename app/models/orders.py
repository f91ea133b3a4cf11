"""Rectification orders, the legal-clause library and urging assignments.

The cases themselves live in process_instance; these rows are the registers that lists and
statistics read (clue tracking, urging statistics) without deserializing a workflow.
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models._base import JSONType, UTCDateTime, utcnow

ORDER_TYPES = {
    "deadline": "限期整改",
    "partial_stop": "局部停工整改",
    "full_stop": "全面停工整改",
}
STOP_ORDER_TYPES = ("partial_stop", "full_stop")
ORDER_STATUSES = ("issued", "replied", "returned", "overdue", "urged", "closed")


class LegalClause(db.Model):
    """法律条款库: the clauses an official may cite as the legal basis of a problem."""

    __tablename__ = "legal_clause"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    text: Mapped[str] = mapped_column(Text)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    updated_by: Mapped[str | None] = mapped_column(String(64))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class RectificationOrder(db.Model):
    """One rectification_order case: type, deadline, issuer, where it came from, its state."""

    __tablename__ = "rectification_order"

    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("process_instance.id"), unique=True)
    project_id: Mapped[int | None] = mapped_column(ForeignKey("project.id"), index=True)
    order_type: Mapped[str] = mapped_column(String(16))
    deadline: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16), default="issued", index=True)
    issuer_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    issuer_name: Mapped[str | None] = mapped_column(String(64))
    source_kind: Mapped[str] = mapped_column(String(32), default="manual")
    source_instance_id: Mapped[int | None] = mapped_column(ForeignKey("process_instance.id"),
                                                           index=True)
    problem_count: Mapped[int] = mapped_column(Integer, default=0)
    return_count: Mapped[int] = mapped_column(Integer, default=0)
    urging_instance_id: Mapped[int | None] = mapped_column(ForeignKey("process_instance.id"))
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    replied_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class UrgingAssignment(db.Model):
    """One lead unit of a supervision_urging case (its seat user signs for and reports)."""

    __tablename__ = "urging_assignment"

    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("process_instance.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("org_unit.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    task_names: Mapped[list] = mapped_column(JSONType, default=list)
    assisting_units: Mapped[list] = mapped_column(JSONType, default=list)
    deadline: Mapped[date | None] = mapped_column(Date)
    urge_count: Mapped[int] = mapped_column(Integer, default=0)
    last_urged_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

