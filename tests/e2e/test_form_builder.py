"""The form builder: a field list (add, reorder, type, label, required, options, widget, help,
read-only display, each text's English) writing the same JSON Schema + UI schema (its "ui:en"
map) as the raw JSON, with a live preview; a raw JSON edit re-reads the list (a click in the list
right after it still lands); texts without
English are listed; deploying sends both files."""
from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import ProcessDefinition
from tests.e2e.conftest import shoot

pytestmark = pytest.mark.e2e
FORM = "web_compile.schema.json"


def _json(page, area: str) -> dict:
    return json.loads(page.input_value(f"#{area}"))


def _row(page, name: str):
    return page.locator(f"#field-list li[data-field={name}]")


def test_the_builder_edits_fields_and_writes_schema_and_layout(login, live_server, live_app):
    page = login("designer")
    page.goto(f"{live_server}/designer/web_review/forms/{FORM}")
    page.wait_for_selector("#field-list li")
    names = page.eval_on_selector_all("#field-list li", "rows => rows.map(r => r.dataset.field)")
    assert names[:6] == ["plan_name", "category", "method", "height_m", "workers", "start_date"]
    assert _row(page, "problems").locator(".f-type").input_value() == "complex"
    assert _row(page, "method").locator(".f-options").input_value() == "self=自行编制=By ourselves\noutsourced=委托编制=Commissioned"
    assert _row(page, "plan_name").locator(".f-required").is_checked()

    # A new choice field: name, label, options with words, radio buttons, help, required.
    page.click("#btn-add-field")
    row = page.locator("#field-list li").last
    row.locator(".f-name").fill("check_level")
    row = _row(page, "check_level")
    row.locator(".f-label").fill("检查等级")
    assert "检查等级" in page.locator("#builder-problems").inner_text()  # no English yet: said
    row.locator(".f-label-en").fill("Check level")
    row.locator(".f-type").select_option("choice")
    row.locator(".f-options").fill("a=甲级=Grade A\nb=乙级=Grade B")
    row.locator(".f-widget").select_option("radio")
    row.locator(".f-help").fill("按检查表评定")
    row.locator(".f-help-en").fill("Graded by the checklist")
    row.locator(".f-required").check()
    row.locator(".f-up").click()  # one place up
    # A read-only display field, then a field added and removed again.
    page.click("#btn-add-field")
    page.locator("#field-list li").last.locator(".f-name").fill("review_note")
    note = _row(page, "review_note")
    note.locator(".f-label").fill("审查意见（只读）")
    note.locator(".f-label-en").fill("Review note (read only)")
    note.locator(".f-readonly").check()
    page.click("#btn-add-field")
    page.locator("#field-list li").last.locator(".f-remove").click()

    schema, ui = _json(page, "form-json"), _json(page, "form-ui-json")
    assert schema["properties"]["check_level"] == {"type": "string", "enum": ["a", "b"], "title": "检查等级",
                                                   "description": "按检查表评定"}
    assert schema["properties"]["review_note"] == {"type": "string", "title": "审查意见（只读）", "readOnly": True}
    assert "check_level" in schema["required"] and "review_note" not in schema["required"]
    assert schema["properties"]["problems"]["items"]["properties"]["desc"]["minLength"] == 1  # kept as it was
    assert schema["properties"]["plan_name"]["maxLength"] == 100
    order = ui["ui:order"]
    assert order[-1] == "review_note"
    assert order.index("check_level") == len(names) - 1  # moved above the last of the old fields
    assert ui["check_level"] == {"ui:widget": "radio", "ui:enumNames": ["甲级", "乙级"]}
    assert ui["plan_file"]["ui:help"] == "PDF 或图片，不超过 20 MB"  # layout keys the builder does not manage stay
    assert {k: ui["ui:en"][k] for k in ("检查等级", "甲级", "乙级", "按检查表评定", "审查意见（只读）", "方案名称")} == {
        "检查等级": "Check level", "甲级": "Grade A", "乙级": "Grade B", "按检查表评定": "Graded by the checklist",
        "审查意见（只读）": "Review note (read only)", "方案名称": "Plan name"}
    assert page.locator("#builder-problems").is_hidden()  # every text has its English
    assert len(schema["properties"]) == len(names) + 2

    # The live preview shows the new fields.
    page.wait_for_selector("#form-preview :text('检查等级')")
    assert page.locator("#form-preview").get_by_text("甲级").count() >= 1
    assert page.locator("#form-preview").get_by_text("审查意见（只读）").count() >= 1
    shoot(page, "form-builder")

    # A raw JSON edit re-reads the list.
    page.click("#raw-json summary")
    edited = dict(schema)
    edited["properties"] = {**schema["properties"], "workers": {**schema["properties"]["workers"], "title": "作业人数（人）"}}
    page.fill("#form-json", json.dumps(edited, ensure_ascii=False))
    page.dispatch_event("#form-json", "change")
    page.locator("#form-json").blur()  # leaving the text area re-reads it too: before typing in the list
    assert _row(page, "workers").locator(".f-label").input_value() == "作业人数（人）"
    assert "作业人数（人）" in page.locator("#builder-problems").inner_text()
    _row(page, "workers").locator(".f-label-en").fill("Workers (people)")

    # A raw JSON edit followed at once by a click in the list: leaving the text area re-reads the
    # list on that very mousedown, and the click still lands (rows are refilled, not redrawn).
    edited = _json(page, "form-json")
    edited["properties"]["height_m"]["title"] = "架体高度（米）"
    page.fill("#form-json", json.dumps(edited, ensure_ascii=False))
    before = page.eval_on_selector_all("#field-list li", "rows => rows.map(r => r.dataset.field)")
    _row(page, "height_m").locator(".f-down").click()
    after = page.eval_on_selector_all("#field-list li", "rows => rows.map(r => r.dataset.field)")
    assert after.index("height_m") == before.index("height_m") + 1
    assert _row(page, "height_m").locator(".f-label").input_value() == "架体高度（米）"
    assert _json(page, "form-json")["properties"]["height_m"]["title"] == "架体高度（米）"
    _row(page, "height_m").locator(".f-label-en").fill("Frame height (m)")

    # Deploying sends the schema and its layout: the new version holds both. The new required
    # field becomes optional first, so the other browser tests can still fill this form.
    _row(page, "check_level").locator(".f-required").uncheck()
    page.click("#btn-form-deploy")
    page.wait_for_selector("#designer-result.ok")
    with live_app.app_context():
        newest = db.session.scalar(select(ProcessDefinition).where(ProcessDefinition.key == "web_review")
                                   .order_by(ProcessDefinition.version.desc()))
        deployed_schema = json.loads(newest.sources[FORM])
        deployed_ui = json.loads(newest.sources["web_compile.ui.json"])
        db.session.remove()
    assert deployed_schema["properties"]["workers"]["title"] == "作业人数（人）"
    assert deployed_ui["check_level"]["ui:enumNames"] == ["甲级", "乙级"]
    assert deployed_ui["ui:en"]["作业人数（人）"] == "Workers (people)" and "作业人数" not in deployed_ui["ui:en"]
