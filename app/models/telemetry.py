"""Device telemetry: stored readings, the alarms they raise, rejected messages, project thresholds.

Readings and rejections are written with bulk Core inserts by the ingest service (telemetry is
not a user edit, so it bypasses the per-object audit trail); alarms are ordinary ORM rows.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models._base import JSONType, UTCDateTime, utcnow

READING_KINDS = ("data", "alarm")
READING_LEVELS = ("none", "warning", "alarm", "clear")
ALARM_LEVELS = ("warning", "alarm")
ALARM_STATUSES = ("open", "closed")


class DeviceReading(db.Model):
    """One accepted message. ``data_id`` is unique per device: a redelivered message is never
    stored twice, and one device's ids never shadow another's (devices pick their own ids).

    The unique index leads with ``data_id`` so that the duplicate lookup of a batch
    (``data_id = ANY(…) AND device_id IN …``) is an index scan: led by ``device_id``, PostgreSQL
    scanned every reading of the batch's devices (EXPLAIN ANALYZE, 100,000 readings).
    """

    __tablename__ = "device_reading"
    __table_args__ = (Index("ix_device_reading_device_collected", "device_id", "collected_at"),
                      UniqueConstraint("data_id", "device_id", name="uq_device_reading_device_data_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    data_id: Mapped[str] = mapped_column(String(64))
    device_id: Mapped[int] = mapped_column(ForeignKey("device.id"))
    kind: Mapped[str] = mapped_column(String(8), default="data")
    collected_at: Mapped[datetime] = mapped_column(UTCDateTime())
    received_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    metrics: Mapped[dict] = mapped_column(JSONType, default=dict)
    level: Mapped[str] = mapped_column(String(8), default="none")
    alarm_type: Mapped[str | None] = mapped_column(String(64))


class DeviceAlarm(db.Model):
    """A warning or alarm of one device and alarm type (a metric, or a type the device raised).

    While open, repeats update this row instead of opening another: ``open_key`` is
    ``"<device_id>:<alarm_type>"`` while open and NULL once closed, so the unique constraint
    allows exactly one open alarm per device and type on every backend.
    """

    __tablename__ = "device_alarm"
    __table_args__ = (Index("ix_device_alarm_project_status", "project_id", "status"),
                      # the daily rollups recompute one project's China day (app/services/insight/rollups.py)
                      Index("ix_device_alarm_project_first", "project_id", "first_at"),
                      # the alarm list, newest activity first, paged by a (last_at, id) cursor: of
                      # many projects (a city, a district), and of one
                      Index("ix_device_alarm_last", "last_at", "id"),
                      Index("ix_device_alarm_project_last", "project_id", "last_at", "id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    device_id: Mapped[int] = mapped_column(ForeignKey("device.id"), index=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id"))
    alarm_type: Mapped[str] = mapped_column(String(64))
    source: Mapped[str] = mapped_column(String(16), default="threshold")  # threshold | device
    level: Mapped[str] = mapped_column(String(8))
    status: Mapped[str] = mapped_column(String(8), default="open", index=True)
    open_key: Mapped[str | None] = mapped_column(String(100), unique=True)
    threshold: Mapped[float | None] = mapped_column(Float)
    unit: Mapped[str | None] = mapped_column(String(32))
    message: Mapped[str | None] = mapped_column(String(1000))
    first_value: Mapped[float | None] = mapped_column(Float)
    first_at: Mapped[datetime] = mapped_column(UTCDateTime())
    first_data_id: Mapped[str] = mapped_column(String(64))
    last_value: Mapped[float | None] = mapped_column(Float)
    last_at: Mapped[datetime] = mapped_column(UTCDateTime())
    count: Mapped[int] = mapped_column(Integer, default=1)
    cleared_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    instance_id: Mapped[int | None] = mapped_column(ForeignKey("process_instance.id"), index=True)
    case_error: Mapped[str | None] = mapped_column(String(200))
    case_tried_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    outcome: Mapped[str | None] = mapped_column(String(32))
    outcome_data: Mapped[dict | None] = mapped_column(JSONType)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    device = relationship("Device")
    project = relationship("Project")


class RejectedMessage(db.Model):
    """A message that failed validation, with its stable reason code (never silently dropped).

    ``project_id``/``device_id`` name the registered device the message claimed to come from
    (by its topic, or the HTTP token), when there is one: its project's people may see it.
    """

    __tablename__ = "rejected_message"
    __table_args__ = (Index("ix_rejected_message_reason_received", "reason_code", "received_at"),
                      Index("ix_rejected_message_project_received", "project_id", "received_at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int | None] = mapped_column(ForeignKey("project.id", ondelete="SET NULL"))
    device_id: Mapped[int | None] = mapped_column(ForeignKey("device.id", ondelete="SET NULL"))
    topic: Mapped[str] = mapped_column(String(300))
    reason_code: Mapped[str] = mapped_column(String(32))
    detail: Mapped[str] = mapped_column(String(500))
    raw: Mapped[str] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(8), default="mqtt")  # mqtt | http
    received_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ProjectThreshold(db.Model):
    """Project-level threshold overrides for one device type, layered under device overrides."""

    __tablename__ = "project_threshold"
    __table_args__ = (UniqueConstraint("project_id", "device_type", name="uq_project_threshold"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"))
    device_type: Mapped[str] = mapped_column(String(32))
    # {metric: {"warning": x, "alarm": y}}; None for a level switches that level off.
    overrides: Mapped[dict] = mapped_column(JSONType, default=dict)
    updated_by: Mapped[str | None] = mapped_column(String(64))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
