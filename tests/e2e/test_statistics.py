"""The statistics page draws its charts from the API (ECharts under the CSP) at desktop and phone width."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.extensions import db
from app.infra import wallclock
from app.models import Device, DeviceAlarm, OrgUnit, Project
from tests.e2e.conftest import DESKTOP, PHONE, shoot
from tests.e2e.test_csp import REPORT_VIOLATIONS

# Closed alarms without a case on devices the MQTT scenario does not use: they change no other test.
PER_PROJECT = {"JS-2026-002": 3, "EQ-2026-001": 2}

PIXELS = """(id) => {
  const canvas = document.querySelector('#chart-' + id + ' canvas');
  const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
  let painted = 0;
  for (let i = 3; i < data.length; i += 4) if (data[i] !== 0) painted++;
  return painted;
}"""
SERIES = "(id) => echarts.getInstanceByDom(document.getElementById('chart-' + id)).getOption().series.length"


@pytest.fixture(scope="module")
def alarms_by_district(live_app) -> dict[str, int]:
    with live_app.app_context():
        now, counts = wallclock.now(), {}
        for code, n in PER_PROJECT.items():
            project = db.session.scalar(select(Project).where(Project.code == code))
            device = db.session.scalar(select(Device).where(Device.project_id == project.id).order_by(Device.id))
            for i in range(n):
                first = now - timedelta(days=i + 1)
                db.session.add(DeviceAlarm(device_id=device.id, project_id=project.id, alarm_type="wind_speed",
                                           level="warning", first_at=first, last_at=first, first_data_id=f"st{i}",
                                           status="closed", outcome="handled", closed_at=first + timedelta(hours=2)))
            district = db.session.get(OrgUnit, project.district_id).name
            counts[district] = counts.get(district, 0) + n
        db.session.commit()
        # Alarms the other scenarios raised count too: the page must show what the records hold.
        since = wallclock.local_day_start(wallclock.local_today() - timedelta(days=29))
        rows = db.session.execute(select(OrgUnit.name, DeviceAlarm.id).join(Project, Project.district_id == OrgUnit.id)
                                  .join(DeviceAlarm, DeviceAlarm.project_id == Project.id)
                                  .where(DeviceAlarm.first_at >= since)).all()
        db.session.remove()
    return {name: sum(1 for n, _ in rows if n == name) for name, _ in rows}


@pytest.mark.parametrize("viewport,suffix", [(DESKTOP, "desktop"), (PHONE, "phone")])
def test_charts_are_drawn_with_their_tables(login, live_server, alarms_by_district, viewport, suffix):
    page = login("city_official", viewport)
    page.context.add_init_script(REPORT_VIOLATIONS)
    page.goto(f"{live_server}/stats")
    page.wait_for_selector("#stats[data-loaded=true]", state="attached")
    for chart, series in {"trend": 2, "by_district": 3, "orders": 4, "works_status": 1, "by_type": 1}.items():
        assert page.evaluate(SERIES, chart) == series, chart
        assert page.evaluate(PIXELS, chart) > 500, chart
    shown = {}
    for row in page.locator("#table-by_district tbody tr").all():
        cells = row.locator("td").all_text_contents()  # the table view is folded
        shown[cells[0]] = int(cells[1])
    assert shown == alarms_by_district
    assert page.locator("#table-overview tbody td").first.text_content() == str(sum(alarms_by_district.values()))
    body = page.locator("main").inner_text()
    assert "wind_speed" not in body and "tower_crane" not in body and "预警趋势" in body
    assert page.evaluate("window.__csp") == []
    if suffix == "phone":
        width = page.evaluate("document.getElementById('chart-trend').getBoundingClientRect().width")
        assert 0 < width <= PHONE["width"]
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    shoot(page, f"statistics-{suffix}")
