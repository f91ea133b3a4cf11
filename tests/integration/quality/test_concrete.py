"""Concrete supervision through the API: the producer registry, deliveries with their weighbridge
record (a mismatch raises a warning, an expired producer delivers nothing), strength tests per
batch (a batch failing its grade starts the quality handling chain), scope and the xlsx export."""
from __future__ import annotations

from io import BytesIO

from openpyxl import load_workbook
from sqlalchemy import select

from app.extensions import db
from app.models import AuditLog, InboxTask, OutboxMessage, ProcessInstance
from tests.integration.quality.concrete_support import (
    EXPIRED,
    delivery_body,
    deploy_handling,
    make_delivery,
    make_producer,
    producer_body,
    strength_body,
)
from tests.integration.quality.support import make_agency

PASSING = [[35.0, 34.5, 36.0], [34.0, 35.2, 35.5]]
FAILING = [[29.0, 30.5, 31.0]]


def _warnings(api, kind: str, user: str = "district_quality") -> list[str]:
    rows = api.get(f"/api/v1/quality/warnings?kind={kind}", user).get_json()["data"]
    return [w["message"] for w in rows]


def test_the_stations_keep_the_producer_registry_and_everyone_reads_it(demo_data, api):
    make_producer(api, name="郑州中建商砼有限公司")
    assert api.post("/api/v1/concrete/producers", "contractor_pm", json=producer_body()).status_code == 403
    body = producer_body()
    assert api.post("/api/v1/concrete/producers", "city_official", json=body).status_code == 201
    again = api.post("/api/v1/concrete/producers", "district_quality", json={**body, "name": "另一家"})
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "producer_exists"
    bad = api.post("/api/v1/concrete/producers", "district_quality",
                   json={**producer_body(), "credit_code": "123", "valid_until": "soon", "owner": "x"})
    assert bad.status_code == 422 and set(bad.get_json()["error"]["fields"]) == {"credit_code", "valid_until", "owner"}
    names = [p["name"] for p in api.get("/api/v1/concrete/producers", "contractor_pm2").get_json()["data"]]
    assert "郑州中建商砼有限公司" in names and len(names) == 2


def test_a_delivery_is_recorded_with_its_weighbridge_record_and_read_in_scope(demo_data, api):
    producer = make_producer(api)
    made = make_delivery(api, producer)
    assert made["number"] == "JS-2026-001-C0001"
    one = api.get(f"/api/v1/concrete/deliveries/{made['id']}", "district_quality").get_json()["data"]
    assert (one["net_kg"], one["density"], one["weight_mismatch"], one["verdict"]) == (18_960, 2.37, False, None)
    assert one["verdict_label"] == "待检测" and one["recorded_by"] == "contractor_pm"
    listed = api.get("/api/v1/concrete/deliveries?project=JS-2026-001", "chief_supervisor").get_json()["data"]
    assert [d["number"] for d in listed] == ["JS-2026-001-C0001"]
    # another district's PM sees none of it, and its id is unknown to him
    assert api.get("/api/v1/concrete/deliveries", "contractor_pm2").get_json()["data"] == []
    assert api.get(f"/api/v1/concrete/deliveries/{made['id']}", "contractor_pm2").status_code == 404
    assert api.get("/api/v1/concrete/deliveries?project=JS-2026-001", "contractor_pm2").status_code == 404
    r = api.post("/api/v1/projects/JS-2026-001/concrete-deliveries", "contractor_pm2", json=delivery_body(producer))
    assert r.status_code == 404
    r = api.post("/api/v1/projects/JS-2026-001/concrete-deliveries", "owner_rep", json=delivery_body(producer))
    assert r.status_code == 403


def test_a_bad_delivery_is_refused_field_by_field(demo_data, api):
    producer = make_producer(api)
    r = api.post("/api/v1/projects/JS-2026-001/concrete-deliveries", "contractor_pm", json=delivery_body(
        producer, grade="C33", volume_m3=80, tare_kg=40_000, delivered_at="2099-01-01T08:00:00+08:00", extra=1))
    assert r.status_code == 422
    assert set(r.get_json()["error"]["fields"]) == {"grade", "volume_m3", "tare_kg", "delivered_at", "extra"}
    r = api.post("/api/v1/projects/JS-2026-001/concrete-deliveries", "contractor_pm",
                 json=delivery_body(10_000))
    assert r.status_code == 404 and r.get_json()["error"]["code"] == "producer_not_found"


def test_a_weighed_mass_that_does_not_match_the_volume_raises_a_warning(demo_data, api):
    producer = make_producer(api)
    made = make_delivery(api, producer, gross_kg=30_000)  # 15 t for 8 m³: 1.88 t/m³
    assert api.get(f"/api/v1/concrete/deliveries/{made['id']}", "supervisor").get_json()["data"]["weight_mismatch"]
    messages = _warnings(api, "weighbridge_mismatch")
    assert len(messages) == 1 and "JS-2026-001-C0001" in messages[0] and "1.88 t/m³" in messages[0]
    assert _warnings(api, "weighbridge_mismatch", "contractor_pm2") == []


