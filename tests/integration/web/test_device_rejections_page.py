"""The rejected-device-data page: reasons in words, filters, scoped like the device pages."""
from __future__ import annotations

from app.services.ingestion.ingest import ingest_messages
from devices.messages import RawMessage

JS_TOPIC = "sitecase/JS-2026-001/tower_crane/JS001-TC-01/data"
EQ_TOPIC = "sitecase/EQ-2026-001/tower_crane/EQ001-TC-01/data"


def rejected(topic: str, body: bytes) -> dict[str, object]:
    return RawMessage(topic=topic, payload=body).to_dict()


def test_pm_sees_his_projects_rejections_in_words_with_filters(browser, site):
    ingest_messages([rejected(JS_TOPIC, b"not json"), rejected(JS_TOPIC, b"[1]"),
                     rejected(EQ_TOPIC, b"eq secret")])
    pm = browser("contractor_pm")
    devices = pm.get("/devices").get_data(as_text=True)
    assert 'id="rejections-link"' in devices
    html = pm.get("/devices/rejections").get_data(as_text=True)
    assert "内容不是有效的 JSON" in html and "内容不是 JSON 对象" in html
    assert "not_json" not in html.split('id="rejections"')[1]  # words, not codes
    assert "not json" in html and "JS001-TC-01" in html and "eq secret" not in html
    only = pm.get("/devices/rejections?reason=not_object").get_data(as_text=True)
    assert "内容不是 JSON 对象" in only.split('id="rejections"')[1] and "not json" not in only
    assert "Not a JSON object" in pm.get("/devices/rejections?lang=en").get_data(as_text=True)
    assert pm.get("/devices/rejections?project=EQ-2026-001").status_code == 404
    official = browser("district_safety2").get("/devices/rejections").get_data(as_text=True)
    assert "eq secret" in official and "not json" not in official


def test_people_who_do_not_answer_for_devices_see_no_link_and_no_rows(browser, site):
    ingest_messages([rejected(JS_TOPIC, b"not json")])
    supervisor = browser("supervisor")
    assert 'id="rejections-link"' not in supervisor.get("/devices").get_data(as_text=True)
    page = supervisor.get("/devices/rejections")
    assert page.status_code == 403 and "not json" not in page.get_data(as_text=True)
    assert "没有查看设备拒收记录的权限" in page.get_data(as_text=True)
