"""Testing supervision (检测监管, seed 000 §3.1.5.1): testing agencies with their personnel and
equipment, witness samples (见证取样) with the trail of every change, commissions (检测委托书),
the agencies' test reports (with their revisions and the refused ones, kept) and the warnings
raised on them.

Agencies are city-wide records; samples, commissions and reports belong to a project.
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Column, Date, ForeignKey, Integer, String, Table, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models._base import JSONType, UTCDateTime, utcnow

REPORT_CONCLUSIONS = {"qualified": "合格", "unqualified": "不合格"}
WARNING_KINDS = {
    "agency_expired": "检测机构资质过期",
    "person_expired": "检测人员资格过期",
    "equipment_expired": "检测设备检定过期",
    "over_capacity": "出具报告超出检测能力",
    "repeated_modification": "报告多次修改",
    "report_modified": "报告出具后被修改",
    "issued_before_received": "报告早于收样",
    "producer_expired": "商品混凝土企业资质过期",
    "weighbridge_mismatch": "过磅重量与方量不符",
    "witness_contradiction": "见证样品合格而批次强度不合格",
    "witness_missing": "不合格批次无见证取样",
}

commission_sample = Table(
    "quality_commission_sample", db.Model.metadata,
    Column("commission_id", ForeignKey("quality_commission.id", ondelete="CASCADE"), primary_key=True),
    Column("sample_id", ForeignKey("quality_sample.id", ondelete="CASCADE"), primary_key=True),
)
report_sample = Table(
    "quality_report_sample", db.Model.metadata,
    Column("report_id", ForeignKey("quality_report.id", ondelete="CASCADE"), primary_key=True),
    Column("sample_id", ForeignKey("quality_sample.id", ondelete="CASCADE"), primary_key=True),
)


class TestingAgency(db.Model):
    __tablename__ = "testing_agency"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    credit_code: Mapped[str] = mapped_column(String(18), unique=True)
    certificate_no: Mapped[str] = mapped_column(String(64))
    scope: Mapped[str] = mapped_column(String(500))
    valid_until: Mapped[date] = mapped_column(Date)
    token_sha256: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    people: Mapped[list[AgencyPerson]] = relationship(
        back_populates="agency", order_by="AgencyPerson.id", cascade="all, delete-orphan")
    equipment: Mapped[list[AgencyEquipment]] = relationship(
        back_populates="agency", order_by="AgencyEquipment.id", cascade="all, delete-orphan")


class AgencyPerson(db.Model):
    __tablename__ = "testing_agency_person"

    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("testing_agency.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(50))
    qualification: Mapped[str] = mapped_column(String(100))
    certificate_no: Mapped[str] = mapped_column(String(64))
    valid_until: Mapped[date] = mapped_column(Date)
    agency: Mapped[TestingAgency] = relationship(back_populates="people")


class AgencyEquipment(db.Model):
    __tablename__ = "testing_agency_equipment"

    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("testing_agency.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    serial_no: Mapped[str] = mapped_column(String(64))
    calibrated_until: Mapped[date] = mapped_column(Date)
    agency: Mapped[TestingAgency] = relationship(back_populates="equipment")


class QualitySample(db.Model):
    __tablename__ = "quality_sample"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    material: Mapped[str] = mapped_column(String(100))
    specification: Mapped[str] = mapped_column(String(100))
    batch: Mapped[str] = mapped_column(String(64))
    quantity: Mapped[str] = mapped_column(String(64))
    location: Mapped[str] = mapped_column(String(200))
    sampler_name: Mapped[str] = mapped_column(String(50))
    sampler_cert: Mapped[str] = mapped_column(String(64))
    witness_name: Mapped[str] = mapped_column(String(50))
    witness_cert: Mapped[str] = mapped_column(String(64))
    sampled_on: Mapped[date] = mapped_column(Date)
    received_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    recorded_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    changes: Mapped[list[SampleChange]] = relationship(
        back_populates="sample", order_by="SampleChange.id", cascade="all, delete-orphan")
    project = relationship("Project")


class SampleChange(db.Model):
    __tablename__ = "quality_sample_change"

    id: Mapped[int] = mapped_column(primary_key=True)
    sample_id: Mapped[int] = mapped_column(ForeignKey("quality_sample.id", ondelete="CASCADE"), index=True)
    field: Mapped[str] = mapped_column(String(32))
    old_value: Mapped[str] = mapped_column(String(500))
    new_value: Mapped[str] = mapped_column(String(500))
    changed_by: Mapped[str] = mapped_column(String(64))
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    sample: Mapped[QualitySample] = relationship(back_populates="changes")


class QualityCommission(db.Model):
    __tablename__ = "quality_commission"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(40), unique=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"), index=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("testing_agency.id"), index=True)
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    samples: Mapped[list[QualitySample]] = relationship(secondary=commission_sample, order_by="QualitySample.id")
    agency: Mapped[TestingAgency] = relationship()


class QualityReport(db.Model):
    __tablename__ = "quality_report"
    __table_args__ = (UniqueConstraint("agency_id", "report_no", name="uq_quality_report_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("testing_agency.id"), index=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"), index=True)
    report_no: Mapped[str] = mapped_column(String(64))
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    conclusion: Mapped[str] = mapped_column(String(16))
    items: Mapped[list] = mapped_column(JSONType, default=list)  # [{name, value, standard, result}]
    source: Mapped[str] = mapped_column(String(16))  # api | page
    entered_by: Mapped[str] = mapped_column(String(64))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    revisions: Mapped[int] = mapped_column(Integer, default=0)
    handling_instance_id: Mapped[int | None] = mapped_column(ForeignKey("process_instance.id"))
    samples: Mapped[list[QualitySample]] = relationship(secondary=report_sample, order_by="QualitySample.id")
    agency: Mapped[TestingAgency] = relationship()
    history: Mapped[list[ReportRevision]] = relationship(
        back_populates="report", order_by="ReportRevision.id", cascade="all, delete-orphan")


class ReportRevision(db.Model):
    """A report changed after its issue: what it said before and after, flagged for the officer."""
    __tablename__ = "quality_report_revision"

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("quality_report.id", ondelete="CASCADE"), index=True)
    before: Mapped[dict] = mapped_column(JSONType)
    after: Mapped[dict] = mapped_column(JSONType)
    revised_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    report: Mapped[QualityReport] = relationship(back_populates="history")


class ReportRejection(db.Model):
    """A report refused (unknown or foreign sample, bad shape, bad token): kept with its reason."""
    __tablename__ = "quality_report_rejection"

    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("testing_agency.id"), index=True)
    # the project the report names, when it exists: the refusal is then scoped like the project
    project_id: Mapped[int | None] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"), index=True)
    report_no: Mapped[str | None] = mapped_column(String(64))
    reason_code: Mapped[str] = mapped_column(String(40))
    detail: Mapped[str] = mapped_column(String(500))
    payload: Mapped[dict] = mapped_column(JSONType, default=dict)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class QualityWarning(db.Model):
    """A warning reminder (预警提醒); `key` makes each one unique (raised once)."""
    __tablename__ = "quality_warning"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(32), index=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("testing_agency.id"), index=True)
    project_id: Mapped[int | None] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"), index=True)
    message: Mapped[str] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
