"""Enterprises, identified by their unified social credit code."""
from __future__ import annotations

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db

ENTERPRISE_TYPES = {
    "owner": "建设单位",
    "contractor": "施工单位",
    "supervisor": "监理单位",
    "designer": "设计单位",
    "surveyor": "勘察单位",
    "testing_agency": "检测机构",
    "equipment_owner": "设备产权单位",
    "installer": "安拆单位",
    "concrete_producer": "商混企业",
}
# The five responsible parties of a project (五方责任主体).
PARTY_TYPES = ("owner", "contractor", "supervisor", "designer", "surveyor")


class Enterprise(db.Model):
    __tablename__ = "enterprise"

    id: Mapped[int] = mapped_column(primary_key=True)
    credit_code: Mapped[str] = mapped_column(String(18), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    type: Mapped[str] = mapped_column(String(32))
    legal_person: Mapped[str | None] = mapped_column(String(50))
    address: Mapped[str | None] = mapped_column(String(255))
    phone: Mapped[str | None] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16), default="active")