def test_an_expired_producer_delivers_nothing_and_raises_a_warning(demo_data, api):
    producer = make_producer(api, valid_until=EXPIRED)
    r = api.post("/api/v1/projects/JS-2026-001/concrete-deliveries", "contractor_pm", json=delivery_body(producer))
    assert r.status_code == 409 and r.get_json()["error"]["code"] == "producer_unfit"
    assert api.get("/api/v1/concrete/deliveries", "contractor_pm").get_json()["data"] == []
    assert len(_warnings(api, "producer_expired")) == 1
    # a delivery made while the certificate was valid is accepted
    make_delivery(api, producer, delivered_at="2019-12-30T09:00:00+08:00")


def test_a_batch_meeting_its_grade_is_qualified(demo_data, api):
    agency_id, _ = make_agency(api)
    made = make_delivery(api, make_producer(api))
    r = api.post(f"/api/v1/concrete/deliveries/{made['id']}/strength-tests", "supervisor",
                 json=strength_body(agency_id, PASSING))
    assert r.status_code == 201, r.get_json()
    test = r.get_json()["data"]
    assert (test["conclusion"], test["mean_mpa"], test["min_mpa"], test["handling_instance_id"]) == (
        "qualified", 35.0, 34.9, None)
    again = api.post(f"/api/v1/concrete/deliveries/{made['id']}/strength-tests", "district_quality",
                     json=strength_body(agency_id, PASSING))
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "strength_report_exists"
    one = api.get(f"/api/v1/concrete/deliveries/{made['id']}", "owner_rep").get_json()["data"]
    assert one["verdict_label"] == "合格" and [t["report_no"] for t in one["tests"]] == ["HNT2026-0031"]


def test_who_may_enter_a_strength_test_and_what_it_must_hold(demo_data, api):
    agency_id, _ = make_agency(api)
    made = make_delivery(api, make_producer(api))
    url = f"/api/v1/concrete/deliveries/{made['id']}/strength-tests"
    assert api.post(url, "contractor_pm", json=strength_body(agency_id, PASSING)).status_code == 403
    assert api.post(url, "district_safety2", json=strength_body(agency_id, PASSING)).status_code == 404
    r = api.post(url, "supervisor", json=strength_body(agency_id, [[35, 34], [0, 30, 300]], age_days=0,
                                                         tested_on="2026-02-01", owner="x"))
    assert r.status_code == 422
    assert set(r.get_json()["error"]["fields"]) == {"groups", "age_days", "tested_on", "owner"}


def test_a_batch_failing_its_grade_starts_the_quality_handling_chain(demo_data, api):
    deploy_handling()
    agency_id, _ = make_agency(api)
    made = make_delivery(api, make_producer(api, name="郑州不合格商砼有限公司"))
    r = api.post(f"/api/v1/concrete/deliveries/{made['id']}/strength-tests", "supervisor",
                 json=strength_body(agency_id, FAILING))
    test = r.get_json()["data"]
    assert r.status_code == 201 and test["conclusion"] == "unqualified" and test["handling_instance_id"]
    instance = db.session.get(ProcessInstance, test["handling_instance_id"])
    assert (instance.process_key, instance.subject_type, instance.subject_id) == (
        "quality_handling", "concrete_strength_test", test["id"])
    data = api.get(f"/api/v1/process-instances/{instance.id}", "district_quality").get_json()["data"]
    task = db.session.scalar(select(InboxTask).where(InboxTask.instance_id == instance.id, InboxTask.status == "open"))
    assert task.task_name == "decide" and task.role == "district_quality_officer"
    assert "JS-2026-001-C0001" in str(data) and "C30" in str(data)
    told = [m.payload for m in db.session.scalars(select(OutboxMessage).where(
        OutboxMessage.task_name == "notifications.send"))]
    assert sorted(p["role"] for p in told if p["instance_id"] == instance.id) == ["chief_supervisor", "contractor_pm"]
    listed = api.get("/api/v1/concrete/deliveries", "district_quality").get_json()["data"][0]
    assert listed["verdict"] == "unqualified"


def test_the_export_holds_the_deliveries_and_their_tests_in_scope_and_is_audited(demo_data, api):
    agency_id, _ = make_agency(api)
    made = make_delivery(api, make_producer(api))
    api.post(f"/api/v1/concrete/deliveries/{made['id']}/strength-tests", "supervisor",
             json=strength_body(agency_id, PASSING))
    r = api.get("/api/v1/concrete/deliveries/export", "district_quality")
    assert r.status_code == 200 and r.mimetype.endswith("spreadsheetml.sheet")
    book = load_workbook(BytesIO(r.data))
    assert book.sheetnames == ["混凝土供货", "强度检测"]
    rows = list(book["混凝土供货"].values)
    assert rows[0][:4] == ("供货编号", "工程名称", "生产企业", "强度等级") and rows[1][0] == "JS-2026-001-C0001"
    assert rows[1][6] == "2026-03-02 09:30" and rows[1][13] == "合格"
    tests = list(book["强度检测"].values)
    assert tests[1][4] == "HNT2026-0031" and tests[1][7] == "35、34.5、36；34、35.2、35.5"
    other = load_workbook(BytesIO(api.get("/api/v1/concrete/deliveries/export", "contractor_pm2").data))
    assert len(list(other["混凝土供货"].values)) == 1
    assert db.session.scalar(select(AuditLog.id).where(AuditLog.entity_type == "concrete_delivery",
                                                       AuditLog.action == "export"))
