"""The modeler in English (?lang=en): bpmn-js, the properties panel, SiteCase's groups, the role
catalogue, the page's own messages and the sandbox's reasons; Chinese again with ?lang=zh."""
from __future__ import annotations

import re

import pytest

from tests.e2e.conftest import shoot
from tests.e2e.test_designer_round_trip import _select

pytestmark = pytest.mark.e2e
CHINESE = re.compile(r"[\u3400-\u9fff]")
KEY = "hazardous_acceptance"


def _open(login, live_server, lang):
    page = login("designer")
    page.goto(f"{live_server}/designer/{KEY}/edit?lang={lang}")
    page.wait_for_selector(".modeler-wrap[data-ready=true]")
    return page


def _panel_text(page) -> str:
    return page.locator("#properties-panel").inner_text()


def test_the_modeler_speaks_the_pages_language(login, live_server, sqlite_app):
    page = _open(login, live_server, "en")
    assert page.locator(".djs-palette [data-action='create.task']").get_attribute("aria-label") == "Create task"
    lane = page.evaluate("() => window.sitecaseModeler.get('elementRegistry')"
                         ".filter(e => e.type === 'bpmn:Lane').map(e => e.id)[0]")
    _select(page, lane)
    page.wait_for_selector("#bio-properties-panel-sitecase-lane-role")
    assert "Lane and role" in _panel_text(page) and "Role working this lane" in _panel_text(page)
    assert "Contractor project manager (contractor_pm)" in \
        page.locator("#bio-properties-panel-sitecase-lane-role").inner_text()
    _select(page, f"Participant_{KEY}")
    page.wait_for_selector("#bio-properties-panel-sitecase-start-statuses")
    text = _panel_text(page)
    assert "Start rule" in text and "Statuses in which it may start" in text, text
    assert "Under construction in_progress" in page.locator("[data-entry-id=sitecase-start-statuses]").inner_text()
    # Everything the designer reads is English but the diagram's own names (data).
    names = set(page.evaluate("() => window.sitecaseModeler.get('elementRegistry').getAll()"
                              ".map(e => e.businessObject && e.businessObject.name).filter(Boolean)"))
    leftover = [line for line in text.splitlines() if CHINESE.search(line) and line.strip() not in names]
    assert leftover == []

    # A sandbox refusal comes back in English, on the element.
    task = page.evaluate("() => window.sitecaseModeler.get('elementRegistry')"
                         ".filter(e => e.type === 'bpmn:UserTask').map(e => e.id)[0]")
    _select(page, task)
    page.fill("#bio-properties-panel-sitecase-due-in", "__import__('os')")
    page.press("#bio-properties-panel-sitecase-due-in", "Tab")
    page.wait_for_selector(f"g.has-expression-error[data-element-id={task}]", state="attached")
    message = page.locator(f"g[data-element-id={task}] title.sitecase-error").text_content()
    assert "not allowed" in message and not CHINESE.search(message)
    page.click("#btn-validate")
    page.wait_for_selector("#designer-result li")
    assert "Not valid:" in page.locator("#designer-result").inner_text()
    shoot(page, "modeler-english")

    page = _open(login, live_server, "zh")
    assert page.locator(".djs-palette [data-action='create.task']").get_attribute("aria-label") == "创建任务"
    _select(page, lane)
    page.wait_for_selector("#bio-properties-panel-sitecase-lane-role")
    assert "泳道与角色" in _panel_text(page)
