"""Building concrete-supervision records as the demo users do."""
from __future__ import annotations

from itertools import count

from app.domain.credit_code import make_credit_code
from app.services.definitions import deployments

_serial = count(1)
VALID, EXPIRED = "2099-12-31", "2020-01-01"


def producer_body(**kw) -> dict:
    n = next(_serial)
    return {"name": f"郑州商砼{n}号有限公司", "credit_code": make_credit_code(f"91410100MA40H{n:04d}"),
            "certificate_no": f"D241{n:05d}", "plant_address": "郑州市中牟县官渡镇", "valid_until": VALID, **kw}


def delivery_body(producer_id: int, **kw) -> dict:
    """8 m³ of C30 weighing 18.96 t net (2.37 t/m³)."""
    return {"producer_id": producer_id, "grade": "C30", "volume_m3": 8, "location": "3#楼四层顶板",
            "delivered_at": "2026-03-02T09:30:00+08:00", "vehicle_plate": "豫A·5K321",
            "weighbridge_no": "GB-20260302-017", "gross_kg": 33_960, "tare_kg": 15_000, **kw}


def strength_body(agency_id: int, groups: list[list[float]], **kw) -> dict:
    return {"agency_id": agency_id, "report_no": "HNT2026-0031", "age_days": 28, "tested_on": "2026-03-30",
            "groups": groups, **kw}


def make_producer(api, user: str = "district_quality", **kw) -> int:
    r = api.post("/api/v1/concrete/producers", user, json=producer_body(**kw))
    assert r.status_code == 201, r.get_json()
    return r.get_json()["data"]["id"]


def make_delivery(api, producer_id: int, project: str = "JS-2026-001", user: str = "contractor_pm", **kw) -> dict:
    r = api.post(f"/api/v1/projects/{project}/concrete-deliveries", user, json=delivery_body(producer_id, **kw))
    assert r.status_code == 201, r.get_json()
    return r.get_json()["data"]


def deploy_handling() -> None:
    """Deploy the quality handling chain alone (what a failing batch starts)."""
    base = deployments.bundle_from_dirs()
    deployments.deploy(deployments.Bundle({n: b for n, b in base.files.items() if n.startswith("quality_handling")},
                                          {n: b for n, b in base.forms.items() if n.startswith("quality_handling")}))
