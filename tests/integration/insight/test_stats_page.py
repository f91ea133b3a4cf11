"""The statistics page offers the alarm types of the reader's scope, Chinese labels only."""
from __future__ import annotations

import re

from tests.support.factories import PASSWORD


def _page(app, username: str):
    client = app.test_client()
    r = client.post("/login", data={"username": username, "password": PASSWORD})
    assert r.status_code == 302, r.get_data(as_text=True)
    return client.get("/stats?start=2026-03-01&end=2026-03-10&grain=week")


def _options(html: str) -> set[str]:
    select = re.search(r'<select name="alarm_type">(.*?)</select>', html, re.S).group(1)
    return set(re.findall(r">([^<]+)</option>", select)) - {"全部"}


def test_district_official_is_offered_his_district_types(app, world):
    html = _page(app, "s_dist_a").get_data(as_text=True)
    assert _options(html) == {"载重", "风速", "PM10", "昼间噪声"}
    assert 'value="week" selected' in html and 'value="2026-03-01"' in html


def test_city_is_offered_every_type(app, world):
    assert "倾角" in _options(_page(app, "s_city").get_data(as_text=True))


def test_user_without_scope_is_refused(app, world):
    assert _page(app, "s_nobody").status_code == 403
