"""Every quality warning, report and refused report is reachable: the API pages them (limit/offset,
meta.total), /quality pages each list on its own, and its export holds each list whole or refuses
(it showed and answered the newest 500 of each)."""
from __future__ import annotations

import math
from datetime import UTC, date, datetime, timedelta
from io import BytesIO

from openpyxl import load_workbook
from sqlalchemy import select

from app.domain.credit_code import make_credit_code
from app.extensions import db
from app.models import Project, QualityReport, QualityWarning, ReportRejection
from app.models import TestingAgency as Agency
from tests.support.browsers import signed_in

N = 501  # one more than the old cap
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _long_lists() -> None:
    project = db.session.scalar(select(Project).where(Project.code == "JS-2026-001"))
    agency = Agency(name="分页检测有限公司", credit_code=make_credit_code("91410100MA48P0001"),
                           certificate_no="PAGE-1", scope="混凝土", valid_until=date(2099, 12, 31))
    db.session.add(agency)
    db.session.flush()
    at = datetime(2026, 3, 1, tzinfo=UTC)
    db.session.add_all([QualityWarning(kind="agency_overloaded", key=f"paging:{n}", project_id=project.id,
                                       agency_id=agency.id, message=f"分页预警{n:04d}") for n in range(N)])
    db.session.add_all([QualityReport(agency_id=agency.id, project_id=project.id, report_no=f"PG-{n:04d}",
                                      issued_at=at + timedelta(minutes=n), conclusion="qualified", source="api",
                                      entered_by="test") for n in range(N)])
    db.session.add_all([ReportRejection(agency_id=agency.id, project_id=project.id, report_no=f"RJ-{n:04d}",
                                        reason_code="sample_unknown", detail=f"拒收{n:04d}") for n in range(N)])
    db.session.commit()


def _all(api, path: str, key: str) -> tuple[set[str], int]:
    seen: set[str] = set()
    first = api.get(f"{path}?limit=500&offset=0", "district_quality").get_json()
    total = first["meta"]["total"]
    for offset in range(0, total, 500):
        page = api.get(f"{path}?limit=500&offset={offset}", "district_quality").get_json()
        assert page["meta"]["total"] == total
        seen |= {row[key] for row in page["data"]}
    return seen, total


def test_the_api_pages_through_every_warning_report_and_rejection(demo_data, api):
    _long_lists()
    warnings, total = _all(api, "/api/v1/quality/warnings", "message")
    assert {f"分页预警{n:04d}" for n in range(N)} <= warnings and total >= N
    reports, total = _all(api, "/api/v1/quality/reports", "report_no")
    assert {f"PG-{n:04d}" for n in range(N)} <= reports and total >= N
    rejections, total = _all(api, "/api/v1/quality/report-rejections", "report_no")
    assert {f"RJ-{n:04d}" for n in range(N)} <= rejections and total >= N
    for path in ("warnings", "reports", "report-rejections"):
        assert api.get(f"/api/v1/quality/{path}?limit=501", "district_quality").status_code == 422
        assert api.get(f"/api/v1/quality/{path}?offset=-1", "district_quality").status_code == 422
    # still scoped: another district's officer sees none of them
    assert api.get("/api/v1/quality/warnings?kind=agency_overloaded", "district_safety2").get_json()["meta"]["total"] == 0


def test_the_quality_page_pages_each_list_and_exports_them_whole(demo_data, monkeypatch):
    _long_lists()
    station = signed_in(demo_data, "district_quality")
    first = station.get("/quality").get_data(as_text=True)
    assert "分页预警0500" in first and "分页预警0000" not in first and "warnings_page=2" in first
    last = math.ceil(N / 20)  # the oldest of ours is the 501st newest
    assert "分页预警0000" in station.get(f"/quality?warnings_page={last}").get_data(as_text=True)
    assert "PG-0000" in station.get(f"/quality?reports_page={last}").get_data(as_text=True)
    older = station.get(f"/quality?rejections_page={last}&warnings_page=2").get_data(as_text=True)
    assert "RJ-0000" in older and "分页预警0480" in older  # each list keeps its own page
    book = station.get("/quality?format=xlsx")
    assert book.status_code == 200 and book.mimetype == XLSX
    cells = {str(c) for ws in load_workbook(BytesIO(book.data)).worksheets
             for row in ws.iter_rows(values_only=True) for c in row}
    assert {"分页预警0000", "PG-0000", "拒收0000"} <= cells
    monkeypatch.setitem(demo_data.config, "EXPORT_MAX_ROWS", 500)
    refused = station.get("/quality?format=xlsx")
    assert refused.status_code == 422 and "export_too_large" in refused.get_data(as_text=True)
