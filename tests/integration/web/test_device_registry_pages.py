"""Device pages: alarm filters, the registry with operator counts, and what the PM may edit there."""
from __future__ import annotations

import hashlib
import re
from datetime import UTC, datetime

from sqlalchemy import select

from app.extensions import db
from app.models import Device, DeviceAlarm, DeviceOperator, HazardousWork


def tc01() -> Device:
    db.session.expire_all()
    return db.session.scalar(select(Device).where(Device.code == "JS001-TC-01"))


def alarm(device: Device, alarm_type: str, level: str, at: datetime) -> None:
    db.session.add(DeviceAlarm(device_id=device.id, project_id=device.project_id, alarm_type=alarm_type,
                               level=level, status="open", open_key=f"{device.id}:{alarm_type}", first_at=at,
                               last_at=at, first_value=1.0, last_value=1.0, count=1, first_data_id=f"x-{alarm_type}"))
    db.session.commit()


def test_alarm_list_filters_by_type_level_and_day(browser, site):
    crane = tc01()
    dust = db.session.scalar(select(Device).where(Device.project_id == crane.project_id,
                                                  Device.device_type == "dust"))
    alarm(crane, "load_pct", "alarm", datetime(2026, 11, 20, 3, tzinfo=UTC))
    alarm(dust, "pm10", "warning", datetime(2026, 11, 18, 3, tzinfo=UTC))
    pm = browser("contractor_pm")

    def rows(query: str) -> int:
        html = pm.get(f"/devices?{query}").get_data(as_text=True)
        return len(re.findall(r'<tr class="lv-', html))

    assert rows("") == 2
    assert rows("device_type=tower_crane") == 1 and rows("level=warning") == 1
    assert rows("since=2026-11-19") == 1 and rows("until=2026-11-19") == 1  # China days
    assert rows("since=2026-11-21") == 0 and rows("status=closed") == 0
    assert 'id="alarm-filters"' in pm.get("/devices").get_data(as_text=True)


def test_pm_edits_the_device_its_operators_and_thresholds(browser, site):
    pm, device_id = browser("contractor_pm"), tc01().id
    page = pm.get(f"/devices/{device_id}").get_data(as_text=True)
    assert 'id="device-actions"' in page and 'id="add-operator"' in page
    work = db.session.scalar(select(HazardousWork).where(HazardousWork.project_id == tc01().project_id))
    r = pm.post(f"/devices/{device_id}/edit", data={"name": "东侧塔吊", "hazardous_work_id": str(work.id), "active": "1"})
    assert r.status_code == 302
    assert (tc01().name, tc01().hazardous_work_id) == ("东侧塔吊", work.id)
    assert pm.post(f"/devices/{device_id}/edit", data={"name": "", "active": "1"}).status_code == 422

    operator = {"name": "王建国", "trade": "crane_driver_tower", "certificate_no": "A-1",
                "certificate_valid_until": "2020-01-31", "phone": ""}
    assert pm.post(f"/devices/{device_id}/operators/new", data=operator).status_code == 302
    again = pm.post(f"/devices/{device_id}/operators/new", data=operator)
    assert again.status_code == 409 and "该设备已登记此操作证书编号。" in again.get_data(as_text=True)
    bad = pm.post(f"/devices/{device_id}/operators/new", data={**operator, "certificate_no": "A-2", "trade": "x"})
    assert bad.status_code == 422 and "工种无效。" in bad.get_data(as_text=True)
    page = pm.get(f"/devices/{device_id}").get_data(as_text=True)
    assert "王建国" in page and "已过期" in page  # the certificate ran out in 2020
    op_id = db.session.scalar(select(DeviceOperator.id).where(DeviceOperator.certificate_no == "A-1"))
    edited = pm.post(f"/devices/{device_id}/operators/{op_id}/edit",
                     data={**operator, "certificate_valid_until": "2030-01-31"})
    assert edited.status_code == 302
    assert "已过期" not in pm.get(f"/devices/{device_id}").get_data(as_text=True)
    listing = pm.get("/devices").get_data(as_text=True)
    assert f'href="/devices/{device_id}#operators">1</a>' in listing
    assert pm.post(f"/devices/{device_id}/operators/{op_id}/delete").status_code == 302
    assert db.session.scalar(select(DeviceOperator.id).where(DeviceOperator.id == op_id)) is None

    form = pm.get(f"/devices/{device_id}/thresholds").get_data(as_text=True)
    assert 'name="load_pct.warning"' in form
    saved = pm.post(f"/devices/{device_id}/thresholds", data={"load_pct.warning": "85", "load_pct.alarm": "95"})
    assert saved.status_code == 302 and tc01().threshold_overrides == {"load_pct": {"warning": 85.0, "alarm": 95.0}}
    wrong = pm.post(f"/devices/{device_id}/thresholds", data={"load_pct.warning": "99", "load_pct.alarm": "90"})
    assert wrong.status_code == 422 and tc01().threshold_overrides["load_pct"]["warning"] == 85.0
    assert pm.post(f"/devices/{device_id}/thresholds", data={"load_pct.warning": "abc"}).status_code == 422
    cleared = pm.post(f"/devices/{device_id}/thresholds", data={})
    assert cleared.status_code == 302 and tc01().threshold_overrides == {}

    reset = pm.post(f"/devices/{device_id}/token")
    html = reset.get_data(as_text=True)
    assert reset.headers["Cache-Control"] == "no-store" and "设备接入令牌已重置" in html
    token = re.search(r'id="device-token" class="token" type="text" value="([^"]+)"', html).group(1)
    assert tc01().token_sha256 == hashlib.sha256(token.encode()).hexdigest()


