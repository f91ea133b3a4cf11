"""Issue 15, phones: at 390 px the main menu opens from a bar (no strip cut off mid-word), every
entry (流程设计, 系统管理 too) is reachable inside the screen, the user's name is shown, and the
inbox tabs stay on one line."""
from __future__ import annotations

import pytest

from tests.e2e.conftest import PHONE, shoot

pytestmark = pytest.mark.e2e


def _inside_screen(page, selector: str) -> bool:
    box = page.locator(selector).bounding_box()
    return box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]


def test_the_menu_opens_on_a_phone_and_shows_every_entry(login, live_server):
    page = login("city_official", PHONE)
    page.goto(f"{live_server}/inbox")
    assert page.locator(".topbar .who").is_visible() and page.locator(".topbar .who").inner_text().strip()
    menu = page.locator("nav.mainnav")
    assert not menu.is_visible()  # closed: no strip cut off mid-word
    page.click("label.nav-open")
    assert menu.is_visible()
    for entry in ("流程设计", "系统管理", "修改密码"):
        link = menu.get_by_role("link", name=entry, exact=True)
        assert link.is_visible(), entry
        box = link.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], entry
    shoot(page, "phone-menu-open")
    tops = page.eval_on_selector_all("nav.tabs > a", "tabs => tabs.map(t => t.getBoundingClientRect().top)")
    assert len(tops) > 1 and len(set(round(t) for t in tops)) == 1  # one line (it scrolls, it does not wrap)
    assert _inside_screen(page, "nav.tabs")
    page.click("label.nav-open")
    assert not menu.is_visible()


def test_the_desktop_keeps_its_menu_bar(login, live_server):
    page = login("city_official")
    page.goto(f"{live_server}/inbox")
    assert page.locator("nav.mainnav").is_visible() and not page.locator("label.nav-open").is_visible()
