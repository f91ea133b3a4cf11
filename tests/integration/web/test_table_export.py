"""Every list page exports to Excel (`?format=xlsx`, the 导出 Excel link): the workbook holds the
tables the reader sees on that page — same headers, same rows (a paged list: all of its pages),
same scope and language."""
from __future__ import annotations

from io import BytesIO

import pytest
from openpyxl import load_workbook

from app.web.table_export import page_tables
from tests.support.browsers import signed_in

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# The list pages and statistics tables a user reads (the statistics page links its API exports).
LIST_PAGES = {
    "admin": ["/projects", "/inbox", "/clauses", "/clues", "/urging/stats", "/designer/incidents",
              "/admin/users", "/admin/enterprises", "/admin/projects", "/admin/devices", "/admin/categories",
              "/admin/experts", "/admin/audit", "/admin/backups", "/admin/exchange", "/admin/webhooks",
              "/devices", "/devices/rejections", "/health-check", "/quality", "/projects/JS-2026-001/samples",
              "/assessment/points"],
    "contractor_pm": ["/projects", "/inbox", "/devices"],
    "contractor_pm2": ["/devices/certificates"],
}


def _sheets(data: bytes) -> dict[str, list[list]]:
    book = load_workbook(BytesIO(data))
    return {ws.title: [[c if c is not None else "" for c in row] for row in ws.iter_rows(values_only=True)]
            for ws in book.worksheets}


@pytest.mark.parametrize("user", sorted(LIST_PAGES))
def test_every_list_page_downloads_the_tables_it_shows(site, user):
    client = signed_in(site, user)
    for url in LIST_PAGES[user]:
        page = client.get(url)
        assert page.status_code == 200, url
        html = page.get_data(as_text=True)
        assert 'class="export-xlsx"' in html, url
        expected = page_tables(html)
        assert expected, url
        download = client.get(url, query_string={"format": "xlsx"})
        assert download.status_code == 200 and download.mimetype == XLSX, url
        assert download.headers["Cache-Control"].startswith("private")
        sheets = _sheets(download.data)
        assert list(sheets) == [name for name, _, _ in expected], url
        for name, rows, columns in expected:
            assert sheets[name][0] == [header for _, header in columns], (url, name)
            shown = [[row.get(key, "") for key, _ in columns] for row in rows]
            # a paged list exports its whole list, which begins with the page shown
            # (test_table_export_whole_list.py checks every row of every page)
            assert sheets[name][1:len(shown) + 1] == shown, (url, name)


def test_the_workbook_keeps_the_pages_filters_scope_and_language(site):
    official = signed_in(site, "admin")
    everything = _sheets(official.get("/projects?format=xlsx").data)
    only = _sheets(official.get("/projects?q=JS-2026-001&format=xlsx").data)
    [(name, rows)] = only.items()
    assert len(rows) == 2 and rows[1][0] == "JS-2026-001" and len(everything[name]) > len(rows)
    contractor = _sheets(signed_in(site, "contractor_pm2").get("/projects?format=xlsx").data)
    assert "JS-2026-001" not in {row[0] for rows in contractor.values() for row in rows}
    english = _sheets(official.get("/projects?lang=en&format=xlsx").data)
    [(title, rows)] = english.items()
    assert title == "Projects & cases" and rows[0][0] == "Code"
    link = official.get("/projects?q=JS").get_data(as_text=True)
    assert 'href="/projects?q=JS&amp;format=xlsx"' in link


def test_a_page_without_exportable_tables_stays_a_page(site):
    page = signed_in(site, "admin").get("/workbench?format=xlsx")
    assert page.mimetype == "text/html"
