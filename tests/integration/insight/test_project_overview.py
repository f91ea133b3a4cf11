"""A project's overview answers what its records hold (counted here from the conftest lists and
rows added here), to those who may see the project only: everyone else gets 404."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from app.extensions import db
from app.models import Device, DeviceReading, ProcessInstance
from tests.integration.insight.conftest import ALARMS, NOW, WORKS
from tests.support.factories import PASSWORD, gen_participant, gen_user


def _get(stats_api, user: str, code: str):
    return stats_api.get(f"/api/v1/projects/{code}/overview", user)


def _readings(project) -> dict[str, list]:
    """Three readings of the crane over the last hours, one a day old (outside the trend), one dust reading."""
    devices = {d.device_type: d for d in db.session.scalars(select(Device).where(Device.project_id == project.id))}
    crane, dust = devices["tower_crane"], devices["dust"]
    rows = [(crane, NOW - timedelta(hours=30), {"load_pct": 50.0}), (crane, NOW - timedelta(hours=3), {"load_pct": 61.5,
                                                                                                    "wind_speed": 7.0}),
            (crane, NOW - timedelta(hours=1), {"load_pct": 72.0, "wind_speed": 9.5}),
            (dust, NOW - timedelta(hours=2), {"pm10_ug_m3": 88.0})]
    for n, (device, at, metrics) in enumerate(rows):
        db.session.add(DeviceReading(data_id=f"ov{n}", device_id=device.id, collected_at=at, metrics=metrics))
    db.session.commit()
    return {"crane": crane.name, "dust": dust.name}


def test_the_overview_counts_the_project_records(stats_api, world):
    project = world["projects"]["A"]
    gen_participant(project, "owner")
    gen_participant(project, "contractor")
    names = _readings(project)
    r = _get(stats_api, "s_pm_a", project.code)
    assert r.status_code == 200, r.get_json()
    data = r.get_json()["data"]

    assert data["project"]["code"] == project.code and data["project"]["district"] == "A区住建局"
    assert [p["party"] for p in data["participants"]] == ["建设单位", "施工单位"]
    assert len(data["works"]) == sum(1 for w in WORKS if w[0] == "A")
    assert {w["status"] for w in data["works"]} == {"施工中", "已登记"}

    mine = [a for a in ALARMS if a.district == "A"]
    month = [a for a in mine if a.first_at.month == NOW.month]
    assert data["alarms"]["month"] == len(month)
    assert data["alarms"]["closed_month"] == sum(a.closed_hours is not None for a in month)
    assert data["alarms"]["open"] == sum(a.closed_hours is None for a in mine)
    assert sum(t["count"] for t in data["alarms"]["by_type"]) == len(month)
    assert len(data["alarms"]["latest"]) == len(mine)

    running = db.session.scalars(select(ProcessInstance).where(ProcessInstance.project_id == project.id,
                                                              ProcessInstance.status == "running")).all()
    assert data["cases"]["open"] == len(running) > 0
    assert sum(c["count"] for c in data["cases"]["by_process"]) == len(running)

    devices = {d["name"]: d for d in data["devices"]}
    assert devices[names["crane"]]["reporting"] and devices[names["crane"]]["last_at"] == "2026-03-10 11:00"
    assert {v["metric"]: v["value"] for v in devices[names["crane"]]["latest"]} == {"载重（%额定）": 72.0,
                                                                                  "风速（m/s）": 9.5}
    trends = {t["metric"]: {line["device"]: [p[1] for p in line["points"]] for line in t["lines"]}
              for t in data["trends"]}
    assert trends == {"载重（%额定）": {names["crane"]: [61.5, 72.0]}, "风速（m/s）": {names["crane"]: [7.0, 9.5]},
                      "PM10（µg/m³）": {names["dust"]: [88.0]}}


def test_only_those_who_may_see_the_project_get_its_overview(stats_api, world):
    a, b = world["projects"]["A"], world["projects"]["B"]
    gen_user("contractor_pm", project=b, username="s_pm_b")
    db.session.commit()
    for user in ("s_city", "s_dist_a", "s_pm_a"):
        assert _get(stats_api, user, a.code).status_code == 200, user
    for user, code in (("s_dist_a", b.code), ("s_pm_a", b.code), ("s_pm_b", a.code), ("s_nobody", a.code),
                       ("s_city", "NO-SUCH")):
        r = _get(stats_api, user, code)
        assert r.status_code == 404 and r.get_json()["error"]["code"] == "project_not_found", (user, code)


def test_the_overview_page_is_scoped_too(app, world):
    a, b = world["projects"]["A"], world["projects"]["B"]
    client = app.test_client()
    assert client.post("/login", data={"username": "s_pm_a", "password": PASSWORD}).status_code == 302
    page = client.get(f"/projects/{a.code}/overview")
    assert page.status_code == 200 and "项目概况" in page.get_data(as_text=True)
    assert client.get(f"/projects/{b.code}/overview").status_code == 404
