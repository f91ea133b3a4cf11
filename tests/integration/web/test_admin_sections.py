"""/admin shows each user the sections he may use, and only those: every section shown opens, every
section not shown is refused, and a user with none is refused the page (it listed every section to
every signed-in user)."""
from __future__ import annotations

import re

from app.web.admin import SECTIONS
from tests.integration.authz.world import USERS

TILES = {"backups": "admin-backups", "exchange": "admin-exchange", "webhooks": "admin-webhooks"}
EXPECTED = {
    "admin": set(SECTIONS) | set(TILES),
    "auditor": {"audit", "org-units", "enterprises", "projects", "devices"},
    "city_official": {"org-units", "enterprises", "projects", "devices", "categories", "experts"},
    "district_safety": {"org-units", "enterprises", "projects", "devices", "categories", "experts"},
    "contractor_pm": set(),
    "chief_supervisor": set(),
    "expert01": set(),
}


def _shown(html: str) -> set[str]:
    found = set(re.findall(r'href="/admin/([a-z-]+)"', html)) & set(SECTIONS)
    return found | {key for key, tile in TILES.items() if f'id="{tile}"' in html}


def test_each_user_sees_the_sections_he_may_use(browser, site):
    for user in USERS:
        client = browser(user)
        page = client.get("/admin")
        shown = _shown(page.get_data(as_text=True)) if page.status_code == 200 else set()
        if user in EXPECTED:
            assert shown == EXPECTED[user], user
        assert page.status_code == (200 if shown else 403), user
        for section in SECTIONS:
            status = client.get(f"/admin/{section}").status_code
            assert status == (200 if section in shown else 403), (user, section, status)
        if not shown:
            assert "系统管理" not in client.get("/inbox").get_data(as_text=True), user  # no link to it either
