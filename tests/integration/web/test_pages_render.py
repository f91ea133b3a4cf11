"""Every page renders for the roles that use it; the home page fits the role."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import User
from app.services.access.actors import actor_for
from app.services.workflow import cases


def _actor(username: str):
    return actor_for(db.session.scalar(select(User).where(User.username == username)))


@pytest.fixture
def started(site):
    """A web_review case on JS-2026-001 waiting for the PM's plan."""
    return cases.start_case(_actor("contractor_pm"), "web_review", project_code="JS-2026-001", title="方案编制测试")


def test_home_sends_officials_to_the_inbox_and_enterprises_to_the_workbench(browser):
    assert browser("district_safety").get("/").headers["Location"].endswith("/inbox")
    assert browser("contractor_pm").get("/").headers["Location"].endswith("/workbench")


def test_home_sends_those_who_work_no_task_to_their_own_tool(browser):
    assert browser("designer").get("/").headers["Location"].endswith("/designer")
    assert browser("admin").get("/").headers["Location"].endswith("/admin")
    assert browser("auditor").get("/").headers["Location"].endswith("/admin/audit")


@pytest.mark.parametrize("path", ["/workbench", "/inbox", "/inbox?scope=done", "/inbox?scope=claimable&sort=priority",
                                  "/projects", "/projects/JS-2026-001", "/start", "/devices", "/devices/certificates",
                                  "/announcements"])
def test_enterprise_pages_render(browser, started, path):
    r = browser("contractor_pm").get(path)
    assert r.status_code == 200, r.get_data(as_text=True)[:2000]


@pytest.mark.parametrize("path", ["/inbox", "/inbox?scope=jurisdiction&overdue=1", "/projects", "/designer",
                                  "/designer/web_review", "/designer/incidents", "/admin/projects",
                                  "/admin/devices", "/admin/categories", "/admin/experts", "/admin/org-units",
                                  "/admin/enterprises", "/announcements", "/devices/certificates"])
def test_official_pages_render(browser, started, path):
    r = browser("district_safety").get(path)
    assert r.status_code == 200, r.get_data(as_text=True)[:2000]


@pytest.mark.parametrize("path", ["/admin/users", "/admin/audit", "/designer"])
def test_admin_pages_render(browser, path):
    assert browser("admin").get(path).status_code == 200


def test_auditor_reads_the_audit_log_but_not_users(browser):
    assert browser("auditor").get("/admin/audit").status_code == 200
    assert browser("auditor").get("/admin/users").status_code == 403


def test_designer_pages_render(browser, started):
    client = browser("designer")
    assert client.get("/designer/web_review/edit").status_code == 200
    assert client.get("/designer/web_review/forms/web_compile.schema.json").status_code == 200
    assert client.get("/designer/web_review/forms/nope.json").status_code == 404


def test_task_and_case_pages_render(browser, started):
    client = browser("contractor_pm")
    case_page = client.get(f"/cases/{started}")
    assert case_page.status_code == 200
    view = cases.get_case(_actor("contractor_pm"), started)
    task_id = view.open_tasks[0]["id"]
    page = client.get(f"/tasks/{task_id}").get_data(as_text=True)
    assert 'name="plan_name"' in page and 'data-bpmn-viewer' in page and "方案编制测试" in page
    assert 'capture="environment"' in page and 'type="radio"' in page


def test_english_through_lang_parameter(browser):
    page = browser("contractor_pm").get("/workbench?lang=en").get_data(as_text=True)
    assert "Workbench" in page and "To-do" in page
    page = browser("district_safety").get("/inbox").get_data(as_text=True)
    assert "待办事项" in page and 'lang="zh-CN"' in page


def test_assets_are_served(site):
    client = site.test_client()
    for path in ("/assets/site.css", "/assets/forms.js", "/assets/designer.js",
                 "/assets/vendor/bpmn-js/bpmn-modeler.production.min.js", "/assets/vendor/designer/designer.bundle.js",
                 "/assets/vendor/designer/designer.bundle.css"):
        assert client.get(path).status_code == 200, path
