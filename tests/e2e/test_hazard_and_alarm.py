"""As people would: (a) a super-scale hazardous work from registration through plan compilation,
internal reviews, the expert panel and its conclusion to plan_approved, and the argumentation
report PDF; (b) a device alarm published over MQTT (real Mosquitto + the real sidecar) that the
contractor handles in the browser and the district official closes. Screenshots at 1280/390 px."""
from __future__ import annotations

import contextlib
import json
import subprocess
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta

import paho.mqtt.client as mqtt
import pytest
from sqlalchemy import select

from app.extensions import db
from app.infra.mqtt import parse_mqtt_url
from app.models import Device, DeviceAlarm, InboxTask
from app.services.ingestion.ingest import ingest_messages
from devices.__main__ import build_handler
from devices.settings import SidecarConfig
from devices.sidecar import Sidecar
from tests.e2e.conftest import DESKTOP, PHONE, shoot
from tests.support.services import running_mosquitto

pytestmark = pytest.mark.e2e

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n" + b"0" * 50_000
TIMEOUT = 60.0


def _submit(page) -> None:
    """Submit the task form and wait until the server accepted it (back on the inbox)."""
    page.click("form.case-form button.primary")
    page.wait_for_url("**/inbox")
    assert "已提交" in page.locator(".flash.ok").inner_text()


def _upload(page, field: str, path) -> None:
    page.set_input_files(f"[data-field={field}] input[type=file]", str(path))
    page.wait_for_selector(f"[data-field={field}] ul.uploaded input[type=hidden]", state="attached")


def _open_task(page, base: str, work_id: int, title: str) -> str:
    """From the work page, open the step `title` this user holds; returns the holder username."""
    page.goto(f"{base}/works/{work_id}")
    link = page.locator("#cases li[data-task]", has_text=title).first.locator("a")
    link.click()
    page.wait_for_selector("form.case-form")
    return page.url


def _holders(page, base: str, work_id: int, title: str) -> list[tuple[str, str]]:
    """(username, task url) of every open step `title` of the work, read from the work page."""
    page.goto(f"{base}/works/{work_id}")
    rows = page.locator("#cases li[data-task]", has_text=title)
    return [(rows.nth(i).get_attribute("data-holder"),
             f"{base}/tasks/{rows.nth(i).get_attribute('data-task')}") for i in range(rows.count())]


def _register_super_scale_work(page, base: str) -> int:
    page.goto(f"{base}/projects/JS-2026-001")
    page.click("#register-work")
    page.wait_for_selector("form.work-form")
    page.fill("input[name=code]", "E2E-HM-01")
    page.fill("input[name=name]", "地下车库顶板高支模（e2e）")
    page.select_option("select[name=category_code]", "MB-SUP")
    assert page.locator("[data-param=height_m]").is_visible()
    assert not page.locator("[data-param=depth_m]").is_visible()
    page.fill("input[name='param.height_m']", "9.6")
    page.fill("input[name='param.span_m']", "15")
    shoot(page, "work-register-phone")
    page.click("form.work-form button.primary")
    page.wait_for_selector("#registered-note")
    assert "超过一定规模" in page.locator("#super-scale").inner_text()
    assert "搭设（安装）高度为9.6 m，不小于 8 m" in page.locator("#super-scale").inner_text()
    return int(page.url.split("/works/")[1].split("?")[0])


def _compile_plan(page, tmp_path) -> None:
    page.click("button[data-process=hazardous_plan_review]")
    page.wait_for_selector("form.case-form")
    page.fill("input[name=plan_name]", "地下车库顶板高支模专项施工方案")
    page.fill("input[name=planned_start]", "2026-06-01")
    page.fill("input[name=planned_end]", "2026-08-31")
    page.fill("input[name=compile_date]", "2026-05-20")
    plan = tmp_path / "高支模方案.pdf"
    plan.write_bytes(PDF)
    _upload(page, "plan_file", plan)
    _submit(page)


def _review(login, base: str, work_id: int, who: str, title: str, field: str) -> None:
    page = login(who)
    _open_task(page, base, work_id, title)
    page.check(f"input[name={field}][value=pass]")
    _submit(page)


