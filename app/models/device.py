"""Site devices that publish telemetry (tower cranes, deep-pit monitors, dust sensors…)."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models._base import JSONType, UTCDateTime, utcnow

DEVICE_TYPES = {
    "tower_crane": "塔式起重机",
    "hoist": "施工升降机",
    "unloading_platform": "卸料平台",
    "deep_pit": "深基坑监测",
    "high_formwork": "高支模监测",
    "dust": "扬尘监测",
    "noise": "噪声监测",
    "ai_camera": "AI 视频识别",
}


class Device(db.Model):
    __tablename__ = "device"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    device_type: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(100))
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id"), index=True)
    hazardous_work_id: Mapped[int | None] = mapped_column(ForeignKey("hazardous_work.id"))
    # {metric: {"warning": x, "alarm": y}} layered over project and deployment defaults.
    threshold_overrides: Mapped[dict] = mapped_column(JSONType, default=dict)
    token_sha256: Mapped[str | None] = mapped_column(String(64))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    project = relationship("Project")
    operators = relationship("DeviceOperator", back_populates="device", cascade="all, delete-orphan",
                             order_by="DeviceOperator.id")


# 建筑施工特种作业 (certified special operations) of the people who operate a device.
OPERATOR_TRADES = {
    "crane_driver_tower": "建筑起重机械司机（塔式起重机）",
    "crane_driver_hoist": "建筑起重机械司机（施工升降机）",
    "crane_driver_material": "建筑起重机械司机（物料提升机）",
    "signal_rigger": "建筑起重信号司索工",
    "crane_installer": "建筑起重机械安装拆卸工",
    "gondola_installer": "高处作业吊篮安装拆卸工",
    "scaffolder": "建筑架子工",
    "electrician": "建筑电工",
    "other": "其他特种作业",
}


class DeviceOperator(db.Model):
    """特种作业人员 of a device: who may operate it, with the operation certificate and its validity."""

    __tablename__ = "device_operator"
    __table_args__ = (UniqueConstraint("device_id", "certificate_no", name="uq_device_operator_certificate"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    device_id: Mapped[int] = mapped_column(ForeignKey("device.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(50))
    trade: Mapped[str] = mapped_column(String(32))
    certificate_no: Mapped[str] = mapped_column(String(64))
    certificate_valid_until: Mapped[date] = mapped_column(Date)
    phone: Mapped[str | None] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    device = relationship("Device", back_populates="operators")
