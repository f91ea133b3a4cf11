"""The command centre's figures, checked against counts made here from the world's lists."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Device, DeviceReading
from tests.integration.insight.conftest import ALARMS, NOW, ORDERS, WORKS, cn
from tests.support.factories import PASSWORD

MONTH = [a for a in ALARMS if cn(1, 0) <= a.first_at <= cn(10, 23)]


@pytest.fixture
def readings(world):
    """The dust device reported twice today (PM10 120 then 95, noise 70); the crane 30 hours ago."""
    devices = {d.device_type: d for d in db.session.scalars(select(Device))}
    for n, (device, at, metrics) in enumerate([
            (devices["dust"], NOW - timedelta(hours=2), {"pm10_ug_m3": 120.0, "leq_day_db": 70.0}),
            (devices["dust"], NOW - timedelta(hours=1), {"pm10_ug_m3": 95.0, "leq_day_db": 70.4}),
            (devices["tower_crane"], NOW - timedelta(hours=30), {"load_pct": 40.0})]):
        db.session.add(DeviceReading(data_id=f"cc{n}", device_id=device.id, collected_at=at, received_at=at,
                                     metrics=metrics))
    db.session.commit()
    return devices


def _get(stats_api, user, query=""):
    r = stats_api.get(f"/api/v1/command-centre{query}", user)
    assert r.status_code == 200, r.get_json()
    return r.get_json()["data"]


def test_city_level_figures(stats_api, readings):
    data = _get(stats_api, "s_city")
    assert data["level"] == "city" and data["district"] is None
    assert data["projects"]["total"] == 2
    assert {r["status"]: r["count"] for r in data["projects"]["by_status"]} == {
        "registered": 0, "active": 2, "suspended": 0, "completed": 0}  # the factory makes active projects
    assert data["monitoring"] == {
        "devices": 3, "reporting": 1, "silent": 2, "access_rate": round(1 / 3, 4), "readings_today": 2,
        "alarms_month": len(MONTH), "closed_month": sum(a.closed_hours is not None for a in MONTH),
        "open_alarms": sum(a.closed_hours is None for a in ALARMS)}
    orders = data["orders"]
    assert orders["total"] == len(ORDERS) and orders["open"] == sum(o.status != "closed" for o in ORDERS)
    assert orders["stops"] == sum(o.order_type != "deadline" for o in ORDERS)
    by_type = {r["order_type"]: r for r in orders["by_type"]}
    assert by_type["deadline"]["closed"] == 1 and by_type["deadline"]["overdue"] == 1
    works = {r["status"]: r["count"] for r in data["works"]["by_status"]}
    assert works == {**{s: 0 for s in works}, **{s: sum(w[3] == s for w in WORKS) for _, _, _, s in WORKS}}
    assert [(r["label"], r["value"]) for r in data["rankings"]["dust"]] == [("A区工程", 95.0)]  # the latest
    assert [(r["label"], r["value"]) for r in data["rankings"]["noise"]] == [("A区工程", 70.4)]
    grid = {r["label"]: r for r in data["districts"]}
    assert [r["label"] for r in data["districts"]] == ["A区住建局", "B区住建局"]  # most open alarms first
    for k in "AB":
        mine = [a for a in MONTH if a.district == k]
        assert grid[f"{k}区住建局"]["alarms_month"] == len(mine)
        assert grid[f"{k}区住建局"]["open_alarms"] == sum(a.closed_hours is None for a in ALARMS if a.district == k)
        assert grid[f"{k}区住建局"]["open_orders"] == sum(o.status != "closed" for o in ORDERS if o.district == k)
    assert grid["A区住建局"]["devices"] == 2 and grid["A区住建局"]["reporting"] == 1


def test_district_level_and_its_scope(stats_api, readings, world):
    b = world["districts"]["B"].code
    data = _get(stats_api, "s_city", f"?district={b}")
    assert data["level"] == "district" and data["district"]["name"] == "B区住建局"
    assert [r["label"] for r in data["districts"]] == ["B区住建局"]
    assert data["monitoring"]["devices"] == 1 and data["rankings"]["dust"] == []
    assert data["orders"]["total"] == sum(o.district == "B" for o in ORDERS)
    # The district official of A and the contractor of A: B is not theirs, an unknown code neither.
    for user in ("s_dist_a", "s_pm_a"):
        for code in (b, "NO-SUCH"):
            r = stats_api.get(f"/api/v1/command-centre?district={code}", user)
            assert r.status_code == 404 and r.get_json()["error"]["code"] == "district_not_found"
        assert [r["label"] for r in _get(stats_api, user)["districts"]] == ["A区住建局"]


def test_without_scope_is_refused(stats_api, world):
    r = stats_api.get("/api/v1/command-centre", "s_nobody")
    assert r.status_code == 403 and r.get_json()["error"]["code"] == "stats_denied"


def _page(app, username: str, query: str = ""):
    client = app.test_client()
    r = client.post("/login", data={"username": username, "password": PASSWORD})
    assert r.status_code == 302, r.get_data(as_text=True)
    return client.get(f"/command-centre{query}")


def test_the_page_offers_the_visible_districts(app, world):
    html = _page(app, "s_city").get_data(as_text=True)
    options = re.search(r'<select name="district">(.*?)</select>', html, re.S).group(1)
    assert set(re.findall(r">([^<]+)</option>", options)) == {"全市", "A区住建局", "B区住建局"}
    assert "指挥中心" in html and 'id="nav-centre"' in html
    b = world["districts"]["B"].code
    assert _page(app, "s_dist_a", f"?district={b}").status_code == 404
    html = _page(app, "s_dist_a").get_data(as_text=True)
    assert "B区住建局" not in html and "A区住建局" in html
