"""The migrations page is the designers': others are refused, whatever they post."""
from __future__ import annotations

from app.models import User
from app.services.access.actors import actor_for
from app.services.workflow import cases


def test_only_designers_see_and_use_the_migrations_page(browser):
    pm = actor_for(User.query.filter_by(username="contractor_pm").one())
    case_id = cases.start_case(pm, "web_review", project_code="JS-2026-001")
    contractor, official = browser("contractor_pm"), browser("district_safety")
    for client in (contractor, official):
        assert client.get("/designer/web_review/migrations").status_code == 403
        r = client.post("/designer/web_review/migrations", data={"instance_id": case_id, "to_version": 1})
        assert r.status_code == 403
    page = browser("designer").get("/designer/web_review/migrations")
    assert page.status_code == 200 and "没有运行在更早版本上的案件" in page.get_data(as_text=True)
    assert browser("designer").get("/designer/nothing_here/migrations").status_code == 404
