"""Site devices that publish telemetry (tower cranes, deep-pit monitors, dust sensors…)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, String
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
