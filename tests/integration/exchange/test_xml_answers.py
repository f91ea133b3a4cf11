"""XML beside JSON: every GET under /api/v1 answers XML when asked, and the exchanged records'
answers are valid against the XSD the API publishes beside its OpenAPI document."""
from __future__ import annotations

from datetime import timedelta

import pytest
from lxml import etree
from sqlalchemy import select

from app.extensions import db
from app.infra import wallclock
from app.models import Device, HazardousWork, IssuedDocument, ProcessInstance, Project, RectificationOrder
from app.services.definitions.deployments import deploy
from app.services.ingestion.ingest import ingest_messages
from app.services.supervision.clauses import create_clause
from app.services.workflow import cases
from tests.integration.alarms.conftest import crane, disposal_bundle
from tests.support.processes import actor, deploy_only, my_task

XML = {"Accept": "application/xml"}
DEADLINE = (wallclock.local_today() + timedelta(days=30)).isoformat()  # a deadline must be ahead


@pytest.fixture
def site(demo_data, api):
    deploy(disposal_bundle())
    ingest_messages([crane(50), crane(104)])
    deploy_only(("rectification_order",))
    create_clause(actor("district_safety"), "JGJ59-3.13", "建筑施工安全检查标准 3.13", "临边应设置防护设施。")
    order = cases.start_case(actor("district_safety"), "rectification_order", project_code="JS-2026-001",
                             title="限期整改")
    cases.complete_task(actor("district_safety"), my_task("district_safety", order, "issue_order").id, {
        "order_type": "deadline", "inspection_date": "2026-12-01", "deadline": DEADLINE,
        "requirements": "立即整改。",
        "problems": [{"description": "临边未设防护栏杆", "location": "3#楼", "clauses": ["JGJ59-3.13"]}]})
    return api


def xsd(api, record: str) -> etree.XMLSchema:
    r = api.get(f"/api/v1/schemas/{record}.xsd")
    assert r.status_code == 200 and r.mimetype == "application/xml"
    return etree.XMLSchema(etree.fromstring(r.data))


def answer(api, path: str, user: str = "city_official", **kw) -> etree._Element:
    r = api.get(path, user, **kw)
    assert r.mimetype == "application/xml", (path, r.status_code, r.data[:300])
    assert "Accept" in r.headers["Vary"]
    return etree.fromstring(r.data)


def valid(schema: etree.XMLSchema, root: etree._Element) -> etree._Element:
    assert schema.validate(root), schema.error_log
    return root


def test_the_same_answer_in_xml_by_accept_or_format(site):
    as_json = site.get("/api/v1/projects", "city_official")
    assert as_json.mimetype == "application/json"
    codes = sorted(p["code"] for p in as_json.get_json()["data"])
    for kw in ({"headers": dict(XML)}, {"query_string": {"format": "xml"}},
               {"headers": {"Accept": "text/xml"}}):
        root = answer(site, "/api/v1/projects", **kw)
        assert sorted(root.xpath("/response/data/project/code/text()")) == codes
        assert root.findtext("meta/total") == str(len(codes))
    # ?format wins over Accept, and is not refused as an unknown query parameter
    r = site.get("/api/v1/alarms", "city_official", headers=dict(XML), query_string={"format": "json"})
    assert r.status_code == 200 and r.mimetype == "application/json"
    assert site.get("/api/v1/alarms?format=xml&level=alarm", "city_official").status_code == 200


