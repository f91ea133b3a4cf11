"""The versions of a process on its designer page: who deployed each and when, what changed against
the version before, and how many cases run on each."""
from __future__ import annotations

import re

from app.models import User
from app.services.access.actors import actor_for
from app.services.definitions.deployments import Bundle, deploy
from app.services.workflow import cases
from tests.integration.web.conftest import web_bundle


def _row(html: str, version: int) -> str:
    match = re.search(rf'<tr data-version="{version}">(.*?)</tr>', html, re.S)
    assert match, f"no row of v{version}"
    return match.group(1)


def _redeploy(who: str, old: str, new: str) -> None:
    base = web_bundle()
    bpmn = base.files["web_review.bpmn"].decode()
    assert old in bpmn
    deploy(Bundle({**base.files, "web_review.bpmn": bpmn.replace(old, new).encode()}, base.forms),
           actor_for(User.query.filter_by(username=who).one()), keys=["web_review"])


def test_each_version_says_who_deployed_it_what_changed_and_its_cases(browser):
    pm = actor_for(User.query.filter_by(username="contractor_pm").one())
    cases.start_case(pm, "web_review", project_code="JS-2026-001")
    _redeploy("designer", 'name="总监审查方案"', 'name="总监复核方案"')
    cases.start_case(pm, "web_review", project_code="JS-2026-001")
    cases.start_case(pm, "web_review", project_code="JS-2026-001")
    base = web_bundle().files["web_review.bpmn"].decode().replace('name="总监审查方案"', 'name="总监复核方案"')
    bounds = re.search(r'<dc:Bounds x="(\d+)"', base.split('bpmnElement="compile_plan"')[1]).group(0)
    web_bundle_files = web_bundle()
    deploy(Bundle({**web_bundle_files.files, "web_review.bpmn": base.replace(bounds, bounds.replace('x="', 'x="1', 1)).encode()},
                  web_bundle_files.forms), actor_for(User.query.filter_by(username="designer").one()), keys=["web_review"])

    html = browser("designer").get("/designer/web_review").get_data(as_text=True)
    designer_name = User.query.filter_by(username="designer").one().display_name
    v1, v2, v3 = _row(html, 1), _row(html, 2), _row(html, 3)
    assert "首个版本" in v1 and '<td data-th="运行中" class="running">1</td>' in v1
    assert "系统" in v1  # deployed by the system (the fixture), not a person
    assert designer_name in v2 and '<td data-th="运行中" class="running">2</td>' in v2
    changed = re.search(r'<ul class="changed">(.*?)</ul>', v2, re.S).group(1)
    assert re.findall(r'data-element="([^"]+)"', changed) == ["review_plan"] and "用户任务 总监复核方案" in changed
    assert "新增" not in v2 and "删除" not in v2
    assert 'class="layout-only"' in v3 and '<td data-th="运行中" class="running">0</td>' in v3
    assert html.index('data-version="3"') < html.index('data-version="2"') < html.index('data-version="1"')

    english = browser("designer").get("/designer/web_review?lang=en").get_data(as_text=True)
    assert "First version" in _row(english, 1) and "User task 总监复核方案" in _row(english, 2)
    assert "Only the layout changed" in _row(english, 3)


def test_a_process_never_deployed_has_no_versions(browser):
    html = browser("designer").get("/designer/nothing_here").get_data(as_text=True)
    assert 'id="versions"' in html and "data-version" not in html
