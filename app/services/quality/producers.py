"""The ready-mixed concrete producer registry (预拌混凝土生产企业, seed 000 §3.1.5.2.1): name,
credit code, qualification certificate and its validity, the plant's address. City-wide records
kept by the quality stations, read by everyone; a producer whose certificate has expired
delivers to no project (`producer_unfit`) and raises a warning reminder (`warnings.producer_expiry`, also in the daily sweep)."""
from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select

from app.domain.body_fields import Fields
from app.errors import ConflictError, NotFoundError
from app.extensions import db
from app.infra import wallclock
from app.infra.uow import transaction
from app.models import ConcreteProducer
from app.services.access.actors import Actor
from app.services.quality.registries import read_credit_code, require_keeper


def producer_row(producer_id: Any) -> ConcreteProducer:
    """The producer `producer_id`. Raises NotFoundError(`producer_not_found`)."""
    row = db.session.get(ConcreteProducer, producer_id) if isinstance(producer_id, int) else None
    if row is None:
        raise NotFoundError("没有找到该预拌混凝土生产企业。", code="producer_not_found")
    return row


def create_producer(actor: Actor, data: Any) -> int:
    """Register a producer; returns its id. Raises PermissionDeniedError, ValidationError,
    ConflictError(`producer_exists`)."""
    require_keeper(actor)
    f = Fields(data)
    values = {"name": f.text("name", 100), "credit_code": read_credit_code(f),
              "certificate_no": f.text("certificate_no", 64), "plant_address": f.text("plant_address", 200),
              "valid_until": f.day("valid_until")}
    f.only(values, "生产企业")
    f.done()
    with transaction(actor):
        if db.session.scalar(select(ConcreteProducer.id).where(ConcreteProducer.credit_code == values["credit_code"])):
            raise ConflictError("该统一社会信用代码的生产企业已登记。", code="producer_exists")
        row = ConcreteProducer(**values)
        db.session.add(row)
        db.session.flush()
        return row.id


def producer_view(row: ConcreteProducer, day: date) -> dict[str, Any]:
    return {"id": row.id, "name": row.name, "credit_code": row.credit_code, "certificate_no": row.certificate_no,
            "plant_address": row.plant_address, "valid_until": row.valid_until, "expired": row.valid_until < day}


def list_producers(actor: Actor) -> list[dict[str, Any]]:
    """Every registered producer with its validity today (city-wide; any signed-in user)."""
    day = wallclock.local_today()
    return [producer_view(p, day) for p in db.session.scalars(select(ConcreteProducer).order_by(ConcreteProducer.name))]
