"""Every supervision record and missing-log reminder is reachable: the API pages them (limit/offset,
meta.total), the pages page them, the export holds every record or refuses (it showed the newest 500
records and 200 reminders, and the export cut at 10,000)."""
from __future__ import annotations

from datetime import date, timedelta
from io import BytesIO

from openpyxl import load_workbook
from sqlalchemy import select

from app.extensions import db
from app.models import Project, SupervisionLogReminder, SupervisionRecord
from app.services.site_records import export
from tests.support.browsers import signed_in

RECORDS, REMINDERS = 501, 201  # one more than the old caps


def _long_lists() -> None:
    project = db.session.scalar(select(Project).where(Project.code == "JS-2026-001"))
    first = date(2024, 1, 1)
    db.session.add_all([SupervisionRecord(project_id=project.id, kind="log", number=f"PGLOG-{n:04d}",
                                          record_date=first + timedelta(days=n), content={}, author="x",
                                          author_name="分页记录人") for n in range(RECORDS)])
    db.session.add_all([SupervisionLogReminder(project_id=project.id, day=first + timedelta(days=n), missing_days=3,
                                               told=1, message=f"分页缺失预警{n:04d}") for n in range(REMINDERS)])
    db.session.commit()


def _every(api, path: str, key: str) -> set[str]:
    path += "&" if "?" in path else "?"
    total = api.get(f"{path}limit=1", "district_safety").get_json()["meta"]["total"]
    seen: set[str] = set()
    for offset in range(0, total, 500):
        seen |= {r[key] for r in api.get(f"{path}limit=500&offset={offset}", "district_safety").get_json()["data"]}
    return seen


def test_the_api_pages_through_every_record_and_reminder(demo_data, api):
    _long_lists()
    assert {f"PGLOG-{n:04d}" for n in range(RECORDS)} <= _every(api, "/api/v1/supervision-records", "number")
    reminders = _every(api, "/api/v1/supervision-log-reminders?project=JS-2026-001", "message")
    assert {f"分页缺失预警{n:04d}" for n in range(REMINDERS)} <= reminders
    oldest = api.get("/api/v1/supervision-log-reminders?project=JS-2026-001&limit=1&offset=200", "district_safety")
    assert [r["message"] for r in oldest.get_json()["data"]] == ["分页缺失预警0000"]
    assert oldest.get_json()["meta"]["total"] == REMINDERS
    assert api.get("/api/v1/supervision-records?limit=501", "district_safety").status_code == 422
    assert api.get("/api/v1/supervision-log-reminders?offset=-1", "district_safety").status_code == 422
    assert api.get("/api/v1/supervision-log-reminders?project=JS-2026-001",
                   "district_safety2").get_json()["meta"]["total"] == 0  # scoped


def test_the_pages_page_and_the_export_holds_all_or_refuses(demo_data, api, monkeypatch):
    _long_lists()
    official = signed_in(demo_data, "district_safety")
    for url in ("/supervision-records", "/projects/JS-2026-001/supervision-records"):
        html = official.get(url).get_data(as_text=True)
        assert "PGLOG-0500" in html and "PGLOG-0000" not in html and "reminders_page=2" in html
        assert "PGLOG-0000" in official.get(f"{url}?page={-(-RECORDS // 20)}").get_data(as_text=True)
        assert "分页缺失预警0000" in official.get(f"{url}?reminders_page={-(-REMINDERS // 20)}").get_data(as_text=True)
    book = api.get("/api/v1/supervision-records/export?project=JS-2026-001", "district_safety")
    assert book.status_code == 200
    numbers = {row[0] for row in load_workbook(BytesIO(book.data)).worksheets[0].iter_rows(min_row=2, values_only=True)}
    assert {f"PGLOG-{n:04d}" for n in range(RECORDS)} <= numbers
    monkeypatch.setattr(export, "MAX_ROWS", 500)
    refused = api.get("/api/v1/supervision-records/export", "district_safety", headers={"Accept-Language": "en"})
    assert refused.status_code == 422 and refused.get_json()["error"]["code"] == "export_too_large"
    assert "exceed the export limit of 500" in refused.get_json()["error"]["message"]
