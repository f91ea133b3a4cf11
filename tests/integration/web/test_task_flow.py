"""Working a task through the pages: errors at the fields with values kept, upload, completion,
claim/unclaim/assign, comments; another project's pages are 404; CSRF is enforced."""
from __future__ import annotations

import io
import re

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Device, HazardousWork, InboxTask, Project, User
from app.services.access.actors import actor_for
from app.services.workflow import cases
from tests.support.apps import sqlite_app as make_sqlite_app

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64


def _actor(username: str):
    return actor_for(db.session.scalar(select(User).where(User.username == username)))


def _open_task(instance_id: int) -> InboxTask:
    db.session.expire_all()
    return db.session.scalar(select(InboxTask).where(InboxTask.instance_id == instance_id,
                                                     InboxTask.status == "open"))


@pytest.fixture
def case_id(site):
    work = db.session.scalar(select(HazardousWork).join(Project).where(Project.code == "JS-2026-001",
                                                                       HazardousWork.code == "WD-02"))
    return cases.start_case(_actor("contractor_pm"), "web_review", project_code="JS-2026-001",
                            subject_type="hazardous_work", subject_id=work.id, title="高支模方案")


def _upload(client, task_id: int, data: bytes = PNG, name: str = "plan.png"):
    return client.post(f"/tasks/{task_id}/attachments", data={"file": (io.BytesIO(data), name)},
                       headers={"Accept": "application/json"}, content_type="multipart/form-data")


def test_form_errors_are_shown_at_the_fields_and_values_kept(browser, case_id):
    task = _open_task(case_id)
    r = browser("contractor_pm").post(f"/tasks/{task.id}", data={
        "plan_name": "高支模专项方案", "height_m": "八米", "problems.__rows__": "1", "problems.0.severity": "严重"})
    assert r.status_code == 422
    page = r.get_data(as_text=True)
    height = re.search(r'data-field="height_m">(.*?)</div>', page, re.S).group(1)
    assert 'value="八米"' in height and "请填写数字。" in height
    assert "此项为必填项" in re.search(r'data-field="plan_file">(.*?)</div>\s*</div>', page, re.S).group(1)
    assert 'value="高支模专项方案"' in page and "problems.0.desc" in page
    assert _open_task(case_id).id == task.id  # nothing completed


def test_form_errors_state_the_limit_in_the_page_language(browser, case_id):
    task = _open_task(case_id)
    english = browser("contractor_pm").post(f"/tasks/{task.id}?lang=en", data={"plan_name": "高", "height_m": "-1"})
    page = english.get_data(as_text=True)
    browser("contractor_pm").get("/inbox?lang=zh")
    assert english.status_code == 422
    assert "At least 2 characters." in re.search(r'data-field="plan_name">(.*?)</div>', page, re.S).group(1)
    assert "Must not be less than 0." in re.search(r'data-field="height_m">(.*?)</div>', page, re.S).group(1)
    chinese = browser("contractor_pm").post(f"/tasks/{task.id}", data={"plan_name": "高", "height_m": "-1"})
    assert "至少 2 个字。" in chinese.get_data(as_text=True) and "不能小于 0。" in chinese.get_data(as_text=True)


def test_upload_then_submit_completes_the_task(browser, case_id):
    client = browser("contractor_pm")
    task = _open_task(case_id)
    stored = _upload(client, task.id)
    assert stored.status_code == 201
    attachment_id = stored.get_json()["data"]["id"]
    r = client.post(f"/tasks/{task.id}", data={"plan_name": "高支模专项方案", "height_m": "8.5",
                                               "plan_file": str(attachment_id), "method": "self"})
    assert r.status_code == 302 and r.headers["Location"].endswith("/inbox")
    review = _open_task(case_id)
    assert review.task_name == "review_plan"
    history = browser("chief_supervisor").get(f"/tasks/{review.id}").get_data(as_text=True)
    assert "高支模专项方案" in history and "plan.png" in history and "1#地块" not in history
    assert "地下车库顶板高支模" in history  # the subject (hazardous work) beside the form


def test_wrong_file_type_is_refused_with_a_clear_message(browser, case_id):
    r = _upload(browser("contractor_pm"), _open_task(case_id).id, b"MZ\x90\0 not allowed", "virus.exe")
    assert r.status_code == 422
    assert r.get_json()["error"]["code"] == "file_type_not_allowed"
    assert "只接受" in r.get_json()["error"]["message"]


def test_claim_unclaim_assign_and_comment(browser, case_id):
    task = _open_task(case_id)
    pm = browser("contractor_pm")
    assert pm.post(f"/tasks/{task.id}/claim").status_code == 302
    assert _open_task(case_id).assignee_id is not None
    assert pm.post(f"/tasks/{task.id}/unclaim").status_code == 302
    assert _open_task(case_id).assignee_id is None
    official = browser("district_safety")
    page = official.get(f"/tasks/{task.id}").get_data(as_text=True)
    pm_id = db.session.scalar(select(User.id).where(User.username == "contractor_pm"))
    assert f'<option value="{pm_id}">' in page
    assert official.post(f"/tasks/{task.id}/assign", data={"user_id": pm_id}).status_code == 302
    assert _open_task(case_id).assignee_id == pm_id
    pm.post(f"/tasks/{task.id}/comments", data={"body": "请尽快补充计算书"})
    assert "请尽快补充计算书" in pm.get(f"/tasks/{task.id}").get_data(as_text=True)


