"""A paged list page exports its whole filtered, scoped list (not the page shown), with the page's
words and columns; a list longer than EXPORT_MAX_ROWS is refused (`export_too_large`), never cut."""
from __future__ import annotations

import re
from collections import Counter
from datetime import UTC, datetime, timedelta
from io import BytesIO
from types import SimpleNamespace

import pytest
from openpyxl import load_workbook

from app.extensions import db
from app.models import DeviceAlarm, DeviceOperator, RejectedMessage
from app.web.table_export import page_tables
from tests.support.browsers import signed_in
from tests.support.factories import (
    PASSWORD,
    gen_device,
    gen_district,
    gen_enterprise,
    gen_inbox_task,
    gen_instance,
    gen_project,
    gen_user,
)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
OFFICIAL_PAGES = {"/projects": 20, "/inbox": 20, "/devices": 20, "/devices/rejections": 20,
                  "/devices/certificates": 20}
ADMIN_PAGES = {"/admin/users": 50, "/admin/enterprises": 50, "/admin/projects": 50, "/admin/devices": 50,
               "/admin/audit": 50}


def _rows(html: str) -> dict[str, list[tuple]]:
    return {name: [tuple(row.get(key, "") for key, _ in columns) for row in rows]
            for name, rows, columns in page_tables(html)}


def _workbook(data: bytes) -> dict[str, list[tuple]]:
    book = load_workbook(BytesIO(data))
    return {ws.title: [tuple("" if c is None else c for c in row) for row in ws.iter_rows(values_only=True)]
            for ws in book.worksheets}


def _every_page(client, url: str) -> dict[str, list[tuple]]:
    """The rows of every page of a paged list, read as a person would, page by page (a table
    that is not paged, the same on every page, counted once)."""
    seen: dict[str, list[tuple]] = {}
    first: dict[str, list[tuple]] = {}
    number = 1
    while True:
        html = client.get(url, query_string={"page": number}).get_data(as_text=True)
        tables = _rows(html)
        first = first or tables
        for name, rows in tables.items():
            if number == 1 or rows != first[name]:
                seen.setdefault(name, []).extend(rows)
        if not re.search(rf"[?&;]page={number + 1}\b", html):
            return seen
        number += 1


@pytest.fixture
def long_lists(site):
    """A district with more rows than one page of every paged list, and its official."""
    district = gen_district()
    official = gen_user("district_safety_officer", org_unit=district)
    now = datetime.now(UTC)
    projects = [gen_project(district) for _ in range(55)]
    device = gen_device(projects[0])
    for n in range(55):
        gen_device(projects[n % 3])
        gen_enterprise()
        gen_user()
    for n in range(25):
        db.session.add(DeviceAlarm(device_id=device.id, project_id=projects[0].id, alarm_type="wind_speed",
                                   level="alarm", status="closed", first_at=now - timedelta(hours=n),
                                   first_data_id=f"d{n}", last_at=now - timedelta(hours=n), last_value=20.0 + n))
        db.session.add(RejectedMessage(project_id=projects[1].id, topic="sitecase/x/y/z/data",
                                       reason_code="not_json", detail="bad", raw="{", received_at=now - timedelta(minutes=n)))
        db.session.add(DeviceOperator(device_id=device.id, name=f"持证人{n}", trade="electrician",
                                      certificate_no=f"C-{n}", certificate_valid_until=now.date() + timedelta(days=n)))
    db.session.commit()
    instance = gen_instance(projects[2])
    for n in range(25):
        gen_inbox_task(instance, "district_safety_officer", title=f"待审任务{n}")
    return SimpleNamespace(official=official, alarmed=projects[0].code, quiet=projects[1].code)


def _check_whole_list(client, url: str, size: int) -> None:
    first = _rows(client.get(url).get_data(as_text=True))
    download = client.get(url, query_string={"format": "xlsx"})
    assert download.status_code == 200 and download.mimetype == XLSX, url
    sheets = _workbook(download.data)
    pages = _every_page(client, url)
    assert list(sheets) == list(pages), url
    [paged] = [name for name in pages if len(pages[name]) > len(first[name])]
    assert len(first[paged]) == size, (url, paged)
    for name, rows in pages.items():
        assert Counter(sheets[name][1:]) == Counter(rows), (url, name)


def test_each_paged_list_exports_every_row_of_its_filtered_list(site, long_lists):
    official = signed_in(site, long_lists.official.username, PASSWORD)
    for url, size in OFFICIAL_PAGES.items():
        _check_whole_list(official, url, size)
    admin = signed_in(site, "admin")
    for url, size in ADMIN_PAGES.items():
        _check_whole_list(admin, url, size)
    # the scope and the filters still hold: the district's projects only; one project's alarms
    projects = _workbook(official.get("/projects?format=xlsx").data)
    codes = {row[0] for rows in projects.values() for row in rows[1:]}
    assert len(codes) == 55 and "JS-2026-001" not in codes
    alarms = _workbook(official.get(f"/devices?project={long_lists.alarmed}&format=xlsx").data)
    quiet = _workbook(official.get(f"/devices?project={long_lists.quiet}&format=xlsx").data)
    [alarm_sheet, *_] = alarms
    assert len(alarms[alarm_sheet]) == 25 + 1 and len(quiet[alarm_sheet]) == 1


def test_an_export_longer_than_the_maximum_is_refused_not_cut(site, long_lists, monkeypatch):
    monkeypatch.setitem(site.config, "EXPORT_MAX_ROWS", 30)  # the PostgreSQL app outlives the test
    official = signed_in(site, long_lists.official.username, PASSWORD)
    refused = official.get("/projects?format=xlsx")
    assert refused.status_code == 422 and refused.mimetype == "text/html"
    text = refused.get_data(as_text=True)
    assert "export_too_large" in text and "55" in text and "30" in text
    english = official.get("/projects?format=xlsx&lang=en").get_data(as_text=True)
    assert "export limit" in english
    assert official.get("/projects").status_code == 200  # the page itself is not limited
    # a shorter list fits: the district's 25 rejected messages
    fits = official.get("/devices/rejections?format=xlsx")
    assert fits.status_code == 200 and fits.mimetype == XLSX
    assert len(next(iter(_workbook(fits.data).values()))) == 25 + 1
