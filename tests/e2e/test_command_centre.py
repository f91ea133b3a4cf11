"""The command centre draws its charts from the API at desktop and phone width; the district grid
shows what the records hold, counted here independently."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.infra import wallclock
from app.models import Device, DeviceAlarm, OrgUnit, Project
from tests.e2e.conftest import DESKTOP, PHONE, shoot
from tests.e2e.test_csp import REPORT_VIOLATIONS
from tests.e2e.test_statistics import PIXELS, SERIES


@pytest.fixture(scope="module")
def district_counts(live_app) -> dict[str, tuple[int, int, int]]:
    """(projects, alarms raised this month, alarms open now) per district, as the records hold them
    when the page is read, after two closed alarms of today (no case: they change no other test)."""
    with live_app.app_context():
        now = wallclock.now()
        project = db.session.scalar(select(Project).where(Project.code == "EQ-2026-001"))
        device = db.session.scalar(select(Device).where(Device.project_id == project.id).order_by(Device.id))
        for i in range(2):
            first = now - timedelta(minutes=i + 1)
            db.session.add(DeviceAlarm(device_id=device.id, project_id=project.id, alarm_type="wind_speed",
                                       level="warning", first_at=first, last_at=first, first_data_id=f"cc-e2e{i}",
                                       status="closed", outcome="handled", closed_at=now))
        db.session.commit()
        month = wallclock.local_day_start(wallclock.local_today().replace(day=1))
        raised = dict(db.session.execute(
            select(OrgUnit.name, func.count()).join(Project, Project.district_id == OrgUnit.id)
            .join(DeviceAlarm, DeviceAlarm.project_id == Project.id).where(DeviceAlarm.first_at >= month)
            .group_by(OrgUnit.name)).all())
        projects = dict(db.session.execute(select(OrgUnit.name, func.count()).join(Project, Project.district_id == OrgUnit.id)
                                           .group_by(OrgUnit.name)).all())
        open_alarms = dict(db.session.execute(
            select(OrgUnit.name, func.count()).join(Project, Project.district_id == OrgUnit.id)
            .join(DeviceAlarm, DeviceAlarm.project_id == Project.id).where(DeviceAlarm.status == "open")
            .group_by(OrgUnit.name)).all())
        db.session.remove()
    return {name: (n, raised.get(name, 0), open_alarms.get(name, 0)) for name, n in projects.items()}


@pytest.mark.parametrize("viewport,suffix", [(DESKTOP, "desktop"), (PHONE, "phone")])
def test_command_centre_charts_and_district_grid(login, live_server, district_counts, viewport, suffix):
    page = login("city_official", viewport)
    page.context.add_init_script(REPORT_VIOLATIONS)
    page.goto(f"{live_server}/command-centre")
    page.wait_for_selector("#centre[data-loaded=true]", state="attached")
    for chart, series in {"projects_by_district": 4, "projects_by_status": 1, "devices": 2, "alarms": 3,
                          "orders": 4, "works": 1}.items():
        assert page.evaluate(SERIES, chart) == series, chart
        assert page.evaluate(PIXELS, chart) > 500, chart
    shown = {}
    for row in page.locator("#table-districts tbody tr").all():
        cells = row.locator("td").all_text_contents()  # rank, district, projects, active, devices, rate, month, open
        shown[cells[1]] = (int(cells[2]), int(cells[6]), int(cells[7]))
    assert shown == district_counts and sum(v[1] for v in shown.values()) >= 2
    opens = [v[2] for v in shown.values()]
    ranks = [int(t) for t in page.locator("#table-districts tbody tr td:first-child").all_text_contents()]
    assert ranks == list(range(1, len(shown) + 1)) and opens == sorted(opens, reverse=True)
    body = page.locator("main").inner_text()
    assert "指挥中心" in body and "tower_crane" not in body and "registered" not in body
    assert page.evaluate("window.__csp") == []
    if suffix == "phone":
        width = page.evaluate("document.getElementById('chart-alarms').getBoundingClientRect().width")
        assert 0 < width <= PHONE["width"]
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    shoot(page, f"command-centre-{suffix}")


WALL = {"width": 1920, "height": 1080}


def test_the_wall_draws_dark_without_a_login_and_refreshes(chromium, live_app, live_server):
    from app.models import OrgUnit as Unit
    from app.services.insight import display

    with live_app.app_context():
        city = db.session.scalar(select(Unit).where(Unit.parent_id.is_(None)).order_by(Unit.id))
        _, token = display.issue(city.code, "指挥大厅")
        projects = db.session.scalar(select(func.count()).select_from(Project))
        db.session.remove()
    context = chromium.new_context(viewport=WALL, locale="zh-CN", timezone_id="Asia/Shanghai")
    try:
        page = context.new_page()
        page.add_init_script(REPORT_VIOLATIONS)
        page.clock.install()
        page.goto(f"{live_server}/display?token={token}")
        page.wait_for_selector("#centre[data-updates='1']", state="attached")
        for chart, series in {"projects_by_district": 4, "devices": 2, "alarms": 3, "orders": 4, "works": 1}.items():
            assert page.evaluate(SERIES, chart) == series, chart
            assert page.evaluate(PIXELS, chart) > 500, chart
        shown = sum(int(c) for c in page.locator("#table-projects_by_district tbody tr td:nth-child(2)").all_text_contents())
        assert shown == projects  # the table view holds the figures, though the wall folds it away
        assert page.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(11, 21, 38)"
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
        assert "/login" not in page.url and page.evaluate("window.__csp") == []
        assert token not in page.url and token not in page.content()  # the cookie holds it
        assert page.evaluate("document.cookie").find(token) == -1  # HttpOnly: no script reads it
        page.clock.run_for(61_000)  # the minute's refresh asks again
        page.wait_for_selector("#centre[data-updates='2']", state="attached")
        shoot(page, "command-centre-wall")
    finally:
        context.close()
