"""The designer's modeler in a real browser: every diagram of processes/ opened in bpmn-js and
saved again validates, deploys and is semantically equal to the file (same elements, ids,
extension elements, multi-instance settings, conditions, timers, scripts); the properties panel
edits what the engine reads, and expressions are checked by the sandbox as the designer types.
One browser page serves every diagram (import, save, next)."""
from __future__ import annotations

from pathlib import Path

from lxml import etree

from app.services.definitions.deployments import Bundle, bundle_from_dirs, deploy, validate
from app.services.designer.diagram_check import missing_di
from tests.e2e.conftest import shoot
from tests.support.bpmn_semantics import differences

ROOT = Path(__file__).resolve().parents[2]
DIAGRAMS = sorted((ROOT / "processes").glob("*.bpmn"))
NS = {"bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL",
      "spiffworkflow": "http://spiffworkflow.org/bpmn/schema/1.0/core"}

ROUND_TRIP = """async (xml) => {
  const modeler = window.sitecaseModeler;
  await modeler.importXML(xml);
  const out = await modeler.saveXML({ format: true });
  return out.xml;
}"""


def _open_modeler(login, live_server, key="device_alarm_disposal"):
    page = login("designer")
    page.goto(f"{live_server}/designer/{key}/edit")
    page.wait_for_selector(".modeler-wrap[data-ready=true]")
    return page


def test_every_diagram_comes_back_from_the_modeler_unchanged_and_deploys(login, live_server, sqlite_app):
    assert len(DIAGRAMS) == 18
    page = _open_modeler(login, live_server)
    saved: dict[str, bytes] = {}
    for path in DIAGRAMS:
        original = path.read_text(encoding="utf-8")
        xml = page.evaluate(ROUND_TRIP, original)
        assert differences(original, xml) == [], path.name
        assert missing_di(xml.encode()) == [], path.name
        saved[path.name] = xml.encode()
    base = bundle_from_dirs()
    bundle = Bundle(saved, base.forms)
    assert validate(bundle) == []
    outcomes = deploy(bundle)
    assert sorted(o.key for o in outcomes) == sorted(p.stem for p in DIAGRAMS)
    assert all(o.created for o in outcomes)


def test_the_multi_instance_collection_survives_a_save(login, live_server):
    """hazardous_plan_review: loopDataInputRef names a task-data variable, not an element id."""
    page = _open_modeler(login, live_server)
    xml = page.evaluate(ROUND_TRIP, (ROOT / "processes" / "hazardous_plan_review.bpmn").read_text(encoding="utf-8"))
    assert "<bpmn:loopDataInputRef>panel_pending</bpmn:loopDataInputRef>" in xml
    assert "<bpmn:loopDataOutputRef>panel_answers</bpmn:loopDataOutputRef>" in xml


def _select(page, element_id):
    page.evaluate("""(id) => {
      const m = window.sitecaseModeler;
      const el = m.get('elementRegistry').get(id);
      m.get('canvas').scrollToElement(el);
      m.get('selection').select(el);
    }""", element_id)


def _saved(page) -> str:
    return page.evaluate("async () => (await window.sitecaseModeler.saveXML({ format: true })).xml")