def test_inbox_lists_marks_and_counts(browser, case_id):
    page = browser("contractor_pm").get("/inbox").get_data(as_text=True)
    assert "编制专项方案" in page and f'data-task="{_open_task(case_id).id}"' in page
    assert "编制专项方案" not in browser("contractor_pm2").get("/inbox").get_data(as_text=True)


def test_another_projects_pages_are_not_found(browser, case_id):
    other = browser("contractor_pm2")
    work = db.session.scalar(select(HazardousWork.id).join(Project).where(Project.code == "JS-2026-001"))
    device = db.session.scalar(select(Device.id).join(Project).where(Project.code == "JS-2026-001"))
    task = _open_task(case_id)
    for path in ("/projects/JS-2026-001", f"/works/{work}", f"/devices/{device}", f"/cases/{case_id}",
                 f"/tasks/{task.id}"):
        assert other.get(path).status_code == 404, path
    assert other.post(f"/tasks/{task.id}", data={"plan_name": "x"}).status_code == 404
    assert other.post(f"/tasks/{task.id}/claim").status_code == 404
    assert _upload(other, task.id).status_code == 404


def test_start_a_process_on_a_hazardous_work(browser, site):
    work = db.session.scalar(select(HazardousWork).join(Project).where(Project.code == "JS-2026-001"))
    r = browser("contractor_pm").post("/start", data={"process_key": "web_review", "project_code": "JS-2026-001",
                                                      "work_id": str(work.id), "title": "页面发起"})
    assert r.status_code == 302
    case_page = browser("contractor_pm").get(r.headers["Location"]).get_data(as_text=True)
    assert "页面发起" in case_page and "编制专项方案" in case_page
    assert "页面发起" in browser("contractor_pm").get(f"/works/{work.id}").get_data(as_text=True)
    foreign = db.session.scalar(select(HazardousWork.id).join(Project).where(Project.code == "EQ-2026-001"))
    assert browser("contractor_pm").post("/start", data={"process_key": "web_review",
                                                         "work_id": str(foreign)}).status_code == 404


def test_csrf_is_required_on_every_form(sqlite_template, tmp_path):
    app = make_sqlite_app(sqlite_template, tmp_path, WTF_CSRF_ENABLED=True)
    with app.app_context():
        from app.services.demo import seed
        seed.load_demo(app.config["DEMO_PASSWORD"])
        client = app.test_client()
        login = {"username": "contractor_pm", "password": app.config["DEMO_PASSWORD"]}
        refused = client.post("/login", data=login)
        assert refused.status_code == 400 and "csrf_failed" in refused.get_data(as_text=True)
        token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").get_data(as_text=True)).group(1)
        assert client.post("/login", data={**login, "csrf_token": token}).status_code == 302
        assert client.post("/announcements", data={"title": "t", "body": "b"}).status_code == 400
        assert client.post("/logout").status_code == 400
        db.session.remove()
        db.engine.dispose()


def test_the_timeline_names_submitted_fields_as_their_own_form_did(browser, case_id):
    """`remark` and `start_date` are 说明/Notes and 合同开工日期/Contract start in the first forms of
    forms/ that name them; web_compile calls them 备注/Remarks and 计划开工日期/Planned start."""
    client = browser("contractor_pm")
    task = _open_task(case_id)
    attachment_id = _upload(client, task.id).get_json()["data"]["id"]
    assert client.post(f"/tasks/{task.id}", data={
        "plan_name": "高支模专项方案", "height_m": "8.5", "plan_file": str(attachment_id), "method": "self",
        "start_date": "2026-12-01", "remark": "请审"}).status_code == 302
    review = _open_task(case_id)
    reader = browser("chief_supervisor")
    for url in (f"/tasks/{review.id}", f"/cases/{case_id}", "/projects/JS-2026-001"):
        chinese = reader.get(url + "?lang=zh").get_data(as_text=True)
        english = reader.get(url + "?lang=en").get_data(as_text=True)
        titles = re.findall(r"<dt>(.*?)</dt>", chinese)
        assert "备注" in titles and "计划开工日期" in titles and "说明" not in titles, (url, titles)
        titles = re.findall(r"<dt>(.*?)</dt>", english)
        assert "Remarks" in titles and "Planned start" in titles and "Notes" not in titles, (url, titles)
        assert "By ourselves" in english  # the method's label, from its own form
    reader.get("/inbox?lang=zh")


def test_the_case_data_shows_people_no_engine_bookkeeping(browser, case_id):
    """The case's data holds the engine's task count (case_sync): a raw key for anyone but the
    designers and administrators, who see it in the technical view."""
    page = browser("contractor_pm").get(f"/cases/{case_id}").get_data(as_text=True)
    assert "task_count" not in page
    technical = browser("admin").get(f"/cases/{case_id}").get_data(as_text=True)
    assert "task_count" in technical.split('id="case-data"')[1].split("</section>")[0]
