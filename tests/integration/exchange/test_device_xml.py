"""Device data in XML over HTTP: the same path and rejections as JSON, parsed safely, validated
against the published XSD with the lines of the problems."""
from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from lxml import etree
from sqlalchemy import func, select

from app.extensions import db
from app.infra import wallclock
from app.models import DeviceAlarm, DeviceReading, RejectedMessage
from app.services.definitions.deployments import deploy
from tests.integration.alarms.conftest import device, disposal_bundle

TOKEN = "tc01-xml-token"


@pytest.fixture
def tokened(demo_data, api):
    deploy(disposal_bundle())
    device("JS001-TC-01").token_sha256 = hashlib.sha256(TOKEN.encode()).hexdigest()
    db.session.commit()
    return api


def reading(data_id: str, metrics: str = '<metric name="load_pct">50</metric>', extra: str = "") -> str:
    at = (wallclock.now() + timedelta(hours=8)).replace(tzinfo=None, microsecond=0).isoformat() + "+08:00"
    return (f"<reading>\n  <data_id>{data_id}</data_id>\n  <project_code>JS-2026-001</project_code>\n"
            f"  <device_code>JS001-TC-01</device_code>\n  <device_type>tower_crane</device_type>\n"
            f"  <collected_at>{at}</collected_at>\n  <metrics>{metrics}</metrics>{extra}\n</reading>")


def post(api, body: str, token: str | None = TOKEN, content_type: str = "application/xml"):
    headers = {"Content-Type": content_type}
    if token:
        headers["Authorization"] = f"Device {token}"
    return api.client.post("/api/v1/device-data", data=body.encode(), headers=headers)


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def rejection_reasons() -> list[str]:
    return list(db.session.scalars(select(RejectedMessage.reason_code).order_by(RejectedMessage.id)))


def test_xml_readings_take_the_json_path(tokened):
    body = ("<?xml version='1.0' encoding='utf-8'?>\n<device_data>\n"
            + reading("x-1") + reading("x-2", '<metric name="load_pct">104.5</metric>')
            + reading("x-1") + reading("x-3", '<metric name="pm10_ug_m3">3</metric>') + "</device_data>")
    r = post(tokened, body)
    assert r.status_code == 202, r.get_json()
    assert [(m["outcome"], m["reason_code"]) for m in r.get_json()["data"]] == [
        ("stored", None), ("stored", None), ("duplicate", None), ("rejected", "unknown_metric")]
    assert r.get_json()["meta"]["alarms_opened"] == 1 and count(DeviceAlarm) == 1
    assert rejection_reasons() == ["unknown_metric"]
    single = post(tokened, reading("x-4"), content_type="text/xml")
    assert single.status_code == 202 and single.get_json()["data"][0]["outcome"] == "stored"
    assert count(DeviceReading) == 3


def test_the_published_xsd_is_the_one_enforced(tokened):
    xsd = etree.XMLSchema(etree.fromstring(tokened.client.get("/api/v1/schemas/device_data.xsd").data))
    assert xsd.validate(etree.fromstring(reading("x-5").encode()))
    assert not xsd.validate(etree.fromstring(reading("x-6", '<metric name="load_pct">heavy</metric>').encode()))


def test_invalid_xml_is_refused_with_its_lines_and_kept(tokened):
    r = post(tokened, "<device_data>\n" + reading("x-7", '<metric name="load_pct">heavy</metric>')
             + "\n</device_data>")
    assert r.status_code == 422 and r.get_json()["error"]["code"] == "xml_invalid"
    [problem] = r.get_json()["error"]["fields"]["_body"]
    assert problem.startswith("line 8:") and "heavy" in problem  # the <metrics> line of the reading
    missing = post(tokened, reading("x-8").replace("<data_id>x-8</data_id>", ""))
    assert "data_id" in missing.get_json()["error"]["fields"]["_body"][0]
    broken = post(tokened, "<reading>\n<data_id>x-9</reading>")
    assert broken.get_json()["error"]["fields"]["_body"][0].startswith("line 2:")
    assert rejection_reasons() == ["xml_invalid"] * 3
    assert count(DeviceReading) == 0


@pytest.mark.parametrize("hostile", [
    '<?xml version="1.0"?>\n<!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;">]>'
    "\n<reading><data_id>&b;</data_id></reading>",
    '<?xml version="1.0"?>\n<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n<reading>&x;</reading>',
    '<?xml version="1.0"?>\n<!DOCTYPE reading SYSTEM "http://127.0.0.1:9/x.dtd">\n<reading/>',
])
def test_entities_and_external_references_are_refused(tokened, hostile):
    r = post(tokened, hostile)
    assert r.status_code == 422 and r.get_json()["error"]["code"] == "xml_invalid"
    assert "root:" not in r.get_data(as_text=True)
    assert rejection_reasons() == ["xml_invalid"]


def test_xml_without_a_device_token_is_refused_first(tokened):
    r = post(tokened, reading("x-10"), token=None)
    assert r.status_code == 401 and rejection_reasons() == ["device_token_invalid"]
    assert post(tokened, "<device_data></device_data>").status_code == 422