def test_exchanged_records_are_valid_against_their_xsd(site):
    work = db.session.scalars(select(HazardousWork).order_by(HazardousWork.id)).first()
    device = db.session.scalar(select(Device).where(Device.code == "JS001-TC-01"))
    case = db.session.scalars(select(ProcessInstance).where(
        ProcessInstance.process_key == "device_alarm_disposal")).first()
    document = db.session.scalars(select(IssuedDocument).order_by(IssuedDocument.id)).first()
    order = db.session.scalar(select(RectificationOrder))
    paths = {
        "project": ["/api/v1/projects", "/api/v1/projects/JS-2026-001"],
        "hazardous_work": [f"/api/v1/projects/{work.project.code}/hazardous-works",
                           f"/api/v1/hazardous-works/{work.id}"],
        "reading": [f"/api/v1/devices/{device.id}/readings"],
        "alarm": ["/api/v1/alarms"],
        "case": [f"/api/v1/process-instances/{case.id}"],
        "order": ["/api/v1/orders", f"/api/v1/orders/{order.instance_id}"],
        "document": [f"/api/v1/documents/{document.id}",
                     f"/api/v1/projects/{document.project.code}/documents"],
    }
    for record, urls in paths.items():
        schema = xsd(site, record)
        for url in urls:
            root = valid(schema, answer(site, url, query_string={"format": "xml"}))
            assert root.xpath(f"count(/response/data/{record})") >= 1, url
    [alarm] = answer(site, "/api/v1/alarms", query_string={"format": "xml"}).xpath("//alarm")
    assert (alarm.findtext("device_code"), alarm.findtext("level"), alarm.findtext("count")) == (
        "JS001-TC-01", "alarm", "1")
    nil = "{http://www.w3.org/2001/XMLSchema-instance}nil"
    assert alarm.find("cleared_at").get(nil) == "true"
    reading = answer(site, f"/api/v1/devices/{device.id}/readings?format=xml").find("data/reading")
    assert reading.findtext("metrics/load_pct") == "104.0"
    issued = answer(site, f"/api/v1/orders/{order.instance_id}?format=xml").find("data/order")
    assert (issued.findtext("order_type"), issued.findtext("deadline")) == ("deadline", DEADLINE)


def test_orders_are_scoped_like_their_project(site):
    order = db.session.scalar(select(RectificationOrder))
    assert [o["instance_id"] for o in site.get("/api/v1/orders", "contractor_pm").get_json()["data"]] == [
        order.instance_id]
    assert site.get("/api/v1/orders", "contractor_pm2").get_json()["meta"]["total"] == 0
    assert site.get(f"/api/v1/orders/{order.instance_id}", "contractor_pm2").status_code == 404
    assert site.get(f"/api/v1/orders/{order.instance_id}", "district_safety2").status_code == 404
    def total(query: str) -> int:
        return site.get(f"/api/v1/orders?{query}", "city_official").get_json()["meta"]["total"]
    assert (total("status=issued&project=JS-2026-001"), total("status=closed")) == (1, 0)
    assert site.get("/api/v1/orders?status=nonsense", "city_official").status_code == 422


def test_errors_answer_in_xml_too(site):
    error_xsd = xsd(site, "error")
    for path, status, code in (("/api/v1/alarms?level=bad", 422, "validation_failed"),
                               ("/api/v1/projects/NO-SUCH", 404, "project_not_found"),
                               ("/api/v1/no-such-thing", 404, "not_found")):
        r = site.get(path, "city_official", headers=dict(XML))
        assert r.status_code == status and r.mimetype == "application/xml", path
        root = valid(error_xsd, etree.fromstring(r.data))
        assert root.findtext("error/code") == code
    unauthenticated = site.client.get("/api/v1/projects?format=xml")
    assert unauthenticated.status_code == 401
    assert etree.fromstring(unauthenticated.data).findtext("error/code") == "authentication_required"
    assert site.get("/api/v1/schemas/nothing.xsd").status_code == 404


def test_writes_and_the_openapi_document_stay_json(site):
    r = site.post("/api/v1/process-instances", "city_official", json={}, headers=dict(XML))
    assert r.status_code == 422 and r.mimetype == "application/json"
    assert site.client.get("/api/v1/openapi.json", headers=dict(XML)).mimetype == "application/json"


def test_text_xml_cannot_carry_is_replaced_not_broken(site):
    project = site.get("/api/v1/projects/JS-2026-001", "city_official").get_json()["data"]
    assert project["code"] == "JS-2026-001"
    row = db.session.scalar(select(Project).where(Project.code == "JS-2026-001"))
    row.address = "一号\x01路"
    db.session.commit()
    root = answer(site, "/api/v1/projects/JS-2026-001?format=xml")
    assert root.findtext("data/project/address") == "一号\ufffd路"