def test_members_read_others_are_refused(browser, site):
    device_id = tc01().id
    member = browser("safety_officer")
    page = member.get(f"/devices/{device_id}").get_data(as_text=True)
    assert 'id="device-actions"' not in page and 'id="add-operator"' not in page
    for path in (f"/devices/{device_id}/edit", f"/devices/{device_id}/thresholds",
                 f"/devices/{device_id}/operators/new"):
        assert member.get(path).status_code == 403, path
    assert member.post(f"/devices/{device_id}/token").status_code == 403
    outsider = browser("contractor_pm2")
    assert outsider.get(f"/devices/{device_id}").status_code == 404
    assert outsider.post(f"/devices/{device_id}/edit", data={"name": "x", "active": "1"}).status_code == 404
    assert browser("district_safety").get(f"/devices/{device_id}/edit").status_code == 200


def test_workbench_reminds_of_certificates_ending_within_30_days(browser, site):
    from datetime import timedelta

    from app.infra import wallclock

    today = wallclock.local_today()
    device_id = tc01().id
    for name, number, days in (("即将到期", "S-10", 10), ("已经过期", "S-0", -1), ("尚早", "S-100", 100)):
        db.session.add(DeviceOperator(device_id=device_id, name=name, trade="signal_rigger", certificate_no=number,
                                      certificate_valid_until=today + timedelta(days=days)))
    db.session.commit()
    html = browser("contractor_pm").get("/workbench").get_data(as_text=True)
    reminders = html.split('id="wb-certificates"')[1].split("</ul>")[0]
    assert "已经过期" in reminders and "即将到期" in reminders and "尚早" not in reminders
    assert reminders.index("已经过期") < reminders.index("即将到期")  # soonest first
    assert "将到期" in reminders and "已过期" in reminders
    # EQ-2026-001's driver (demo data) ran out in 2025: only that project's PM is reminded.
    other = browser("contractor_pm2").get("/workbench").get_data(as_text=True)
    assert "高振华" in other and "即将到期" not in other
    assert "高振华" not in html


def test_the_workbench_links_every_expiring_certificate_on_its_own_paged_page(browser, site):
    from datetime import timedelta

    from app.infra import wallclock

    today = wallclock.local_today()
    device_id = tc01().id
    for n in range(25):  # more than the workbench's 8 and a page's 20; one beyond the 30 days
        db.session.add(DeviceOperator(device_id=device_id, name=f"持证人{n:02d}", trade="signal_rigger",
                                      certificate_no=f"C-{n}", certificate_valid_until=today + timedelta(days=n - 2)))
    db.session.add(DeviceOperator(device_id=device_id, name="尚早", trade="signal_rigger", certificate_no="C-late",
                                  certificate_valid_until=today + timedelta(days=31)))
    db.session.commit()
    pm = browser("contractor_pm")
    workbench = pm.get("/workbench").get_data(as_text=True)
    assert 'id="wb-all-certificates"' in workbench and "（25）" in workbench.split('id="wb-all-certificates"')[1][:200]

    def names(html: str) -> list[str]:
        return re.findall(r'<td data-th="姓名">([^<]*)</td>', html.split('id="certificates"')[1])

    first, second = pm.get("/devices/certificates").get_data(as_text=True), \
        pm.get("/devices/certificates?page=2").get_data(as_text=True)
    assert names(first) == [f"持证人{n:02d}" for n in range(20)] and names(second) == [f"持证人{n:02d}" for n in range(20, 25)]
    assert first.count("已过期</span>") == 2 and "第 1 / 2 页" in first and "塔式起重机" not in names(first)
    assert "尚早" not in first + second
    # scoped like the workbench: the district's official sees them, the other district's and another
    # project's PM do not
    assert "持证人00" in browser("district_safety").get("/devices/certificates").get_data(as_text=True)
    for outsider in ("district_safety2", "contractor_pm2"):
        assert "持证人" not in browser(outsider).get("/devices/certificates").get_data(as_text=True)
    english = pm.get("/devices/certificates?lang=en").get_data(as_text=True)
    assert "Expiring certificates" in english and "Crane signaller" in english and "Expired" in english
