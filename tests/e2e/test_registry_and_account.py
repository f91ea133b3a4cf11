"""In a real browser: the contractor PM keeps a hoist's special operators and thresholds; an admin
resets a password and its owner is made to choose his own at the next login."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Device, DeviceOperator, User
from tests.e2e.conftest import PHONE, shoot

pytestmark = pytest.mark.e2e


def _hoist_id(live_app) -> int:
    with live_app.app_context():
        device_id = db.session.scalar(select(Device.id).where(Device.code == "JS001-SJJ-01"))
        db.session.remove()
    return device_id


def test_pm_adds_an_operator_and_sets_a_threshold(login, live_server, live_app):
    device_id = _hoist_id(live_app)
    page = login("contractor_pm")
    page.goto(f"{live_server}/devices")
    page.click(f'a[href="/devices/{device_id}#operators"]')
    page.click("#add-operator")
    page.fill("input[name=name]", "赵师傅")
    page.select_option("select[name=trade]", "crane_driver_hoist")
    page.fill("input[name=certificate_no]", "建(A)41012020001234")
    page.fill("input[name=certificate_valid_until]", "2020-12-31")
    page.click("#device-operator button[type=submit]")
    page.wait_for_url(re.compile(rf".*/devices/{device_id}(#operators)?$"))
    row = page.locator("#operators tbody tr", has_text="赵师傅")
    assert "已过期" in row.inner_text()  # the certificate ran out: flagged in red
    page.goto(f"{live_server}/devices/{device_id}/thresholds")
    page.fill('input[name="load_pct.warning"]', "85")
    page.fill('input[name="load_pct.alarm"]', "95")
    page.click("#device-thresholds button[type=submit]")
    page.wait_for_url(re.compile(rf".*/devices/{device_id}#thresholds$"))
    assert "阈值已保存。" in page.locator(".flash.ok").inner_text()
    assert "85" in page.locator("#thresholds tbody tr", has_text="载重").inner_text()
    shoot(page, "device-registry-desktop")
    with live_app.app_context():
        assert db.session.scalar(select(DeviceOperator.name).where(DeviceOperator.device_id == device_id)) == "赵师傅"
        db.session.remove()


def test_the_workbench_leads_to_every_expiring_certificate_on_a_phone(login, live_server):
    page = login("contractor_pm2", PHONE)
    page.goto(f"{live_server}/workbench")
    page.click("#wb-all-certificates")
    page.wait_for_url(re.compile(r".*/devices/certificates$"))
    row = page.locator("#certificates tbody tr", has_text="高振华")  # EQ-2026-001's driver, expired in 2025
    assert "已过期" in row.inner_text()
    assert row.locator("td[data-th=设备] a").get_attribute("href").endswith("#operators")
    shoot(page, "expiring-certificates-phone")


def test_reset_password_must_be_replaced_at_the_next_login(login, live_server, live_app, chromium):
    with live_app.app_context():
        user_id = db.session.scalar(select(User.id).where(User.username == "chief_supervisor"))
        db.session.remove()
    admin = login("admin")
    admin.goto(f"{live_server}/admin/users/{user_id}")
    admin.once("dialog", lambda dialog: dialog.accept())
    admin.click("#account-actions button:has-text('重置密码')")
    one_time = admin.locator("#one-time-password").input_value()
    assert len(one_time) == 12

    context = chromium.new_context(viewport=PHONE, locale="zh-CN", timezone_id="Asia/Shanghai")
    try:
        page = context.new_page()
        page.goto(f"{live_server}/login")
        page.fill("input[name=username]", "chief_supervisor")
        page.fill("input[name=password]", one_time)
        page.click("button[type=submit]")
        page.wait_for_url("**/account/password")
        page.goto(f"{live_server}/inbox")
        page.wait_for_url("**/account/password")  # nothing else until the password is his own
        page.fill("input[name=current_password]", one_time)
        page.fill("input[name=new_password]", "Zongjian#2027")
        page.fill("input[name=confirm_password]", "Zongjian#2027")
        page.click("#account-password button[type=submit]")
        page.wait_for_load_state("networkidle")
        assert "/account/password" not in page.url
        assert "密码已修改。" in page.content()
        shoot(page, "password-changed-phone")
    finally:
        context.close()
