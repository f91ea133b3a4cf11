"""The device list of /devices pages (`devices_page`) through every visible device: it showed the
first 200 and said 200."""
from __future__ import annotations

import re

from sqlalchemy import func, select

from app.extensions import db
from app.models import Device, Project
from tests.support.factories import gen_device


def test_every_device_is_on_some_page(browser, site):
    project = db.session.scalar(select(Project).where(Project.code == "JS-2026-001"))
    for n in range(201):
        gen_device(project, code=f"PG-{n:04d}")
    official = browser("district_safety")
    first = official.get("/devices").get_data(as_text=True)
    visible = db.session.scalar(select(func.count(Device.id)).join(Project).where(Project.district_id == project.district_id))
    assert f"（{visible}）" in first and "devices_page=2" in first and "PG-0200" not in first
    pages = -(-visible // 200)
    last = official.get(f"/devices?devices_page={pages}").get_data(as_text=True)
    assert "PG-0200" in last
    codes = set()
    for n in range(1, pages + 1):
        codes |= set(re.findall(r"PG-\d{4}", official.get(f"/devices?devices_page={n}").get_data(as_text=True)))
    assert len(codes) == 201
