"""Start rules are diagram data the designer edits on the pool: subject, statuses, roles, single."""
from __future__ import annotations

import pytest
from lxml import etree

from app.services.definitions.deployments import Bundle, bundle_from_dirs, validate
from tests.e2e.conftest import shoot
from tests.e2e.test_designer_round_trip import NS, _open_modeler, _saved, _select

pytestmark = pytest.mark.e2e
KEY = "hazardous_acceptance"


def _rule(xml: str) -> dict[str, str]:
    root = etree.fromstring(xml.encode())
    props = root.xpath(f"//bpmn:process[@id='{KEY}']/bpmn:extensionElements/spiffworkflow:properties/"
                       "spiffworkflow:property", namespaces=NS)
    return {p.get("name"): p.get("value") for p in props}


def test_the_pool_shows_and_edits_the_start_rule(login, live_server, sqlite_app):
    page = _open_modeler(login, live_server, KEY)
    _select(page, f"Participant_{KEY}")
    assert page.locator("#bio-properties-panel-sitecase-start-subject").input_value() == "hazardous_work"
    assert "危大工程" in page.locator("#bio-properties-panel-sitecase-start-subject").inner_text()
    assert page.locator("#bio-properties-panel-sitecase-start-statuses").input_value() == "plan_approved,in_progress"
    assert "施工中 in_progress" in page.locator("[data-entry-id=sitecase-start-statuses]").inner_text()
    assert page.locator("#bio-properties-panel-sitecase-start-roles").input_value() == "contractor_pm"
    page.fill("#bio-properties-panel-sitecase-start-statuses", "in_progress")
    page.press("#bio-properties-panel-sitecase-start-statuses", "Tab")
    page.select_option("#bio-properties-panel-sitecase-start-single", "false")
    shoot(page, "modeler-start-rule")

    xml = _saved(page)
    assert _rule(xml) == {"startSubject": "hazardous_work", "startStatuses": "in_progress",
                          "startRoles": "contractor_pm", "startSingle": "false"}
    forms = bundle_from_dirs().forms
    assert validate(Bundle({f"{KEY}.bpmn": xml.encode()}, forms)) == []

    page.fill("#bio-properties-panel-sitecase-start-statuses", "in_progress,flying")
    page.press("#bio-properties-panel-sitecase-start-statuses", "Tab")
    [problem] = validate(Bundle({f"{KEY}.bpmn": _saved(page).encode()}, forms))
    assert problem.code == "start_rule_invalid" and "flying" in problem.message

    # The server's check marks the pool (the process's own problem) and a click on it selects the pool.
    page.click("#btn-validate")
    page.wait_for_selector(f"g.has-problem[data-element-id=Participant_{KEY}]", state="attached")
    problem = page.locator(f"#designer-result li[data-element={KEY}]")
    assert "flying" in problem.inner_text()
    page.evaluate("() => window.sitecaseModeler.get('selection').select([])")
    problem.click()
    assert page.evaluate("() => window.sitecaseModeler.get('selection').get().map(e => e.id)") == [f"Participant_{KEY}"]
    shoot(page, "modeler-start-rule-problem")
