"""The running state drawn on the diagram: the version's heat map (open-task badges, lanes under
their role names) and a case's path with who did each step and when."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import InboxTask, User
from tests.e2e.conftest import shoot

pytestmark = pytest.mark.e2e


def test_the_heat_map_and_the_path_are_drawn(login, live_server, live_app):
    with live_app.app_context():  # the version its open task runs on (another test may have moved it)
        open_task = db.session.scalar(select(InboxTask).where(
            InboxTask.process_key == "web_review", InboxTask.status == "open").order_by(InboxTask.id))
        version, step_id = open_task.instance.definition.version, open_task.task_name
        db.session.remove()
    page = login("designer")
    page.goto(f"{live_server}/designer/web_review")
    page.click(f"tr[data-version='{version}'] a.state-link")
    page.wait_for_selector("#heat-map [data-bpmn-viewer][data-ready=true]")
    badge = page.locator(f"[data-container-id={step_id}] .badge-open")
    assert badge.count() == 1 and badge.inner_text().startswith("待办")
    lanes = page.locator("[data-element-id=Lane_pm] text").text_content()
    assert "施工单位项目经理" in lanes and "contractor_pm" not in lanes
    shoot(page, "designer-heat-map")

    with live_app.app_context():
        task = db.session.scalar(select(InboxTask).where(InboxTask.process_key == "web_review",
                                                         InboxTask.status == "open").order_by(InboxTask.id))
        pm = db.session.scalar(select(User).where(User.username == "contractor_pm"))
        case_id, name, task_id = task.instance_id, pm.display_name, task.id
        task.status, task.completed_by_id = "completed", pm.id
        task.completed_at = task.created_at + timedelta(hours=5)
        db.session.commit()
        db.session.remove()
    try:
        page.goto(f"{live_server}/cases/{case_id}")
        page.wait_for_selector("#diagram [data-bpmn-viewer][data-ready=true]")
        step = page.locator(f"[data-container-id={step_id}] .step-who").inner_text()
        assert step.startswith(f"{name} · ") and len(step.split(" · ")[1]) == len("2026-01-01 00:00")
        shoot(page, "case-path")
    finally:
        with live_app.app_context():
            task = db.session.get(InboxTask, task_id)
            task.status, task.completed_by_id, task.completed_at = "open", None, None
            db.session.commit()
            db.session.remove()


def test_a_diagram_too_large_for_its_box_opens_zoomed_to_the_current_step(login, live_server, live_app):
    with live_app.app_context():
        case_id = db.session.scalar(select(InboxTask.instance_id).where(
            InboxTask.process_key == "web_review", InboxTask.status == "open").order_by(InboxTask.id))
        db.session.remove()
    page = login("designer", viewport={"width": 390, "height": 844})  # a phone: the fitted diagram is tiny
    page.goto(f"{live_server}/cases/{case_id}")
    page.wait_for_selector("#diagram [data-bpmn-viewer][data-ready=true]")
    state = page.evaluate("""() => {
      const el = document.querySelector('#diagram [data-bpmn-viewer]');
      const current = el.querySelector('.djs-element.step-current');
      const box = el.getBoundingClientRect(), step = current.getBoundingClientRect();
      return {zoom: el.sitecaseViewer.get('canvas').zoom(),
              inside: step.left >= box.left && step.right <= box.right && step.top >= box.top && step.bottom <= box.bottom};
    }""")
    assert state == {"zoom": 1, "inside": True}
    shoot(page, "case-zoomed-to-current")
