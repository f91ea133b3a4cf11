"""A returned form comes back filled (issue 15): the contractor compiles a plan in Chromium, the
technical lead sends it back with a reason, and the contractor's form shows the reason on top, his
last answers in the inputs and his plan file (by name, marked current) kept; resubmitting it
unchanged reaches the technical lead again, whose page shows the plan above the form."""
from __future__ import annotations

import pytest

from tests.e2e.conftest import PHONE, shoot
from tests.e2e.test_hazard_and_alarm import PDF, _open_task, _submit, _upload

pytestmark = pytest.mark.e2e


def _register_work(page, base: str) -> int:
    page.goto(f"{base}/projects/JS-2026-001")
    page.click("#register-work")
    page.wait_for_selector("form.work-form")
    page.fill("input[name=code]", "E2E-RT-01")
    page.fill("input[name=name]", "3#楼悬挑脚手架（退回演示）")
    page.select_option("select[name=category_code]", "MB-SUP")
    page.fill("input[name='param.height_m']", "6")
    page.fill("input[name='param.span_m']", "10")
    page.click("form.work-form button.primary")
    page.wait_for_selector("#registered-note")
    return int(page.url.split("/works/")[1].split("?")[0])


def test_returned_plan_form_comes_back_filled(login, live_server, tmp_path):
    base = live_server
    pm = login("contractor_pm")
    work_id = _register_work(pm, base)
    pm.click("button[data-process=hazardous_plan_review]")
    pm.wait_for_selector("form.case-form")
    assert pm.locator("#returned").count() == 0
    assert "3#楼悬挑脚手架（退回演示）" in pm.locator("#case-summary").inner_text()
    pm.fill("input[name=plan_name]", "悬挑脚手架专项施工方案")
    pm.fill("input[name=planned_start]", "2026-06-01")
    pm.fill("input[name=planned_end]", "2026-07-31")
    pm.fill("input[name=compile_date]", "2026-05-20")
    plan = tmp_path / "悬挑脚手架方案.pdf"
    plan.write_bytes(PDF)
    _upload(pm, "plan_file", plan)
    pm.click("form.case-form button.primary")
    pm.wait_for_url("**/inbox")
    assert "接下来" in pm.locator(".flash.ok").inner_text()
    assert "施工单位技术负责人" in pm.locator(".flash.ok").inner_text()

    tech = login("tech_lead")
    _open_task(tech, base, work_id, "技术负责人审核方案")
    assert "悬挑脚手架专项施工方案" in tech.locator("#case-summary").inner_text()
    tech.check("input[name=tech_decision][value=return]")
    tech.fill("textarea[name=tech_reason]", "缺少连墙件计算书")
    _submit(tech)

    pm = login("contractor_pm", PHONE)
    _open_task(pm, base, work_id, "编制专项施工方案")
    assert "缺少连墙件计算书" in pm.locator("#returned").inner_text()
    assert pm.locator("input[name=plan_name]").input_value() == "悬挑脚手架专项施工方案"
    assert pm.locator("input[name=planned_end]").input_value() == "2026-07-31"
    kept = pm.locator("[data-field=plan_file] ul.uploaded li")
    assert kept.count() == 1 and "悬挑脚手架方案.pdf" in kept.inner_text() and "当前版本" in kept.inner_text()
    shoot(pm, "returned-plan-form-phone")
    _submit(pm)

    tech = login("tech_lead")
    _open_task(tech, base, work_id, "技术负责人审核方案")
    files = tech.locator("#case-summary").inner_text()
    assert "悬挑脚手架方案.pdf" in files and "当前版本" in files
