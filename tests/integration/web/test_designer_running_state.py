"""The running state on the diagram: per process version, open tasks, open incidents and the average
time per step (the heat map and its table); per case, who did each step and when."""
from __future__ import annotations

import json
import re
from datetime import timedelta

from app.extensions import db
from app.models import InboxTask, Incident, User
from app.services.access.actors import actor_for
from app.services.workflow import cases


def _finish(task: InboxTask, hours: float, who: User) -> None:
    """The row as a completion leaves it (the heat map reads rows only)."""
    task.status, task.completed_by_id = "completed", who.id
    task.completed_at = task.created_at + timedelta(hours=hours)


def test_the_version_page_counts_open_tasks_incidents_and_average_times(browser):
    pm_user = User.query.filter_by(username="contractor_pm").one()
    pm = actor_for(pm_user)
    ids = [cases.start_case(pm, "web_review", project_code="JS-2026-001") for _ in range(3)]
    rows = {r.instance_id: r for r in InboxTask.query.filter(InboxTask.instance_id.in_(ids))}
    _finish(rows[ids[0]], 2, pm_user)
    _finish(rows[ids[1]], 4, pm_user)
    db.session.add(Incident(instance_id=ids[2], code="script_failed", message="boom", element_id="compile_plan"))
    db.session.commit()

    html = browser("designer").get("/designer/web_review/versions/1").get_data(as_text=True)
    row = re.search(r'<tr data-element="compile_plan">(.*?)</tr>', html, re.S).group(1)
    assert "编制专项方案" in row
    assert re.findall(r'class="(open|incidents|done|avg)">([^<]*)<', row) == [
        ("open", "1"), ("incidents", "1"), ("done", "2"), ("avg", "3.0")]
    heat = json.loads(re.search(r"data-heat='([^']*)'", html).group(1).replace("&#34;", '"'))
    assert heat["compile_plan"] == {"open": 1, "incidents": 1, "done": 2, "avg_hours": 3.0}
    assert 'data-max="3.0"' in html
    assert 'class="state-link"' in browser("designer").get("/designer/web_review").get_data(as_text=True)
    assert browser("designer").get("/designer/web_review/versions/9").status_code == 404
    assert browser("district_safety").get("/designer/web_review/versions/1").status_code == 403


def test_the_case_page_says_who_did_each_step_and_when(browser):
    pm_user = User.query.filter_by(username="contractor_pm").one()
    case_id = cases.start_case(actor_for(pm_user), "web_review", project_code="JS-2026-001")
    _finish(InboxTask.query.filter_by(instance_id=case_id).one(), 1, pm_user)
    db.session.commit()
    html = browser("contractor_pm").get(f"/cases/{case_id}").get_data(as_text=True)
    steps = json.loads(re.search(r"data-steps='([^']*)'", html).group(1).replace("&#34;", '"'))
    [step] = steps["compile_plan"]
    assert step["who"] == pm_user.display_name and step["when"].endswith("+00:00")
    roles = json.loads(re.search(r"data-roles='([^']*)'", html).group(1).replace("&#34;", '"'))
    assert roles["contractor_pm"] == "施工单位项目经理"
