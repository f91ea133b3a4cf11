"""Rejected device messages: recorded with what they claimed, listed to who answers for them."""
from __future__ import annotations

import hashlib

from sqlalchemy import select

from app.extensions import db
from app.models import RejectedMessage
from app.services.ingestion.ingest import ingest_messages

from .conftest import crane, device, payload, raw

TOKEN = "tc01-secret-token"
JS_TOPIC = "sitecase/JS-2026-001/tower_crane/JS001-TC-01/data"


def rejections(api, user: str, query: str = "") -> list[dict]:
    r = api.get(f"/api/v1/device-rejections{query}", user)
    assert r.status_code == 200, r.get_json()
    return r.get_json()["data"]


def seed_rejections() -> None:
    ingest_messages([
        raw("not json", topic=JS_TOPIC),                                        # JS project, its device
        raw(payload("EQ001-TC-01", {"load_pct": 1e308}, project="EQ-2026-001")),  # EQ project
        raw(payload("EQ001-TC-01")),  # another project's device on this project's topic
        {"topic": "bad", "payload": "{}"},                                       # no project
        crane(50),
    ])


def test_rejections_are_listed_with_time_device_topic_reason_detail_and_excerpt(deployed, api):
    seed_rejections()
    rows = rejections(api, "city_official")
    assert len(rows) == 4
    by_reason = {r["reason_code"]: r for r in rows}
    assert set(by_reason) == {"not_json", "out_of_range", "device_project_mismatch", "bad_topic"}
    first = by_reason["not_json"]
    assert (first["project_code"], first["device_code"], first["topic"], first["source"]) == \
        ("JS-2026-001", "JS001-TC-01", JS_TOPIC, "mqtt")
    assert first["payload_excerpt"] == "not json" and first["received_at"] and first["detail"]
    assert first["reason_label"] == "内容不是有效的 JSON"
    assert by_reason["out_of_range"]["device_code"] == "EQ001-TC-01"
    assert "load_pct" in by_reason["out_of_range"]["detail"]
    # Naming another project's device on one's topic points at the claimed project, no device.
    forged = by_reason["device_project_mismatch"]
    assert (forged["project_code"], forged["device_id"]) == ("JS-2026-001", None)
    assert (by_reason["bad_topic"]["project_code"], by_reason["bad_topic"]["device_id"]) == (None, None)


def test_rejections_are_scoped_to_jurisdiction_and_the_projects_pm(deployed, api):
    seed_rejections()

    def reasons(user: str, query: str = "") -> list[str]:
        return sorted(r["reason_code"] for r in rejections(api, user, query))

    assert reasons("district_safety") == ["bad_topic", "device_project_mismatch", "not_json"]
    assert reasons("district_safety2") == ["bad_topic", "out_of_range"]
    assert reasons("contractor_pm") == ["device_project_mismatch", "not_json"]
    assert reasons("contractor_pm2") == ["out_of_range"]
    # on the project, but not who answers for its devices: refused, not an empty list
    assert api.get("/api/v1/device-rejections", "supervisor").get_json()["error"]["code"] == "rejections_denied"
    assert api.get("/api/v1/device-rejections?project=EQ-2026-001", "contractor_pm").status_code == 404
    assert reasons("city_official", "?project=EQ-2026-001") == ["out_of_range"]
    assert reasons("city_official", "?reason=bad_topic") == ["bad_topic"]
    assert reasons("city_official", "?since=2026-05-05T00:00:00%2B08:00") == []
    assert len(reasons("city_official", "?until=2026-05-05T00:00:00%2B08:00")) == 4
    assert api.get("/api/v1/device-rejections?reason=nope", "city_official").status_code == 422


def test_http_requests_refused_before_ingestion_are_recorded(deployed, api):
    tc = device("JS001-TC-01")
    tc.token_sha256 = hashlib.sha256(TOKEN.encode()).hexdigest()
    db.session.commit()
    post = api.client.post
    bad = post("/api/v1/device-data", json=payload("JS001-TC-01"), headers={"Authorization": "Device nope"})
    assert bad.status_code == 401
    none = post("/api/v1/device-data", data=b"\xff{garbage", headers={"Authorization": f"Device {TOKEN}"})
    assert none.status_code == 202 and none.get_json()["data"][0]["reason_code"] == "not_json"
    empty = post("/api/v1/device-data", json=[], headers={"Authorization": f"Device {TOKEN}"})
    assert empty.status_code == 422
    db.session.expire_all()
    rows = {r.reason_code: r for r in db.session.scalars(select(RejectedMessage))}
    assert set(rows) == {"device_token_invalid", "not_json", "bad_body"}
    assert all(r.source == "http" for r in rows.values())
    # A bad token is attributed only by what the body claims: a registered device of that project.
    assert (rows["device_token_invalid"].project_id, rows["device_token_invalid"].device_id) == \
        (tc.project_id, tc.id)
    assert '"device_code": "JS001-TC-01"' in rows["device_token_invalid"].raw
    assert (rows["not_json"].device_id, rows["bad_body"].device_id) == (tc.id, tc.id)
    assert "garbage" in rows["not_json"].raw
    assert [r["reason_code"] for r in rejections(api, "contractor_pm2")] == []


def test_openapi_documents_the_rejection_list(app):
    spec = app.test_client().get("/api/v1/openapi.json").get_json()
    operation = spec["paths"]["/api/v1/device-rejections"]["get"]
    item = operation["responses"]["200"]["content"]["application/json"]["schema"]["properties"]["data"]["items"]
    assert item["$ref"].endswith("/Rejection")
    fields = spec["components"]["schemas"]["Rejection"]["properties"]
    assert {"received_at", "device_code", "topic", "reason_code", "reason_label", "detail",
            "payload_excerpt"} <= set(fields)
    assert {p["name"] for p in operation["parameters"] if p["in"] == "query"} >= {"project", "reason", "since", "until"}
