"""Every delivery is reachable: the /concrete page and the API page through the whole list, and the
export holds it all or refuses (never a silent cut)."""
from __future__ import annotations

import re
from io import BytesIO

from openpyxl import load_workbook

from app.services.quality import concrete_export
from tests.integration.quality.concrete_support import make_delivery, make_producer
from tests.support.browsers import signed_in


def _deliveries(api, n: int) -> list[str]:
    producer = make_producer(api)
    return [make_delivery(api, producer, delivered_at=f"2026-03-{day:02d}T09:30:00+08:00")["number"]
            for day in range(1, n + 1)]


def test_the_list_pages_through_every_delivery(demo_data, api, monkeypatch):
    numbers = _deliveries(api, 25)
    newest_first = numbers[::-1]
    answer = api.get("/api/v1/concrete/deliveries?limit=10&offset=20", "district_quality").get_json()
    assert [d["number"] for d in answer["data"]] == newest_first[20:] and answer["meta"]["total"] == 25
    assert api.get("/api/v1/concrete/deliveries?limit=501", "district_quality").status_code == 422
    station = signed_in(demo_data, "district_quality")
    shown = [re.findall(r"JS-2026-001-C\d{4}", station.get(f"/concrete?page={n}").get_data(as_text=True))
             for n in (1, 2)]
    assert sorted(set(shown[0])) == sorted(newest_first[:20]) and sorted(set(shown[1])) == sorted(newest_first[20:])
    assert "第 1 / 2 页" in station.get("/concrete").get_data(as_text=True)

    book = api.get("/api/v1/concrete/deliveries/export", "district_quality")
    assert book.status_code == 200
    rows = list(load_workbook(BytesIO(book.data)).worksheets[0].iter_rows(min_row=2, values_only=True))
    assert sorted(r[0] for r in rows) == sorted(numbers)
    monkeypatch.setattr(concrete_export, "MAX_ROWS", 24)
    refused = api.get("/api/v1/concrete/deliveries/export", "district_quality", headers={"Accept-Language": "en"})
    assert refused.status_code == 422 and refused.get_json()["error"]["code"] == "export_too_large"
    assert refused.get_json()["error"]["message"].startswith("25 deliveries exceed the export limit of 24")
