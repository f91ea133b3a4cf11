"""Supervision figures checked against counts made here from the world's ORDERS and WORKS lists."""
from __future__ import annotations

from io import BytesIO

from openpyxl import load_workbook

from app.infra import wallclock
from tests.integration.insight.conftest import NOW, ORDERS, PERIOD, WORKS, cn


def _get(stats_api, user, query=PERIOD):
    r = stats_api.get(f"/api/v1/stats/supervision?{query}", user)
    assert r.status_code == 200, r.get_json()
    return r.get_json()["data"]


def _orders(districts: str) -> dict:
    today = wallclock.local_date(NOW)
    rows = {}
    for o in ORDERS:
        if o.district not in districts or not cn(1, 0) <= o.issued <= NOW:
            continue
        late = wallclock.local_date(o.replied) > o.deadline if o.replied else today > o.deadline
        t = rows.setdefault(o.order_type, [0, 0, 0, 0])
        for i, hit in enumerate((True, o.replied is not None, late, o.status == "closed")):
            t[i] += hit
    return rows


def _table(data) -> dict:
    return {r["order_type"]: [r["issued"], r["replied"], r["overdue"], r["closed"]] for r in data["orders"]}


def test_city_counts_orders_works_and_urging(stats_api):
    data = _get(stats_api, "s_city")
    assert _table(data) == _orders("AB")
    assert [r["label"] for r in data["orders"]] == ["限期整改", "局部停工整改", "全面停工整改"]
    works = data["works"]
    assert works["total"] == len(WORKS) and works["super_scale"] == sum(w[2] for w in WORKS)
    assert {c["label"]: c["count"] for c in works["by_category"]} == {"深基坑": 2, "模板工程": 1}
    assert {s["status"]: s["count"] for s in works["by_status"]} == {w[3]: 1 for w in WORKS}
    units = {u["unit"]: u for u in data["urging"]}
    assert units["A区住建局"]["sign_rate"] == 1.0 and units["B区住建局"]["completion_rate"] == 0.0


def test_district_official_sees_his_district(stats_api):
    data = _get(stats_api, "s_dist_a")
    assert _table(data) == _orders("A")
    assert data["works"]["total"] == 2
    assert [u["unit"] for u in data["urging"]] == ["A区住建局"]


def test_contractor_sees_his_project_and_no_urging(stats_api):
    data = _get(stats_api, "s_pm_a")
    assert _table(data) == _orders("A") and data["urging"] == []


def test_order_type_filter_and_period(stats_api):
    assert _table(_get(stats_api, "s_city", PERIOD + "&type=deadline")) == {"deadline": [1, 1, 0, 1]}
    whole = _table(_get(stats_api, "s_city", "start=2026-02-01&end=2026-03-10&type=deadline"))
    assert whole == {"deadline": [2, 1, 1, 1]}


def test_xlsx_export(stats_api):
    r = stats_api.get(f"/api/v1/stats/supervision/export?{PERIOD}", "s_city")
    assert r.status_code == 200
    book = load_workbook(BytesIO(r.data))
    assert book.sheetnames == ["整改单", "危大工程按类别", "危大工程按状态", "督办统计"]
    orders = list(book["整改单"].iter_rows(values_only=True))
    assert orders[0][:5] == ("整改类型", "下发", "已回复", "逾期", "已闭合")
    assert [row[:5] for row in orders[1:]] == [
        ("限期整改", 1, 1, 0, 1), ("局部停工整改", 1, 0, 1, 0), ("全面停工整改", 1, 1, 1, 0)]
    assert list(book["危大工程按类别"].iter_rows(values_only=True))[1:] == [("深基坑", 2, 1), ("模板工程", 1, 0)]
