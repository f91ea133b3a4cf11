"""Assessment points (考核督办点, seed 000 3.1.9.1): what officials score lower-level units
(districts) and enterprises on each month, and the monthly results.

A point names one measure of a fixed catalogue (app/services/assessment/measures.py: a rate
computed from SiteCase's own records), a weight and a target rate. A result row is one unit's
month: its score and, per point, the counts the rate came from (kept as they were computed, so a
point changed or deleted later leaves past months as they were published).
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, Float, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models._base import JSONType, UTCDateTime, utcnow

ASSESSMENT_SUBJECTS = {"district": "下级单位", "enterprise": "相关企业"}


class AssessmentPoint(db.Model):
    __tablename__ = "assessment_point"
    # one point per measure: two points on one rate would count it twice
    __table_args__ = (UniqueConstraint("measure", name="uq_assessment_point_measure"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    subject: Mapped[str] = mapped_column(String(16))   # district | enterprise (from the measure)
    measure: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(100))
    weight: Mapped[float] = mapped_column(Float)        # share of the unit's 100 points
    target: Mapped[float] = mapped_column(Float)        # the rate (%) that earns the full weight
    created_by: Mapped[str] = mapped_column(String(64))
    updated_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class AssessmentResult(db.Model):
    __tablename__ = "assessment_result"
    __table_args__ = (UniqueConstraint("month", "district_id", name="uq_assessment_result_district"),
                      UniqueConstraint("month", "enterprise_id", name="uq_assessment_result_enterprise"),
                      # the unit is a district or an enterprise, after `subject`: exactly one is set
                      CheckConstraint("(subject = 'district' AND district_id IS NOT NULL AND enterprise_id IS NULL)"
                                      " OR (subject = 'enterprise' AND enterprise_id IS NOT NULL"
                                      " AND district_id IS NULL)", name="one_unit"))

    id: Mapped[int] = mapped_column(primary_key=True)
    month: Mapped[str] = mapped_column(String(7), index=True)   # YYYY-MM
    subject: Mapped[str] = mapped_column(String(16))
    # a record: a unit that has assessments cannot be deleted (0030), they never vanish with it
    district_id: Mapped[int | None] = mapped_column(ForeignKey("org_unit.id", ondelete="RESTRICT"))
    enterprise_id: Mapped[int | None] = mapped_column(ForeignKey("enterprise.id", ondelete="RESTRICT"))
    score: Mapped[float] = mapped_column(Float)
    # [{point_id, name, measure, weight, target, numerator, denominator, rate, points}]
    items: Mapped[list] = mapped_column(JSONType, default=list)
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    @property
    def unit_id(self) -> int:
        """The district's or the enterprise's id, after `subject`."""
        return self.district_id if self.subject == "district" else self.enterprise_id


UNIT_COLUMNS = {"district": "district_id", "enterprise": "enterprise_id"}
