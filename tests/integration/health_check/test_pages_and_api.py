"""The health-check pages and API on the two-district records: red rows below 60, deductions
linked to their source records, standards added from a page and the API, scope."""
from __future__ import annotations

import re

from sqlalchemy import select

from app.extensions import db
from app.infra import wallclock
from app.models import DeviceAlarm, InboxTask, RectificationOrder
from app.services.health_check import scoring
from tests.integration.health_check.records import NOW
from tests.support.browsers import signed_in
from tests.support.client import bearer
from tests.support.factories import PASSWORD, gen_user

NEW_STANDARD = {"effective_month": "2026-04", "name": "2026年二季度标准",
                "indicators": [{"code": "alarm_alarm", "name": "设备报警", "points": 1, "cap": 5}]}


def login(app, username: str):
    return signed_in(app, username, PASSWORD)


def token(app, username: str) -> dict[str, str]:
    return bearer(app, username, PASSWORD)


def scored(app, world):
    east, west = world["districts"]
    gen_user("district_safety_officer", org_unit=east, username="east_officer")
    gen_user("contractor_pm", project=world["projects"][2], username="west_pm")
    with wallclock.frozen(NOW):
        scoring.compute_month("2026-02")


def test_ranking_page_marks_projects_below_60_in_red_and_shows_only_the_district(app, world):
    scored(app, world)
    a1, a2, b1, _ = world["projects"]
    page = login(app, "east_officer").get("/health-check?month=2026-02").get_data(as_text=True)
    rows = re.findall(r'<tr class="([^"]*)">.*?<a href="[^"]*">([^<]+)</a>', page, re.S)
    assert rows == [("", a2.name), ("score-fail", a1.name)]
    assert "55.0 （不合格）" in page and b1.name not in page
    pm_page = login(app, "west_pm").get("/health-check?month=2026-02").get_data(as_text=True)
    assert b1.name in pm_page and a1.name not in pm_page and "new-standard" not in pm_page


def test_project_page_links_each_deduction_to_its_records(app, world):
    scored(app, world)
    a1, _, b1, _ = world["projects"]
    client = login(app, "east_officer")
    page = client.get(f"/health-check/projects/{a1.code}").get_data(as_text=True)
    assert "本月设备报警 12 次，每次扣 2 分，上限 20 分" in page
    stop = db.session.get(RectificationOrder, world["a1_stop"])
    assert page.count(f'href="/cases/{stop.instance_id}">全面停工整改') == 2      # the order and its overdue reply
    device_id = db.session.scalar(select(DeviceAlarm.device_id).where(DeviceAlarm.id == world["a1_alarms"][0]))
    assert page.count(f'href="/devices/{device_id}"') == 3 + 12 + 1 + 1           # alarms without a case, operator, device
    assert "张三（证书有效期至 2026-02-27）" in page
    assert client.get(f"/health-check/projects/{b1.code}").status_code == 404
    late = db.session.get(InboxTask, world["a2_late_task"])
    other = client.get(f"/health-check/projects/{world['projects'][1].code}").get_data(as_text=True)
    assert f'href="/cases/{late.instance_id}">报警处置（02-20 10:00 到期）</a>' in other


def test_officials_add_a_standard_version_on_the_page(app, world):
    scored(app, world)
    client = login(app, "east_officer")
    form = {"effective_month": "2026-04", "name": "二季度标准", "use_alarm_alarm": "1", "name_alarm_alarm": "设备报警",
            "points_alarm_alarm": "1", "cap_alarm_alarm": "5"}
    assert client.post("/health-check/standards", data=form).status_code == 302
    page = client.get("/health-check").get_data(as_text=True)
    assert "第 2 版 二季度标准" in page and "自 2026-04 起适用" in page
    again = client.post("/health-check/standards", data=form)
    assert again.status_code == 409 and "须晚于现行版本" in again.get_data(as_text=True)
    bad = client.post("/health-check/standards", data=dict(form, effective_month="2026-05", points_alarm_alarm="0"))
    assert bad.status_code == 422 and "0 到 100" in bad.get_data(as_text=True)
    assert login(app, "west_pm").post("/health-check/standards",
                                      data=dict(form, effective_month="2026-06")).status_code == 403


def test_api_standards_ranking_and_history(app, world):
    scored(app, world)
    a1, _, b1, _ = world["projects"]
    client, officer, pm = app.test_client(), token(app, "east_officer"), token(app, "west_pm")
    r = client.post("/api/v1/health-check/standards", json=NEW_STANDARD, headers=officer)
    assert r.status_code == 201 and r.get_json()["data"]["version"] == 2
    assert client.post("/api/v1/health-check/standards", json=dict(NEW_STANDARD, effective_month="2026-05"),
                       headers=pm).status_code == 403
    assert client.post("/api/v1/health-check/standards", json={"effective_month": "2026-05", "indicators": [
        {"code": "alarm_alarm", "points": "1e999", "cap": 5}]}, headers=officer).status_code == 422
    versions = client.get("/api/v1/health-check/standards", headers=pm).get_json()["data"]
    assert [(v["version"], v["effective_month"]) for v in versions] == [(1, "2000-01"), (2, "2026-04")]
    ranking = client.get("/api/v1/health-check/ranking?month=2026-02", headers=officer).get_json()["data"]
    assert [[(p["code"], p["score"]) for p in d["projects"]] for d in ranking] == [[("E-2", 92.0), ("E-1", 55.0)]]
    assert client.get("/api/v1/health-check/ranking?month=2026-13", headers=officer).status_code == 422
    history = client.get(f"/api/v1/projects/{a1.code}/health-check", headers=officer).get_json()["data"]
    assert history["months"][0]["score"] == 55.0
    assert {d["code"] for d in history["months"][0]["deductions"]} >= {"alarm_alarm", "order_overdue"}
    assert client.get(f"/api/v1/projects/{b1.code}/health-check", headers=officer).status_code == 404


def test_the_pages_speak_english_on_request(app, world):
    scored(app, world)
    client = login(app, "east_officer")
    page = client.get("/health-check?month=2026-02&lang=en").get_data(as_text=True)
    assert "Ranking for 2026-02" in page and "Site health check" in page and " (failed)" in page
    detail = client.get(f"/health-check/projects/{world['projects'][0].code}?lang=en").get_data(as_text=True)
    assert "Scored by standard version 1" in detail and "55.0 points" in detail
