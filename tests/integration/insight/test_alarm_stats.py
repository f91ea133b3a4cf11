"""Alarm figures checked against counts made here from the world's ALARMS list."""
from __future__ import annotations

from io import BytesIO

import pytest
from openpyxl import load_workbook

from tests.integration.insight.conftest import ALARMS, NOW, PERIOD, cn


def _in_period(alarms):
    return [a for a in alarms if cn(1, 0) <= a.first_at <= NOW]


def _expected(alarms) -> dict:
    closed = [a for a in alarms if a.closed_hours is not None]
    on_time = [a for a in closed if a.outcome == "handled" and not a.urged]
    total = len(alarms)
    return {"total": total, "closed": len(closed), "closure_rate": round(len(closed) / total, 4),
            "assigned": sum(a.case for a in alarms), "assignment_rate": round(sum(a.case for a in alarms) / total, 4),
            "urged": sum(a.urged for a in alarms), "urging_rate": round(sum(a.urged for a in alarms) / total, 4),
            "on_time": len(on_time), "on_time_rate": round(len(on_time) / len(closed), 4),
            "mean_disposal_hours": round(sum(a.closed_hours for a in closed) / len(closed), 1)}


def _get(stats_api, user, query=PERIOD):
    r = stats_api.get(f"/api/v1/stats/alarms?{query}", user)
    assert r.status_code == 200, r.get_json()
    return r.get_json()["data"]


def test_city_sees_every_district(stats_api):
    data = _get(stats_api, "s_city")
    assert data["overview"] == _expected(_in_period(ALARMS))
    districts = {r["label"]: r for r in data["by_district"]}
    assert {k: v["total"] for k, v in districts.items()} == {"A区住建局": 4, "B区住建局": 2}
    assert districts["B区住建局"]["on_time"] == 1
    open_now = [a for a in ALARMS if a.closed_hours is None]
    assert sum(r["count"] for r in data["open_by_type"]) == len(open_now)  # open now ignores the period
    levels = {r["level"]: r["count"] for r in data["by_level"]}
    assert levels == {lv: sum(a.level == lv for a in _in_period(ALARMS)) for lv in ("alarm", "warning")}
    types = {r["type"]: r for r in data["by_type"]}
    assert types["load_pct"]["count"] == 2 and types["load_pct"]["share"] == round(2 / 6, 4)
    device_types = {r["device_type"]: r["total"] for r in data["by_device_type"]}
    assert device_types == {"tower_crane": 2, "dust": 2, "hoist": 2}


@pytest.mark.parametrize("user", ["s_dist_a", "s_pm_a"])
def test_district_official_and_contractor_see_district_a_only(stats_api, user):
    data = _get(stats_api, user)
    mine = [a for a in _in_period(ALARMS) if a.district == "A"]
    assert data["overview"] == _expected(mine)
    assert [r["label"] for r in data["by_district"]] == ["A区住建局"]
    assert sum(r["count"] for r in data["open_by_type"]) == 2


def test_trend_buckets_are_china_days_weeks_and_months(stats_api):
    days = {p["bucket"]: p for p in _get(stats_api, "s_city")["trend"]}
    assert len(days) == 10 and days["2026-03-09"]["raised"] == 1  # 23:00 in China is still the 9th
    assert days["2026-03-02"] == {"bucket": "2026-03-02", "raised": 1, "closed": 1}
    weeks = _get(stats_api, "s_city", PERIOD + "&grain=week")["trend"]
    assert [w["bucket"] for w in weeks] == ["2026-W09", "2026-W10", "2026-W11"]
    assert [w["raised"] for w in weeks] == [0, 5, 1]  # Monday 2 March opens W10, the 9th W11
    months = _get(stats_api, "s_city", "start=2026-02-01&end=2026-03-10&grain=month")["trend"]
    assert [(m["bucket"], m["raised"]) for m in months] == [("2026-02", 1), ("2026-03", 6)]


def test_type_filter(stats_api):
    data = _get(stats_api, "s_city", PERIOD + "&type=load_pct")
    assert data["overview"]["total"] == 2 and data["overview"]["on_time"] == 2


def test_refusals(stats_api):
    assert stats_api.get("/api/v1/stats/alarms", "s_nobody").get_json()["error"]["code"] == "stats_denied"
    r = stats_api.get("/api/v1/stats/alarms?start=2026-03-10&end=2026-03-01", "s_city")
    assert r.status_code == 422 and r.get_json()["error"]["code"] == "stats_period_invalid"
    assert stats_api.get("/api/v1/stats/alarms?grain=year", "s_city").status_code == 422


def test_xlsx_export_holds_every_table(stats_api):
    r = stats_api.get(f"/api/v1/stats/alarms/export?{PERIOD}", "s_dist_a")
    assert r.status_code == 200 and r.mimetype.endswith("spreadsheetml.sheet")
    book = load_workbook(BytesIO(r.data))
    assert book.sheetnames == ["预警总览", "当前未闭合预警", "预警趋势", "按类型", "按级别", "按区县", "按项目", "按设备类型"]
    rows = list(book["按区县"].iter_rows(values_only=True))
    assert rows[0][:3] == ("区县", "预警总数", "已闭合")
    mine = _expected([a for a in _in_period(ALARMS) if a.district == "A"])
    assert rows[1:] == [("A区住建局", *mine.values())]
    assert len(list(book["预警趋势"].iter_rows())) == 11
