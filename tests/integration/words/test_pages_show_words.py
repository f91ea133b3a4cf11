"""Every page, as every demo user sees it on the demo data, shows words, not codes; and every case,
open task, hazardous work, device and project page, as a city official sees it.

The designer's pages (/designer…) are the technical view: process keys and engine events are what
designers work with. Administrators and designers also see the engine's events on case pages."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Device, DeviceAlarm, HazardousWork, InboxTask, InstanceEvent, ProcessInstance, Project
from app.web.words import ENGINE_EVENTS
from tests.integration.authz.cells import build_url
from tests.integration.authz.matrix import MATRIX
from tests.integration.authz.world import USERS, World
from tests.support.raw_codes import code_tokens, find_codes, visible_text

TECHNICAL_USERS = {"admin", "designer"}


@pytest.fixture(scope="module")
def codes(world) -> set[str]:
    with world.app.app_context():
        extra = set(db.session.scalars(select(InstanceEvent.kind).distinct()))
        extra |= set(db.session.scalars(select(DeviceAlarm.alarm_type).distinct()))
        db.session.remove()
    return code_tokens(extra)


def _page_rules(app):
    for rule in app.url_map.iter_rules():
        if "GET" in (rule.methods or ()) and not rule.rule.startswith(("/api/", "/assets", "/static", "/designer")):
            yield rule


def _without_usernames(text: str) -> str:
    """Login names are data people type (the demo's look like role codes): a cell that is one and a
    name followed by one in brackets (the administrator's lists) are not codes. The author of a
    timeline entry and the starter of a case are said by their names (people.names_of)."""
    text = "\n".join(line for line in text.splitlines() if line not in USERS)
    for name in USERS:
        text = text.replace(f"（{name}）", "")
    return text


def _problems(world: World, user: str, url: str, codes: set[str]) -> list[str]:
    response = world.browsers[user].get(url)
    if response.status_code != 200 or response.mimetype != "text/html":
        return []
    shown = codes - ENGINE_EVENTS if user in TECHNICAL_USERS else codes
    found = find_codes(_without_usernames(visible_text(response.get_data(as_text=True))), shown)
    return [f"{user} {url}: {found}"] if found else []


def test_no_page_shows_a_code_to_any_user(world, codes):
    wrong = []
    for rule in sorted(_page_rules(world.app), key=lambda r: r.rule):
        entry = MATRIX[f"GET {rule.rule}"]
        for user, side in USERS.items():
            if user in entry.allowed:
                home = side if side in ("js", "eq") else "js"
                wrong += _problems(world, user, build_url(world, rule, entry.params, user, home, True), codes)
    assert not wrong, "\n".join(wrong)


def test_no_case_task_work_device_or_project_page_shows_a_code(world, codes):
    with world.app.app_context():
        urls = [f"/cases/{i}" for i in db.session.scalars(select(ProcessInstance.id))]
        urls += [f"/tasks/{i}" for i in db.session.scalars(select(InboxTask.id).where(InboxTask.status == "open"))]
        urls += [f"/works/{i}" for i in db.session.scalars(select(HazardousWork.id))]
        urls += [f"/devices/{i}" for i in db.session.scalars(select(Device.id))]
        urls += [f"/projects/{c}" for c in db.session.scalars(select(Project.code))]
        db.session.remove()
    wrong = [line for url in urls for line in _problems(world, "city_official", url, codes)]
    assert len(urls) > 20 and not wrong, "\n".join(wrong)
