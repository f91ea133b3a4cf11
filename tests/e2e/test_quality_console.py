"""In a real browser: the city official opens the quality console from the testing-supervision
page, reads the figures of an agency counted from its reports and warnings, and downloads the
same figures as Excel."""
from __future__ import annotations

from io import BytesIO
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from app.extensions import db
from app.models import User
from app.services.access.actors import actor_for
from app.services.quality import commissions, registries, reports, samples
from tests.e2e.conftest import shoot
from tests.integration.quality.support import agency_body, report_body, sample_body

pytestmark = pytest.mark.e2e
AGENCY = "郑州浏览器统计检测有限公司"


def _actor(username: str):
    return actor_for(db.session.scalar(select(User).where(User.username == username)))


@pytest.fixture(scope="module")
def agency_reports(live_app) -> None:
    """An agency with two reports on JS-2026-001, the first modified after its issue."""
    with live_app.app_context():
        keeper = _actor("district_quality")
        made = registries.create_agency(keeper, agency_body(name=AGENCY))
        registries.add_person(keeper, made.id, {"name": "李检", "qualification": "检测人员", "certificate_no": "E2E-1",
                                                "valid_until": "2099-12-31"})
        registries.add_equipment(keeper, made.id, {"name": "压力试验机", "serial_no": "E2E-Y-1",
                                                   "calibrated_until": "2099-12-31"})
        codes = [samples.record_sample(_actor("supervisor"), "JS-2026-001", sample_body(batch=f"E2E-C{i}"))
                 for i in range(2)]
        commissions.create_commission(_actor("supervisor"), "JS-2026-001", {"agency_id": made.id, "sample_codes": codes})
        header = f"Agency {made.token}"
        reports.receive_report(header, report_body([codes[0]], report_no="E2E-R1"))
        reports.receive_report(header, report_body([codes[0]], report_no="E2E-R1",
                                                   issued_at="2026-03-05T09:00:00+08:00"))
        reports.receive_report(header, report_body([codes[1]], report_no="E2E-R2"))
        db.session.remove()


def test_the_official_reads_the_console_and_downloads_it(login, live_server, agency_reports):
    page = login("city_official")
    page.goto(f"{live_server}/quality")
    page.click("#quality-console-link")
    page.wait_for_url(f"{live_server}/quality/console")
    row = page.locator("#console-agencies tr", has_text=AGENCY)
    assert [c.strip() for c in row.locator("td").all_inner_texts()] == [AGENCY, "2", "0", "1", "1"]
    totals = [int(page.locator(f"#total-{name}").inner_text()) for name in ("reports", "unqualified", "modified")]
    with page.expect_download() as download:
        page.click("#export-console")
    book = load_workbook(BytesIO(Path(download.value.path()).read_bytes()))
    rows = list(book["按检测机构"].values)
    assert (AGENCY, 2, 0, 1, 1) in rows
    assert [sum(r[i] for r in list(book["按辖区"].values)[1:]) for i in (1, 2, 3)] == totals
    shoot(page, "quality-console")
