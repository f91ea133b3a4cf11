"""Concrete supervision (混凝土监管, seed 000 §3.1.5.2): the ready-mixed concrete producers (a
city-wide registry), the deliveries to a project with their weighbridge record (过磅), and the
compressive strength tests of each delivery batch. A batch failing its grade starts the quality
handling chain like an unqualified test report."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, Float, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models._base import JSONType, UTCDateTime, utcnow


class ConcreteProducer(db.Model):
    __tablename__ = "concrete_producer"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    credit_code: Mapped[str] = mapped_column(String(18), unique=True)
    certificate_no: Mapped[str] = mapped_column(String(64))  # 预拌混凝土专业承包资质
    plant_address: Mapped[str] = mapped_column(String(200))
    valid_until: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ConcreteDelivery(db.Model):
    """One delivery batch (one delivery note, one truck) to a project, weighed on the bridge."""
    __tablename__ = "concrete_delivery"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"), index=True)
    producer_id: Mapped[int] = mapped_column(ForeignKey("concrete_producer.id"), index=True)
    number: Mapped[str] = mapped_column(String(40), unique=True)
    grade: Mapped[str] = mapped_column(String(8))
    volume_m3: Mapped[float] = mapped_column(Float)
    location: Mapped[str] = mapped_column(String(200))
    delivered_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    vehicle_plate: Mapped[str] = mapped_column(String(16))
    weighbridge_no: Mapped[str] = mapped_column(String(64))
    gross_kg: Mapped[int] = mapped_column(Integer)
    tare_kg: Mapped[int] = mapped_column(Integer)
    recorded_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    producer: Mapped[ConcreteProducer] = relationship()
    tests: Mapped[list[ConcreteStrengthTest]] = relationship(
        back_populates="delivery", order_by="ConcreteStrengthTest.id", cascade="all, delete-orphan")
    project = relationship("Project")


class ConcreteStrengthTest(db.Model):
    """The compressive strength test of a delivery batch: its specimen groups (MPa) and verdict."""
    __tablename__ = "concrete_strength_test"
    __table_args__ = (UniqueConstraint("agency_id", "report_no", name="uq_concrete_strength_report"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    delivery_id: Mapped[int] = mapped_column(ForeignKey("concrete_delivery.id", ondelete="CASCADE"), index=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"), index=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("testing_agency.id"), index=True)
    report_no: Mapped[str] = mapped_column(String(64))
    age_days: Mapped[int] = mapped_column(Integer)
    tested_on: Mapped[date] = mapped_column(Date)
    groups: Mapped[list] = mapped_column(JSONType)  # [[MPa, MPa, MPa], …]
    representative: Mapped[list] = mapped_column(JSONType)  # one value (or null) per group
    mean_mpa: Mapped[float | None] = mapped_column(Float)
    min_mpa: Mapped[float | None] = mapped_column(Float)
    rule: Mapped[str] = mapped_column(String(100))
    conclusion: Mapped[str] = mapped_column(String(16))  # qualified | unqualified
    entered_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    handling_instance_id: Mapped[int | None] = mapped_column(ForeignKey("process_instance.id"))
    delivery: Mapped[ConcreteDelivery] = relationship(back_populates="tests")
    agency = relationship("TestingAgency")
