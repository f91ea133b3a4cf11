"""Demo data of concrete supervision, one record in every state: a fit producer and one whose
certificate has expired (its warning); deliveries to JS-2026-001 whose batch is qualified, one
failing its grade (its handling case waits for the quality officer's decision; no witness
sample of that batch, so the cross-check warns `witness_missing`), one not yet
tested and one whose weighed mass does not match its volume (its warning); a delivery to
EQ-2026-001 for the other district."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from app import settings
from app.domain.credit_code import make_credit_code
from app.extensions import db
from app.infra import wallclock
from app.models import ConcreteProducer, TestingAgency, User
from app.services.access.actors import Actor, actor_for
from app.services.quality import concrete, producers, warnings

PRODUCERS = [  # (credit code body, name, certificate, plant, valid until)
    ("91410100MA40HN001", "郑州中联商品混凝土有限公司", "D241012345", "郑州市中牟县官渡镇107国道东侧", "2030-12-31"),
    ("91410100MA40HN002", "郑州宏达预拌混凝土有限公司", "D241016789", "郑州市惠济区天河路北段", "2025-08-31"),
]
# (project, user, grade, m³, location, gross kg, tare kg, strength groups or None)
DELIVERIES = [
    ("JS-2026-001", "contractor_pm", "C30", 8, "3#楼四层顶板", 33_960, 15_000, [[35.2, 34.6, 36.1], [34.8, 35.5, 35.9]]),
    ("JS-2026-001", "supervisor", "C35", 10, "3#楼五层柱", 38_700, 15_100, [[33.0, 34.1, 33.6]]),
    ("JS-2026-001", "contractor_pm", "C30", 9, "5#楼基础筏板", 36_400, 15_050, None),
    ("JS-2026-001", "contractor_pm", "C30", 12, "5#楼地下室外墙", 36_000, 15_020, None),
    ("EQ-2026-001", "admin", "C40", 8, "1#楼二层梁板", 34_100, 15_200, None),
]


def _actor(username: str) -> Actor:
    return actor_for(db.session.scalar(select(User).where(User.username == username)))


def seed_concrete() -> dict[str, int]:
    """Load the concrete demo once (with the demo cases, after the testing-supervision demo whose
    fit agency tests the batches; skipped when producers exist)."""
    if not settings.current().demo_order_cases or db.session.scalar(select(ConcreteProducer.id).limit(1)):
        return {}
    keeper = _actor("district_quality")
    made = [producers.create_producer(keeper, {
        "name": name, "credit_code": make_credit_code(body), "certificate_no": certificate, "plant_address": plant,
        "valid_until": until}) for body, name, certificate, plant, until in PRODUCERS]
    agency = db.session.scalar(select(TestingAgency.id).order_by(TestingAgency.id).limit(1))
    today = wallclock.local_today()
    for n, (project, user, grade, volume, location, gross, tare, groups) in enumerate(DELIVERIES):
        delivered = today - timedelta(days=40 - n)
        delivery = concrete.record_delivery(_actor(user), project, {
            "producer_id": made[0], "grade": grade, "volume_m3": volume, "location": location,
            "delivered_at": f"{delivered.isoformat()}T08:30:00+08:00", "vehicle_plate": f"豫A·7H{n + 1:03d}",
            "weighbridge_no": f"GB-{delivered:%Y%m%d}-{n + 1:03d}", "gross_kg": gross, "tare_kg": tare})
        if groups:
            concrete.add_strength_test(_actor("supervisor"), delivery["id"], {
                "agency_id": agency, "report_no": f"HNT-{delivered:%Y}-{n + 1:04d}", "age_days": 28,
                "tested_on": (delivered + timedelta(days=28)).isoformat(), "groups": groups})
    return {"concrete_producers": len(made), "concrete_deliveries": len(DELIVERIES),
            "quality_warnings": warnings.sweep_expiries()}
