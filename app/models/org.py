"""The authority tree (province → city → district) and departments inside an org unit."""
from __future__ import annotations

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db

ORG_LEVELS = ("province", "city", "district")
DEPARTMENT_KINDS = {
    "safety_station": "安全监督站",
    "quality_station": "质量监督站",
    "urging_office": "督办办公室",
}


class OrgUnit(db.Model):
    __tablename__ = "org_unit"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    level: Mapped[str] = mapped_column(String(16))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("org_unit.id"))
    # Materialised path "/1/4/9/": jurisdiction = every unit whose path starts with mine.
    path: Mapped[str] = mapped_column(String(255), index=True, default="/")
    notice_prefix: Mapped[str | None] = mapped_column(String(16))

    parent: Mapped[OrgUnit | None] = relationship(remote_side=[id])
    departments: Mapped[list[Department]] = relationship(back_populates="org_unit")

    def covers(self, other: OrgUnit) -> bool:
        return other.path.startswith(self.path)


class Department(db.Model):
    __tablename__ = "department"

    id: Mapped[int] = mapped_column(primary_key=True)
    org_unit_id: Mapped[int] = mapped_column(ForeignKey("org_unit.id"))
    kind: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(100))

    org_unit: Mapped[OrgUnit] = relationship(back_populates="departments")
