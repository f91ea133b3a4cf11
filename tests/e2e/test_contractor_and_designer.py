"""As a person would: the contractor's workbench, inbox and a form with a file upload; the designer
changes a diagram in the modeler and deploys a new version. Screenshots at 1280 and 390 px."""
from __future__ import annotations

import pytest

from tests.e2e.conftest import DESKTOP, PHONE, shoot

pytestmark = pytest.mark.e2e

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n" + b"0" * 200_000


def _no_horizontal_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


@pytest.mark.parametrize("viewport,suffix", [(DESKTOP, "desktop"), (PHONE, "phone")])
def test_contractor_sees_workbench_and_inbox(login, viewport, suffix):
    page = login("contractor_pm", viewport)
    assert page.url.endswith("/workbench")
    assert page.locator("#wb-todo").get_by_text("编制专项方案").count() >= 1
    assert page.locator("#wb-projects").get_by_text("JS-2026-001").count() == 1
    shoot(page, f"workbench-{suffix}")
    assert _no_horizontal_scroll(page)
    if page.locator("label.nav-open").is_visible():  # the phone's menu opens first
        page.click("label.nav-open")
    page.click("nav.mainnav >> text=待办")
    page.wait_for_selector("table.inbox")
    assert page.locator("tr[data-task]").count() >= 1
    shoot(page, f"inbox-{suffix}")
    assert _no_horizontal_scroll(page)


def test_contractor_completes_a_form_with_an_upload(login, tmp_path):
    page = login("contractor_pm", PHONE)
    page.goto(page.url.replace("/workbench", "/inbox"))
    page.click("tr[data-task] >> text=编制专项方案")
    page.wait_for_selector("form.case-form")
    page.wait_for_selector("[data-bpmn-viewer][data-ready=true]")
    assert page.locator(".djs-element.step-current").count() == 1
    shoot(page, "task-phone")
    assert _no_horizontal_scroll(page)

    page.fill("input[name=plan_name]", "地下车库顶板高支模专项施工方案")
    page.select_option("select[name=category]", "MB")
    page.check("input[name=method][value=self]")
    page.fill("input[name=height_m]", "八米")  # wrong on purpose: the server says so at the field
    page.click("button.add-row")
    page.locator("fieldset.rows li.row input[type=text]").first.fill("立杆间距偏大")
    page.click("button.primary")
    error = page.locator("[data-field=height_m] .field-error")
    assert error.inner_text() == "请填写数字。"
    assert page.input_value("input[name=height_m]") == "八米"
    assert page.input_value("input[name=plan_name]") == "地下车库顶板高支模专项施工方案"
    assert page.locator("[data-field=plan_file] .field-error").count() == 1
    shoot(page, "task-errors-phone")

    bad = tmp_path / "notes.txt"
    bad.write_text("not allowed")
    page.set_input_files("[data-field=plan_file] input[type=file]", str(bad))
    assert "类型不允许" in page.locator("[data-field=plan_file] .upload-status").inner_text()
    plan = tmp_path / "方案.pdf"
    plan.write_bytes(PDF)
    page.set_input_files("[data-field=plan_file] input[type=file]", str(plan))
    page.wait_for_selector("[data-field=plan_file] ul.uploaded input[type=hidden]", state="attached")
    status = page.locator("[data-field=plan_file] .upload-status").inner_text()
    assert "已上传" in status and "/s" in status
    page.fill("input[name=height_m]", "8.5")
    page.click("button.primary")
    page.wait_for_url("**/inbox")
    assert "已提交" in page.locator(".flash.ok").inner_text()


def test_designer_changes_a_diagram_and_deploys_a_new_version(login, live_server):
    page = login("designer")
    page.goto(f"{live_server}/designer")
    assert "v1" in page.locator("tr[data-key=web_review] .version").inner_text()
    page.click("tr[data-key=web_review] >> text=编辑")
    page.wait_for_selector(".modeler-wrap[data-ready=true]")
    page.click("[data-element-id=review_plan]")
    page.fill("#bio-properties-panel-name", "总监理工程师审查方案")
    page.press("#bio-properties-panel-name", "Tab")
    assert page.locator("g[data-element-id=review_plan]").first.text_content() == "总监理工程师审查方案"
    page.click("#btn-validate")
    page.wait_for_selector("#designer-result:has-text('校验通过')")
    page.click("#btn-deploy")
    page.wait_for_selector("#designer-result:has-text('已部署')")
    assert "web_review v2" in page.locator("#designer-result").inner_text()
    shoot(page, "modeler-desktop")
    page.goto(f"{live_server}/designer")
    assert "v2" in page.locator("tr[data-key=web_review] .version").inner_text()
    shoot(page, "designer-desktop")


def test_modeler_draws_a_laid_out_chain_and_will_not_deploy_an_empty_canvas(login, live_server):
    page = login("designer")
    page.goto(f"{live_server}/designer/device_alarm_disposal/edit")
    page.wait_for_selector(".modeler-wrap[data-ready=true]")
    assert page.locator("g[data-element-id=handle_alarm]").count() == 1
    assert page.locator("g.djs-shape[data-element-id=Lane_officer]").count() == 1
    assert page.is_enabled("#btn-deploy")
    shoot(page, "modeler-device-alarm-desktop")
    page.click("[data-element-id=handle_alarm]")
    page.keyboard.press("Control+a")
    page.keyboard.press("Delete")
    page.wait_for_selector("#btn-deploy:disabled")
    assert page.locator("g[data-element-id=handle_alarm]").count() == 0