def test_the_properties_panel_edits_what_the_engine_reads(login, live_server):
    page = _open_modeler(login, live_server)
    # Lane → role from the role catalogue.
    _select(page, "Lane_officer")
    role = page.locator("#bio-properties-panel-sitecase-lane-role")
    assert "安监站监督员（district_safety_officer）" in role.inner_text()
    role.select_option("district_quality_officer")
    # Service task → operator from the catalogue, its parameters with types and help.
    _select(page, "close_handled")
    operator = page.locator("#bio-properties-panel-sitecase-operator")
    assert operator.input_value() == "close_device_alarm"
    assert "必填" in page.locator("[data-entry-id=sitecase-param-outcome]").inner_text()
    page.fill("#bio-properties-panel-sitecase-param-note", "'已现场核实'")
    page.press("#bio-properties-panel-sitecase-param-note", "Tab")
    # User task → form from forms/, with a link to the form editor.
    _select(page, "handle_alarm")
    assert page.locator("#bio-properties-panel-sitecase-form-schema").input_value() == \
        "device_alarm_disposal_handle.schema.json"
    link = page.locator("[data-entry-id=sitecase-form-schema] a.sitecase-form-link")
    assert link.get_attribute("href").endswith("/designer/device_alarm_disposal/forms/device_alarm_disposal_handle.schema.json")
    page.fill("#bio-properties-panel-sitecase-due-in", "'P2D'")
    page.press("#bio-properties-panel-sitecase-due-in", "Tab")
    page.fill("#bio-properties-panel-sitecase-priority", "very high")
    page.wait_for_selector("[data-entry-id=sitecase-priority] .bio-properties-panel-error:has-text('优先级只能是')")
    page.fill("#bio-properties-panel-sitecase-priority", "high")
    page.press("#bio-properties-panel-sitecase-priority", "Tab")
    # A timer's duration is an expression too: checked by the same sandbox.
    _select(page, "deadline_passed")
    page.fill("#bio-properties-panel-timerEventDefinitionValue", "iso_duration(hours=")
    page.press("#bio-properties-panel-timerEventDefinitionValue", "Tab")
    page.wait_for_selector("[data-entry-id=timerEventDefinitionValue] .bio-properties-panel-error:has-text('语法错误')")
    page.fill("#bio-properties-panel-timerEventDefinitionValue", "iso_duration(hours=deadline_hours)")
    page.press("#bio-properties-panel-timerEventDefinitionValue", "Tab")
    # A sequence-flow condition with a syntax error: Chinese message on the entry, element marked.
    flow = page.evaluate("""() => window.sitecaseModeler.get('elementRegistry')
        .filter(e => e.type === 'bpmn:SequenceFlow' && e.businessObject.conditionExpression)[0].id""")
    _select(page, flow)
    page.fill("#bio-properties-panel-sitecase-condition", "decision ==")
    page.wait_for_selector("[data-entry-id=sitecase-condition] .bio-properties-panel-error:has-text('表达式语法错误')")
    page.wait_for_selector(f"g.has-expression-error[data-element-id={flow}]", state="attached")
    shoot(page, "modeler-properties-panel")
    page.fill("#bio-properties-panel-sitecase-condition", "decision == 'close'")
    page.wait_for_selector(f"g.has-expression-error[data-element-id={flow}]", state="detached")
    root = etree.fromstring(_saved(page).encode())
    assert root.xpath("//bpmn:lane[@id='Lane_officer']/@name", namespaces=NS) == ["district_quality_officer"]
    assert root.xpath("//bpmn:serviceTask[@id='close_handled']//spiffworkflow:parameter[@id='note']/@value",
                      namespaces=NS) == ["'已现场核实'"]
    assert root.xpath("//bpmn:userTask[@id='handle_alarm']//spiffworkflow:property[@name='dueIn']/@value",
                      namespaces=NS) == ["'P2D'"]
    assert root.xpath("//bpmn:userTask[@id='handle_alarm']//spiffworkflow:property[@name='priority']/@value",
                      namespaces=NS) == ["high"]
    assert root.xpath(f"//bpmn:sequenceFlow[@id='{flow}']/bpmn:conditionExpression/text()",
                      namespaces=NS) == ["decision == 'close'"]


def test_every_element_of_every_diagram_opens_in_the_properties_panel(login, live_server):
    """Selecting each element renders its groups without a script error (no FEEL editor, which the
    bundle leaves out, is ever asked for)."""
    page = _open_modeler(login, live_server)
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    counted = 0
    for path in DIAGRAMS:
        counted += page.evaluate("""async (xml) => {
          const m = window.sitecaseModeler;
          await m.importXML(xml);
          const all = m.get('elementRegistry').filter(e => e.type !== 'label');
          for (const e of all) {
            m.get('selection').select(e);
            await new Promise(r => setTimeout(r, 0));
            if (!document.querySelector('#properties-panel .bio-properties-panel-header')) throw new Error('no panel: ' + e.id);
          }
          return all.length;
        }""", path.read_text(encoding="utf-8"))
    assert errors == []
    assert counted > 500


def _import(page, key: str) -> None:
    page.evaluate("async (xml) => { await window.sitecaseModeler.importXML(xml); }",
                  (ROOT / "processes" / f"{key}.bpmn").read_text(encoding="utf-8"))


def test_the_panel_edits_multi_instance_messages_and_free_parameters(login, live_server):
    page = _open_modeler(login, live_server)
    # The message start event: where the message's content goes.
    _select(page, "alarm_received")
    assert page.locator("#bio-properties-panel-sitecase-message-variable").input_value() == "alarm"
    # Multi-instance: the collection is a task-data variable, each instance gets one item.
    _import(page, "hazardous_plan_review")
    _select(page, "give_opinion")
    assert page.locator("#bio-properties-panel-sitecase-mi-collection").input_value() == "panel_pending"
    assert page.locator("#bio-properties-panel-sitecase-mi-item").input_value() == "expert"
    assert page.locator("#bio-properties-panel-sitecase-mi-output").input_value() == "panel_answers"
    page.fill("#bio-properties-panel-sitecase-mi-collection", "panel_queue")
    page.press("#bio-properties-panel-sitecase-mi-collection", "Tab")
    root = etree.fromstring(_saved(page).encode())
    assert root.xpath("//bpmn:userTask[@id='give_opinion']//bpmn:loopDataInputRef/text()", namespaces=NS) == \
        ["panel_queue"]
    # An operator taking parameters of any name (a notice's template fields): the designer adds one.
    _import(page, "rectification_order")
    _select(page, "print_notice")
    assert "签发通知书" in page.locator("[data-entry-id=sitecase-operator]").inner_text()
    page.fill("#bio-properties-panel-sitecase-param-new", "inspector_name")
    page.press("#bio-properties-panel-sitecase-param-new", "Tab")
    page.fill("#bio-properties-panel-sitecase-param-inspector_name", "inspector['name']")
    page.press("#bio-properties-panel-sitecase-param-inspector_name", "Tab")
    root = etree.fromstring(_saved(page).encode())
    assert root.xpath("//bpmn:serviceTask[@id='print_notice']//spiffworkflow:parameter[@id='inspector_name']"
                      "/@value", namespaces=NS) == ["inspector['name']"]
