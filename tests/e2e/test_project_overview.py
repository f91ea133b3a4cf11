"""A project's overview draws its charts (alarm types, cases, one line chart per metric) from the
API, at desktop and phone width, with what the records hold."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.extensions import db
from app.infra import wallclock
from app.models import Device, DeviceAlarm, DeviceReading, Project
from tests.e2e.conftest import DESKTOP, PHONE, shoot
from tests.e2e.test_csp import REPORT_VIOLATIONS
from tests.e2e.test_statistics import PIXELS, SERIES

CODE = "EQ-2026-001"


@pytest.fixture(scope="module")
def overview_records(live_app) -> dict:
    """Two readings of the project's first device within the hour and a closed alarm of today; the
    metrics the records hold for the last 24 hours, as the trend charts should show them."""
    with live_app.app_context():
        now = wallclock.now()
        project = db.session.scalar(select(Project).where(Project.code == CODE))
        device = db.session.scalar(select(Device).where(Device.project_id == project.id).order_by(Device.id))
        for i, load in enumerate((40.0, 55.0)):
            db.session.add(DeviceReading(data_id=f"ov-e2e{i}", device_id=device.id,
                                         collected_at=now - timedelta(minutes=30 - i * 10), metrics={"load_pct": load}))
        db.session.add(DeviceAlarm(device_id=device.id, project_id=project.id, alarm_type="load_pct", level="warning",
                                   first_at=now - timedelta(minutes=5), last_at=now, first_data_id="ov-e2e-a",
                                   status="closed", outcome="handled", closed_at=now))
        db.session.commit()
        metrics = set()
        for (values,) in db.session.execute(
                select(DeviceReading.metrics).join(Device, Device.id == DeviceReading.device_id)
                .where(Device.project_id == project.id, DeviceReading.kind == "data",
                       DeviceReading.collected_at >= now - timedelta(hours=24))):
            metrics |= {k for k, v in (values or {}).items() if isinstance(v, int | float) and not isinstance(v, bool)}
        db.session.remove()
    return {"metrics": len(metrics)}


@pytest.mark.parametrize("viewport,suffix", [(DESKTOP, "desktop"), (PHONE, "phone")])
def test_project_overview_draws_its_charts(login, live_server, overview_records, viewport, suffix):
    page = login("city_official", viewport)
    page.context.add_init_script(REPORT_VIOLATIONS)
    page.goto(f"{live_server}/projects/{CODE}")
    page.click("#overview-link")
    page.wait_for_selector("#overview[data-loaded=true]", state="attached")
    for chart in ("alarm_types", "case_processes"):
        assert page.evaluate(SERIES, chart) == 1, chart
        assert page.evaluate(PIXELS, chart) > 500, chart
    trends = page.locator("#trends .chart")
    assert trends.count() == overview_records["metrics"] >= 1
    for n in range(trends.count()):
        assert page.evaluate(PIXELS, f"trend-{n}") > 500, n
    assert int(page.locator("#table-alarm_figures tbody td").first.text_content()) >= 1
    assert page.locator("#table-devices tbody tr").count() >= 1
    assert page.evaluate("window.__csp") == []
    shoot(page, f"project_overview_{suffix}")