def _panel_opinions(login, official, base: str, work_id: int) -> None:
    seats = _holders(official, base, work_id, "专家论证意见")
    assert len(seats) == 5 and all(u and u.startswith("expert") for u, _ in seats), seats
    for i, (username, url) in enumerate(seats):
        page = login(username, PHONE if i == 0 else DESKTOP)
        page.goto(url)
        page.wait_for_selector("form.case-form")
        page.check("input[name='opinion.attendance'][value=attend]")
        page.check("input[name='opinion.result'][value=pass]")
        page.fill("textarea[name='opinion.comments']", f"计算书完整，监测方案可行（{username}）。")
        if i == 0:
            shoot(page, "expert-opinion-phone")
        _submit(page)


def _conclusion(login, official, base: str, work_id: int, tmp_path) -> None:
    [(leader, url)] = _holders(official, base, work_id, "专家组长填写论证结论")
    page = login(leader)
    page.goto(url)
    page.wait_for_selector("form.case-form")
    page.check("input[name='conclusion.result'][value=pass]")
    page.fill("input[name='conclusion.argumentation_date']", "2026-05-28")
    page.fill("textarea[name='conclusion.summary']", "专家组一致同意通过。")
    report = tmp_path / "论证报告.pdf"
    report.write_bytes(PDF)
    _upload(page, "report_file", report)
    _submit(page)


def test_super_scale_plan_from_registration_to_argumentation_report(login, live_server, tmp_path):
    base = live_server
    pm = login("contractor_pm", PHONE)
    work_id = _register_super_scale_work(pm, base)
    shoot(pm, "work-registered-phone")
    _compile_plan(pm, tmp_path)
    _review(login, base, work_id, "tech_lead", "技术负责人审核方案", "tech_decision")
    _review(login, base, work_id, "chief_supervisor", "总监理工程师审查方案", "chief_decision")
    official = login("district_safety")
    _open_task(official, base, work_id, "组织专家论证")
    official.fill("input[name=panel_size]", "5")
    official.fill("input[name=argumentation_date]", "2026-05-28")
    official.fill("input[name=argumentation_venue]", "金水区安监站三楼会议室")
    _submit(official)
    _panel_opinions(login, official, base, work_id)
    _conclusion(login, official, base, work_id, tmp_path)

    pm.goto(f"{base}/works/{work_id}")
    status = pm.locator(".work-status")
    assert status.get_attribute("data-status") == "plan_approved" and status.inner_text() == "方案已通过"
    shoot(pm, "work-phone")

    official.goto(f"{base}/works/{work_id}")
    link = official.locator("#documents a.pdf[data-template=expert_argumentation_report]")
    number = link.inner_text()
    assert "论" in number
    shoot(official, "work-desktop")
    response = official.context.request.get(base + link.get_attribute("href"))
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(response.body())
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, check=True,
                          text=True).stdout
    assert number in text.replace(" ", "")


# --- (b) a device alarm over MQTT ----------------------------------------------------------

def _wait_for(app, query: Callable[[], object], what: str, timeout: float = TIMEOUT):
    """Poll the database (a condition, not a fixed sleep) until `query()` returns something."""
    deadline = time.monotonic() + timeout
    while True:
        with app.app_context():
            found = query()
            db.session.remove()
        if found:
            return found
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.1)


@contextlib.contextmanager
def _sidecar(app, broker) -> Iterator[None]:
    config = SidecarConfig.for_endpoint(parse_mqtt_url(broker.url), client_id=f"e2e-{uuid.uuid4().hex[:8]}",
                                        batch_size=50, batch_interval_ms=50, reconnect_max_s=2)
    sidecar = Sidecar(config, build_handler(app, ingest_messages))
    stop = threading.Event()
    thread = threading.Thread(target=sidecar.run, args=(stop,), daemon=True)
    thread.start()
    try:
        assert sidecar.subscribed.wait(TIMEOUT), "sidecar never subscribed"
        yield
    finally:
        stop.set()
        thread.join(TIMEOUT)


def _publish(broker, doc: dict) -> None:
    client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, protocol=mqtt.MQTTv5)
    client.connect(broker.host, broker.port)
    client.loop_start()
    try:
        topic = f"sitecase/{doc['project_code']}/{doc['device_type']}/{doc['device_code']}/data"
        info = client.publish(topic, json.dumps(doc).encode(), qos=1)
        info.wait_for_publish(TIMEOUT)
        assert info.is_published()
    finally:
        client.disconnect()
        client.loop_stop()


def _crane_reading(load: float) -> dict:
    china = datetime.now(UTC) + timedelta(hours=8)
    return {"data_id": f"e2e-{uuid.uuid4().hex}", "project_code": "JS-2026-001", "device_code": "JS001-TC-01",
            "device_type": "tower_crane", "metrics": {"load_pct": load},
            "collected_at": china.replace(tzinfo=None, microsecond=0).isoformat() + "+08:00"}


