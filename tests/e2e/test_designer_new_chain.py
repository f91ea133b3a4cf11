"""A new chain from scratch in the browser: the designer creates a process key, opens the modeler
on its minimal diagram (one lane, start, a step with its own new form, end), edits it in the
properties panel, draws a second step (a task from the palette, made a user task, connected
between the first step and the end), validates and deploys it, adds a field to its form in the
form builder and deploys again (the new process's name asked in English too, its form's title); an official starts a case of it from /start and completes both
steps, and the case ends."""
from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import InboxTask, ProcessDefinition, ProcessInstance
from tests.e2e.conftest import shoot
from tests.e2e.test_designer_round_trip import _select

pytestmark = pytest.mark.e2e
KEY = "noise_check"


def test_a_new_chain_is_drawn_deployed_started_and_completed(login, live_server, live_app):
    designer = login("designer")
    designer.goto(f"{live_server}/designer")
    designer.click("#new-process-link")
    designer.fill("input[name=key]", KEY)
    designer.fill("input[name=name]", "夜间噪声检查")
    designer.fill("input[name=name_en]", "Night noise check")
    designer.select_option("select[name=role]", "district_safety_officer")
    designer.click("#new-process button[type=submit]")
    designer.wait_for_selector(".modeler-wrap[data-ready=true]")
    assert "未部署" in designer.locator("h1").inner_text()
    # The step's new form is attached in the properties panel; the designer gives it a due time.
    _select(designer, "fill")
    assert designer.locator("#bio-properties-panel-sitecase-form-schema").input_value() == f"{KEY}_fill.schema.json"
    designer.fill("#bio-properties-panel-sitecase-due-in", "'P2D'")
    designer.press("#bio-properties-panel-sitecase-due-in", "Tab")
    _draw_a_second_step(designer)
    designer.click("#btn-validate")
    designer.wait_for_selector("#designer-result:has-text('校验通过')")
    designer.click("#btn-deploy")
    designer.wait_for_selector(f"#designer-result:has-text('{KEY} v1（新版本）')")
    shoot(designer, "designer-new-chain")
    designer.goto(f"{live_server}/designer")
    assert designer.locator(f"#process-list tr[data-key={KEY}]").count() == 1
    with live_app.app_context():  # its form is titled with the name, in English too
        v1 = db.session.scalar(select(ProcessDefinition).where(ProcessDefinition.key == KEY))
        schema, ui = (json.loads(v1.sources[f"{KEY}_fill.{part}.json"]) for part in ("schema", "ui"))
        db.session.remove()
    assert schema["title"] == "夜间噪声检查" and ui["ui:en"]["夜间噪声检查"] == "Night noise check"
    # Once deployed, its form opens in the form builder: a required number field, deployed as v2.
    designer.goto(f"{live_server}/designer/{KEY}/forms/{KEY}_fill.schema.json")
    designer.wait_for_selector("#field-list li[data-field=note]")
    designer.click("#btn-add-field")
    designer.locator("#field-list li").last.locator(".f-name").fill("level_db")
    row = designer.locator("#field-list li[data-field=level_db]")
    row.locator(".f-label").fill("噪声值（分贝）")
    row.locator(".f-label-en").fill("Noise level (dB)")
    row.locator(".f-type").select_option("number")
    row.locator(".f-required").check()
    designer.wait_for_selector("#form-preview :text('噪声值（分贝）')")
    designer.click("#btn-form-deploy")
    designer.wait_for_selector(f"#designer-result:has-text('{KEY} v2（新版本）')")

    official = login("district_safety")
    official.goto(f"{live_server}/start")
    official.select_option("select[name=process_key]", KEY)
    official.fill("input[name=title]", "夜间噪声检查一次")
    official.click("form[action$='/start'] button[type=submit]")
    official.wait_for_url("**/cases/*")
    instance_id = int(official.url.rstrip("/").split("/")[-1])
    with live_app.app_context():
        task_id = db.session.scalar(select(InboxTask.id).where(InboxTask.instance_id == instance_id,
                                                               InboxTask.status == "open"))
    assert task_id is not None
    for step in ("fill", "recheck"):
        with live_app.app_context():
            task = db.session.scalar(select(InboxTask).where(InboxTask.instance_id == instance_id,
                                                             InboxTask.status == "open"))
            assert task is not None and task.task_name == step
            task_id = task.id
            db.session.remove()
        official.goto(f"{live_server}/tasks/{task_id}")
        official.wait_for_selector("form.case-form")
        official.fill("form.case-form [name=note]", "未发现超标噪声")
        official.fill("form.case-form [name=level_db]", "48.5")
        official.click("form.case-form button.primary")
        official.wait_for_url("**/inbox")
    with live_app.app_context():
        assert db.session.get(ProcessInstance, instance_id).status == "completed"
        assert db.session.get(InboxTask, task_id).status == "completed"


def _centre(page, element_id: str) -> tuple[float, float]:
    box = page.locator(f"g.djs-element[data-element-id={element_id}]").bounding_box()
    return box["x"] + box["width"] / 2, box["y"] + box["height"] / 2


def _selected(page) -> str:
    return page.evaluate("() => window.sitecaseModeler.get('selection').get()[0].id")


def _connect(page, source: str, target: str) -> None:
    _select(page, source)
    page.click(".djs-context-pad [data-action='connect']")
    x, y = _centre(page, target)
    page.mouse.move(x - 5, y, steps=4)
    page.mouse.move(x, y, steps=2)
    page.mouse.click(x, y)


def _draw_a_second_step(page) -> None:
    """A task from the palette below-right of the first step, made a user task with the process's
    form, renamed `recheck`; first step → it → end, the old flow to the end deleted."""
    (fx, fy), (ex, _) = _centre(page, "fill"), _centre(page, "end")
    page.click(".djs-palette [data-action='create.task']")
    x, y = (fx + ex) / 2, fy + (ex - fx) * 0.45
    page.mouse.move(x - 20, y, steps=4)
    page.mouse.move(x, y, steps=2)
    page.mouse.click(x, y)
    page.click(".djs-context-pad [data-action='replace']")
    page.click(".djs-popup [data-id='replace-with-user-task']")
    page.evaluate("""(id) => { const m = window.sitecaseModeler;
      m.get('modeling').updateProperties(m.get('elementRegistry').get(id), { id: 'recheck', name: '复查' }); }""",
                  _selected(page))
    _connect(page, "fill", "recheck")
    _connect(page, "recheck", "end")
    _select(page, "f2")
    page.click(".djs-context-pad [data-action='delete']")
    _select(page, "recheck")
    page.select_option("#bio-properties-panel-sitecase-form-schema", f"{KEY}_fill.schema.json")
    flows = page.evaluate("""() => window.sitecaseModeler.get('elementRegistry').filter(e => e.type === 'bpmn:SequenceFlow')
      .map(e => e.businessObject.sourceRef.id + '>' + e.businessObject.targetRef.id).sort()""")
    assert flows == ["fill>recheck", "recheck>end", "start>fill"], flows
    lane = page.evaluate("() => window.sitecaseModeler.get('elementRegistry').get('recheck').businessObject.lanes"
                         ".map(l => l.id)")
    assert lane == ["Lane_1"]
