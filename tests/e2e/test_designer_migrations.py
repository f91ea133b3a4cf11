"""The designer moves running cases to a newer version from the versions page: the case whose
task is still in the new version moves (its inbox row keeps its place and takes the new title),
the case waiting at a task the new version dropped is listed with that task in words."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import InboxTask, ProcessInstance, User
from app.services.access.actors import actor_for
from app.services.definitions.deployments import Bundle, deploy
from app.services.workflow import cases
from tests.e2e.conftest import shoot
from tests.integration.workflow.conftest import FIXTURES, fixture_forms

pytestmark = pytest.mark.e2e

V1 = (FIXTURES / "review_loop.bpmn").read_text()
# v2 replaces the chief's review by a task of another id and renames the compile task.
V2 = V1.replace('"review_plan"', '"approve_plan"').replace(">review_plan<", ">approve_plan<") \
    .replace('name="Compile the special plan"', 'name="编制专项方案（第二版）"')


def _user(name: str):
    return actor_for(db.session.scalar(select(User).where(User.username == name)))


def _cases(live_app) -> tuple[int, int]:
    """Two review_loop v1 cases: one at compile_plan, one moved on to review_plan; then v2."""
    with live_app.app_context():
        deploy(Bundle({"review_loop.bpmn": V1.encode()}, fixture_forms()))
        pm = _user("contractor_pm")
        data = {"work_id": 0, "compile_days": 2, "history": None}
        waiting = cases.start_case(pm, "review_loop", project_code="JS-2026-001", data=data, title="待迁移案件")
        moved_on = cases.start_case(pm, "review_loop", project_code="JS-2026-001", data=data, title="已送审案件")
        row = db.session.scalar(select(InboxTask).where(InboxTask.instance_id == moved_on, InboxTask.status == "open"))
        cases.complete_task(pm, row.id, {"plan_name": "方案"})
        deploy(Bundle({"review_loop.bpmn": V2.encode()}, fixture_forms()))
        db.session.remove()
    return waiting, moved_on


def test_the_designer_moves_the_case_that_can_move_and_sees_why_the_other_cannot(login, live_app, live_server):
    waiting, moved_on = _cases(live_app)
    page = login("designer")
    page.goto(f"{live_server}/designer/review_loop")
    page.click("#migrations-link")
    page.wait_for_selector("section[data-version='1']")
    blocked = page.locator(f"tr[data-case='{moved_on}']")
    assert "Chief supervisor review（当前步骤）" in blocked.locator(".blockers").inner_text()
    assert blocked.locator("button.migrate-case").count() == 0
    assert page.locator("button.migrate-version").is_disabled()
    shoot(page, "designer-migrations")

    page.locator(f"tr[data-case='{waiting}'] button.migrate-case").click()
    page.wait_for_load_state("networkidle")
    assert "已将 1 个案件迁移到 v2。" in page.locator(".flash.ok").inner_text()
    assert page.locator(f"tr[data-case='{waiting}']").count() == 0
    assert page.locator(f"tr[data-case='{moved_on}']").count() == 1
    with live_app.app_context():
        assert db.session.get(ProcessInstance, waiting).definition.version == 2
        row = db.session.scalar(select(InboxTask).where(InboxTask.instance_id == waiting, InboxTask.status == "open"))
        assert row.title == "编制专项方案（第二版）"
        db.session.remove()

    page.goto(f"{live_server}/cases/{waiting}")
    assert page.get_by_text("迁移到新版本").count() >= 1
    page.goto(f"{live_server}/designer/review_loop/migrations?lang=en")
    assert "Migrate cases" in page.locator("h1").inner_text()
    assert "(current step)" in page.locator(f"tr[data-case='{moved_on}'] .blockers").inner_text()
    shoot(page, "designer-migrations-en")