def _open_task_of(alarm_id: int, name: str):
    def query():
        alarm = db.session.get(DeviceAlarm, alarm_id)
        return db.session.scalar(select(InboxTask.id).where(
            InboxTask.instance_id == alarm.instance_id, InboxTask.task_name == name, InboxTask.status == "open"))
    return query


def test_mqtt_alarm_is_handled_by_the_contractor_and_closed_by_the_official(login, live_app, live_server):
    base = live_server
    with running_mosquitto() as broker, _sidecar(live_app, broker):
        _publish(broker, _crane_reading(106.5))
        alarm_id = _wait_for(live_app, lambda: db.session.scalar(select(DeviceAlarm.id).join(Device).where(
            Device.code == "JS001-TC-01", DeviceAlarm.status == "open", DeviceAlarm.instance_id.is_not(None))),
            "the alarm and its disposal case")
        task_id = _wait_for(live_app, _open_task_of(alarm_id, "handle_alarm"), "the contractor's task")

    pm = login("contractor_pm", PHONE)
    pm.goto(f"{base}/inbox")
    row = pm.locator(f"tr[data-task='{task_id}']")
    assert "处置设备预警" in row.inner_text()
    shoot(pm, "inbox-alarm-phone")
    row.locator("a").first.click()
    pm.wait_for_selector("form.case-form")
    pm.fill("textarea[name=cause]", "吊重超过额定起重量，司机未按规定减载")
    pm.fill("textarea[name=measures]", "已停止作业，卸载后重新吊装，对司机进行安全教育")
    pm.fill("input[name=disposed_at]", datetime.now(UTC).astimezone().strftime("%Y-%m-%d"))
    _submit(pm)

    review_id = _wait_for(live_app, _open_task_of(alarm_id, "review_disposal"), "the official's review")
    official = login("district_safety")
    official.goto(f"{base}/tasks/{review_id}")
    official.wait_for_selector("form.case-form")
    # device_alarm_disposal had no diagram interchange: the task page drew an error box instead.
    official.wait_for_selector("[data-bpmn-viewer][data-ready=true]")
    assert official.locator("g.djs-element.step-current[data-element-id=review_disposal]").count() == 1
    assert official.locator("g.djs-element.step-done[data-element-id=handle_alarm]").count() == 1
    shoot(official, "task-alarm-review-desktop")
    official.check("input[name=review_result][value=close]")
    official.fill("textarea[name=review_opinion]", "处置到位，同意关闭。")
    _submit(official)

    official.goto(f"{base}/devices?project=JS-2026-001&status=closed")
    closed = official.locator("#alarms tr", has_text="处置案件").first
    assert "已关闭" in closed.inner_text()
    shoot(official, "alarms-desktop")
    with live_app.app_context():
        assert db.session.get(DeviceAlarm, alarm_id).status == "closed"
        db.session.remove()


# --- the new pages at desktop and phone width -----------------------------------------------

OFFICIAL_PAGES = [("clauses", "/clauses", "#clauses"), ("clues", "/clues", "#clues"),
                  ("urging-stats", "/urging/stats", "#urging-stats"),
                  ("admin-new-expert", "/admin/experts/new", "#admin-new-experts"),
                  ("admin-new-category", "/admin/categories/new", "#admin-new-categories")]


@pytest.mark.parametrize("viewport,suffix", [(DESKTOP, "desktop"), (PHONE, "phone")])
def test_new_pages_fit_desktop_and_phone(login, live_server, viewport, suffix):
    official = login("district_safety", viewport)
    for name, path, marker in OFFICIAL_PAGES:
        official.goto(live_server + path)
        official.wait_for_selector(marker)
        shoot(official, f"{name}-{suffix}")
        assert official.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), name
    pm = login("contractor_pm", viewport)
    pm.goto(f"{live_server}/projects/JS-2026-001/works/new")
    pm.select_option("select[name=category_code]", "JK")
    assert pm.locator("[data-param=depth_m]").is_visible() and pm.locator("[data-declare=hazardous_declared]").is_visible()
    shoot(pm, f"work-register-{suffix}")
    assert pm.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    pm.goto(f"{live_server}/projects/JS-2026-001")
    pm.locator("#works a").first.click()
    pm.wait_for_selector("#work-head")
    shoot(pm, f"work-page-{suffix}")
    assert pm.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
