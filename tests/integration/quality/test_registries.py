"""Testing agencies, their personnel and equipment: registered by the quality station, read by
everyone, checked for validity; an unfit agency takes no commission and raises a reminder."""
from __future__ import annotations

from tests.integration.quality.support import EXPIRED, agency_body, commission, make_agency, make_sample


def test_an_agency_is_registered_with_people_and_equipment_and_read_city_wide(demo_data, api):
    agency_id, token = make_agency(api)
    assert len(token) > 20
    detail = api.get(f"/api/v1/quality/agencies/{agency_id}", "contractor_pm2").get_json()["data"]
    assert [p["name"] for p in detail["people"]] == ["李检"]
    assert [e["serial_no"] for e in detail["equipment"]] == ["WE-1000B-01"]
    assert detail["problems"] == [] and detail["daily_capacity"] == 20
    listed = api.get("/api/v1/quality/agencies", "district_safety2").get_json()["data"]
    assert [a["id"] for a in listed] == [agency_id]


def test_a_credit_code_is_checked_and_unique(demo_data, api):
    body = agency_body()
    r = api.post("/api/v1/quality/agencies", "district_quality", json={**body, "credit_code": body["credit_code"][:17] + "0"})
    assert r.status_code == 422 and "credit_code" in r.get_json()["error"]["fields"]
    assert api.post("/api/v1/quality/agencies", "district_quality", json=body).status_code == 201
    r = api.post("/api/v1/quality/agencies", "city_official", json=body)
    assert r.status_code == 409 and r.get_json()["error"]["code"] == "agency_exists"


def test_only_the_quality_stations_keep_the_registry(demo_data, api):
    for user in ("district_safety", "supervisor", "contractor_pm"):
        r = api.post("/api/v1/quality/agencies", user, json=agency_body())
        assert r.status_code == 403, user


def test_an_expired_certificate_blocks_new_commissions_and_raises_a_reminder(demo_data, api):
    agency_id, _ = make_agency(api, valid_until=EXPIRED)
    code = make_sample(api)
    r = commission(api, agency_id, [code])
    assert r.status_code == 409 and r.get_json()["error"]["code"] == "agency_unfit"
    assert "资质证书" in r.get_json()["error"]["message"]
    warnings = api.get("/api/v1/quality/warnings", "district_quality").get_json()["data"]
    assert [w["kind"] for w in warnings] == ["agency_expired"]
    assert api.get("/api/v1/projects/JS-2026-001/commissions", "supervisor").get_json()["data"] == []


def test_expired_personnel_or_calibration_block_as_well(demo_data, api):
    code = make_sample(api)
    people_expired, _ = make_agency(api, people=EXPIRED)
    tools_expired, _ = make_agency(api, equipment=EXPIRED)
    assert "检测人员" in commission(api, people_expired, [code]).get_json()["error"]["message"]
    assert "检测设备" in commission(api, tools_expired, [code]).get_json()["error"]["message"]
    kinds = sorted(w["kind"] for w in api.get("/api/v1/quality/warnings", "city_official").get_json()["data"])
    assert kinds == ["equipment_expired", "person_expired"]


def test_a_fit_agency_takes_the_commission_of_the_projects_samples(demo_data, api):
    agency_id, _ = make_agency(api)
    codes = [make_sample(api), make_sample(api, batch="B2026-119")]
    r = commission(api, agency_id, codes)
    assert r.status_code == 201, r.get_json()
    listed = api.get("/api/v1/projects/JS-2026-001/commissions", "district_quality").get_json()["data"]
    assert listed[0]["number"] == r.get_json()["data"]["number"] and listed[0]["sample_codes"] == codes
    other = make_sample(api, project="EQ-2026-001", user="admin")
    r = commission(api, agency_id, [other])
    assert r.status_code == 422 and "sample_codes" in r.get_json()["error"]["fields"]


def test_the_daily_sweep_raises_each_expiry_reminder_once(demo_data, api):
    from flask import current_app

    from app.extensions import celery
    agency_id, _ = make_agency(api, valid_until=EXPIRED, people=EXPIRED)
    make_agency(api)
    task = current_app.config["CELERY_BEAT_SCHEDULE"]["quality-expiries"]["task"]
    assert celery.tasks[task].apply().get() == 2
    assert celery.tasks[task].apply().get() == 0
    warnings = api.get("/api/v1/quality/warnings", "district_safety2").get_json()["data"]
    assert sorted(w["kind"] for w in warnings) == ["agency_expired", "person_expired"]
    assert {w["agency_id"] for w in warnings} == {agency_id}
    assert api.get("/api/v1/quality/warnings", "contractor_pm").get_json()["data"] == []


def test_fields_the_registry_does_not_keep_are_refused_not_dropped(demo_data, api):
    r = api.post("/api/v1/quality/agencies", "district_quality", json={**agency_body(), "approved": True})
    assert r.status_code == 422 and set(r.get_json()["error"]["fields"]) == {"approved"}
    agency_id, _ = make_agency(api)
    r = api.post(f"/api/v1/quality/agencies/{agency_id}/people", "district_quality", json={
        "name": "王检", "qualification": "检测员", "certificate_no": "JC-2", "valid_until": "2099-01-01",
        "agency_id": agency_id + 1})
    assert r.status_code == 422 and set(r.get_json()["error"]["fields"]) == {"agency_id"}
    r = api.post(f"/api/v1/quality/agencies/{agency_id}/equipment", "district_quality", json={
        "name": "压力机", "serial_no": "P-1", "calibrated_until": "2099-01-01", "calibrated_by": "自己"})
    assert r.status_code == 422 and set(r.get_json()["error"]["fields"]) == {"calibrated_by"}
    assert len(api.get(f"/api/v1/quality/agencies/{agency_id}", "district_quality").get_json()["data"]["people"]) == 1
