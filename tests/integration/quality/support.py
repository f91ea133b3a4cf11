"""Building testing-supervision records through the API as the demo users do."""
from __future__ import annotations

from itertools import count

from app.domain.credit_code import make_credit_code

_serial = count(1)
VALID, EXPIRED = "2099-12-31", "2020-01-01"


def agency_body(**kw) -> dict:
    n = next(_serial)
    return {"name": f"郑州检测{n}号有限公司", "credit_code": make_credit_code(f"91410100MA40Q{n:04d}"),
            "certificate_no": f"豫检字第{n:04d}号", "scope": "建筑材料、混凝土、钢筋", "valid_until": VALID, **kw}


def sample_body(**kw) -> dict:
    return {"material": "热轧带肋钢筋", "specification": "HRB400E Φ20", "batch": "B2026-118", "quantity": "60t",
            "location": "3#楼二层柱", "sampler_name": "王强", "sampler_cert": "QY-0012", "witness_name": "孙浩",
            "witness_cert": "JZ-0098", "sampled_on": "2026-03-01", **kw}


def make_agency(api, *, people: str = VALID, equipment: str = VALID, **kw) -> tuple[int, str]:
    """An agency with one person and one instrument (validity as given); (id, report token)."""
    r = api.post("/api/v1/quality/agencies", "district_quality", json=agency_body(**kw))
    assert r.status_code == 201, r.get_json()
    agency = r.get_json()["data"]
    r = api.post(f"/api/v1/quality/agencies/{agency['id']}/people", "district_quality", json={
        "name": "李检", "qualification": "建设工程质量检测人员（建筑材料）", "certificate_no": "JC-1", "valid_until": people})
    assert r.status_code == 201, r.get_json()
    r = api.post(f"/api/v1/quality/agencies/{agency['id']}/equipment", "district_quality", json={
        "name": "万能试验机", "serial_no": "WE-1000B-01", "calibrated_until": equipment})
    assert r.status_code == 201, r.get_json()
    return agency["id"], agency["token"]


def make_sample(api, project: str = "JS-2026-001", user: str = "supervisor", **kw) -> str:
    r = api.post(f"/api/v1/projects/{project}/samples", user, json=sample_body(**kw))
    assert r.status_code == 201, r.get_json()
    return r.get_json()["data"]["code"]


def commission(api, agency_id: int, codes: list[str], project: str = "JS-2026-001", user: str = "supervisor"):
    return api.post(f"/api/v1/projects/{project}/commissions", user,
                    json={"agency_id": agency_id, "sample_codes": codes})


def report_body(codes: list[str], **kw) -> dict:
    return {"report_no": "BG2026-0001", "project_code": "JS-2026-001", "issued_at": "2026-03-04T10:00:00+08:00",
            "received_at": "2026-03-02T09:00:00+08:00", "conclusion": "qualified", "sample_codes": codes,
            "items": [{"name": "屈服强度", "value": 455, "standard": "≥400MPa", "result": "合格"}], **kw}


def post_report(api, token: str, body: dict):
    return api.client.post("/api/v1/quality/reports", json=body, headers={"Authorization": f"Agency {token}"})
