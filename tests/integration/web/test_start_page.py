"""The start page reaches every visible project: a project search (name or code, scoped like the
project list) paged 20 at a time, and the chosen project's hazardous works; no project is cut."""
from __future__ import annotations

import re

from sqlalchemy import select

from app.extensions import db
from app.models import Device, HazardousWork, Project
from tests.support.factories import gen_project


def _many_projects(n: int) -> list[Project]:
    """n more projects in JS-2026-001's district (the city official's jurisdiction), oldest first."""
    district = db.session.scalar(select(Project).where(Project.code == "JS-2026-001")).district
    return [gen_project(district, code=f"CAP-{i:04d}", name=f"批量工程{i:04d}") for i in range(n)]


def _codes(html: str) -> list[str]:
    return re.findall(r'project_code=([A-Z0-9-]+)[^"]*" class="choose-project"', html)


def test_the_oldest_of_many_projects_is_found_chosen_and_started_on(browser, site):
    oldest = _many_projects(201)[0]
    category = db.session.scalar(select(HazardousWork.category_id).limit(1))
    work = HazardousWork(project_id=oldest.id, code="WD-CAP", name="深基坑（批量）", category_id=category)
    db.session.add(work)
    db.session.commit()
    official = browser("city_official")
    first = official.get("/start").get_data(as_text=True)
    assert len(_codes(first)) == 20 and "CAP-0000" not in _codes(first)
    total = db.session.scalar(select(db.func.count(Project.id)))
    assert f"共 {total} 个项目" in first and f"第 1 / {-(-total // 20)} 页" in first
    # every project is on some page of the unfiltered list
    pages = [_codes(official.get(f"/start?page={n}").get_data(as_text=True)) for n in range(1, -(-total // 20) + 1)]
    assert "CAP-0000" in [c for page in pages for c in page]
    # found by code or by name (any case), with the process chosen kept
    assert _codes(official.get("/start?q=cap-0000&process_key=web_review").get_data(as_text=True)) == ["CAP-0000"]
    found = official.get("/start?q=批量工程0000&process_key=web_review").get_data(as_text=True)
    assert _codes(found) == ["CAP-0000"] and "process_key=web_review" in found
    assert _codes(official.get("/start?q=100%25").get_data(as_text=True)) == []  # % is a character, not a wildcard
    chosen = official.get("/start?project_code=CAP-0000&process_key=web_review").get_data(as_text=True)
    assert 'name="project_code" value="CAP-0000"' in chosen
    assert f'<option value="{work.id}">WD-CAP 深基坑（批量）</option>' in chosen
    r = official.post("/start", data={"process_key": "web_review", "project_code": "CAP-0000",
                                      "work_id": str(work.id), "title": "第二百零一个"})
    assert r.status_code == 302, r.get_data(as_text=True)


def test_the_search_is_scoped_like_the_project_list(browser, site):
    _many_projects(3)
    pm = browser("contractor_pm")
    mine = _codes(pm.get("/start").get_data(as_text=True))
    assert mine and not any(c.startswith("CAP-") for c in mine) and "EQ-2026-001" not in mine
    assert _codes(pm.get("/start?q=CAP").get_data(as_text=True)) == []
    assert pm.get("/start?project_code=CAP-0001").status_code == 404
    assert pm.get("/start?project_code=EQ-2026-001").status_code == 404


def test_a_refused_start_keeps_the_chosen_project_and_its_works(browser, site):
    r = browser("contractor_pm").post("/start", data={"process_key": "no_such_process", "project_code": "JS-2026-001",
                                                      "title": "未部署"})
    html = r.get_data(as_text=True)
    assert r.status_code == 404 and 'name="project_code" value="JS-2026-001"' in html
    assert ">WD-01 1#地块深基坑开挖与支护</option>" in html and 'value="未部署"' in html


def test_the_chosen_project_view_in_english(browser, site):
    html = browser("contractor_pm").get("/start?project_code=JS-2026-001&lang=en").get_data(as_text=True)
    assert "Change project" in html and "(no project): find and choose one below" not in html
    html = browser("contractor_pm").get("/start?lang=en").get_data(as_text=True)
    assert "Choose a project" in html and "(no project): find and choose one below" in html
    browser("contractor_pm").get("/start?lang=zh")


def test_a_project_with_many_works_lists_and_offers_every_one(browser, site):
    """The project's case file listed its first 500 works, a device's edit form offered 200."""
    project = db.session.scalar(select(Project).where(Project.code == "JS-2026-001"))
    category = db.session.scalar(select(HazardousWork.category_id).limit(1))
    db.session.add_all([HazardousWork(project_id=project.id, code=f"ZZ-{n:04d}", name=f"批量危大{n:04d}",
                                      category_id=category) for n in range(501)])
    db.session.commit()
    official = browser("district_safety")
    assert "批量危大0500" in official.get("/projects/JS-2026-001").get_data(as_text=True)
    assert "批量危大0500" in official.get("/start?project_code=JS-2026-001").get_data(as_text=True)
    device = db.session.scalar(select(Device.id).where(Device.project_id == project.id).limit(1))
    assert "批量危大0500" in official.get(f"/devices/{device}/edit").get_data(as_text=True)
