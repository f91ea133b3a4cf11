"""The assessment page draws the month's district and enterprise scores from the API at desktop
and phone width; the figures are checked against counts made here from the records."""
from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import Device, DeviceReading, OrgUnit, Project
from app.services.assessment.scoring import compute_month
from tests.e2e.conftest import DESKTOP, PHONE, shoot
from tests.e2e.test_csp import REPORT_VIOLATIONS
from tests.e2e.test_statistics import PIXELS, SERIES

MONTH = "2025-01"   # a month no other scenario writes to: only the readings below count in it
CHART_DATA = "(id) => echarts.getInstanceByDom(document.getElementById('chart-' + id)).getOption().series[0].data"


@pytest.fixture(scope="module")
def connected(live_app) -> dict[str, tuple[int, int]]:
    """A reading in January 2025 on one device of JS-2026-001; then, counted here from the records,
    {district: (active projects with a reading that month, active projects)}."""
    with live_app.app_context():
        project = db.session.scalar(select(Project).where(Project.code == "JS-2026-001"))
        device = db.session.scalar(select(Device).where(Device.project_id == project.id).order_by(Device.id))
        db.session.add(DeviceReading(data_id="assessment-e2e", device_id=device.id, metrics={"load_pct": 30},
                                     collected_at=datetime(2025, 1, 15, 2, tzinfo=UTC)))
        db.session.commit()
        compute_month(MONTH)
        active = dict(db.session.execute(select(OrgUnit.name, func.count(Project.id))
                                         .join(Project, Project.district_id == OrgUnit.id)
                                         .where(Project.status == "active").group_by(OrgUnit.name)).all())
        reporting = dict(db.session.execute(
            select(OrgUnit.name, func.count(func.distinct(Project.id))).join(Project, Project.district_id == OrgUnit.id)
            .join(Device, Device.project_id == Project.id).join(DeviceReading, DeviceReading.device_id == Device.id)
            .where(Project.status == "active", Device.active.is_(True),
                   DeviceReading.collected_at >= datetime(2024, 12, 31, 16, tzinfo=UTC),
                   DeviceReading.collected_at < datetime(2025, 1, 31, 16, tzinfo=UTC))
            .group_by(OrgUnit.name)).all())
        db.session.remove()
    return {name: (reporting.get(name, 0), n) for name, n in active.items()}


@pytest.mark.parametrize("viewport,suffix", [(DESKTOP, "desktop"), (PHONE, "phone")])
def test_scores_are_drawn_and_match_the_records(login, live_server, connected, viewport, suffix):
    page = login("city_official", viewport)
    page.context.add_init_script(REPORT_VIOLATIONS)
    page.goto(f"{live_server}/assessment?month={MONTH}")
    page.wait_for_selector("#assessment[data-loaded=true]", state="attached")
    for chart in ("district", "enterprise"):
        assert page.evaluate(SERIES, chart) == 1, chart
        assert page.evaluate(PIXELS, chart) > 500, chart
    rows = page.locator("#ranking-district > table > tbody > tr").all()
    shown = {}
    for row in rows:
        unit = row.locator("td").nth(1).text_content()
        detail = row.locator("tr[data-measure=sites_connected] td.counts").text_content()  # folded: read the DOM
        shown[unit] = tuple(int(n) for n in detail.split("/"))
        # the score is the earned points over the weights of the points that apply, as the page lists them
        weights = points = 0.0
        for item in row.locator("tbody tr[data-measure]").all():
            cells = item.locator("td").all_text_contents()
            if cells[6] != "—":
                weights, points = weights + float(cells[5]), points + float(cells[6])
        assert float(row.locator("td.score").text_content()) == pytest.approx(100 * points / weights, abs=0.01)
    assert shown == connected and len(shown) >= 2
    scores = [float(r.locator("td.score").text_content()) for r in rows]
    assert [p["value"] if isinstance(p, dict) else p for p in page.evaluate(CHART_DATA, "district")] == scores
    assert page.evaluate("window.__csp") == []
    if suffix == "phone":
        width = page.evaluate("document.getElementById('chart-district').getBoundingClientRect().width")
        assert 0 < width <= PHONE["width"]
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    shoot(page, f"assessment-{suffix}")
