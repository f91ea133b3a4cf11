"""The workbench's short lists lead to their whole lists: it showed 20 of a user's projects, the 5
newest announcements and 8 open alarms with no way on from there."""
from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.models import Project, RoleGrant, User
from tests.support.factories import gen_project


def test_the_workbench_links_every_short_list_to_its_whole_list(browser, site):
    pm = db.session.scalar(select(User).where(User.username == "contractor_pm"))
    district = db.session.scalar(select(Project).where(Project.code == "JS-2026-001")).district
    client = browser("contractor_pm")
    assert 'id="wb-all-projects"' not in client.get("/workbench").get_data(as_text=True)  # all shown already
    for n in range(21):
        project = gen_project(district, code=f"WB-{n:03d}")
        db.session.add(RoleGrant(user_id=pm.id, role_code="contractor_pm", project_id=project.id))
    db.session.commit()
    client = browser("contractor_pm")
    html = client.get("/workbench").get_data(as_text=True)
    assert 'id="wb-all-projects" href' not in html and 'href="/projects" id="wb-all-projects"' in html
    assert 'href="/announcements" id="wb-all-notices"' in html
    english = client.get("/workbench?lang=en").get_data(as_text=True)
    assert "All projects" in english and "All announcements" in english
    client.get("/workbench?lang=zh")
