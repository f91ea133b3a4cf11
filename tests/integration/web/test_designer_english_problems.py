"""The designer's validate and deploy answers in English with ?lang=en: the checks' sentences, the
refusal and its field messages (code and line kept); Chinese by default."""
from __future__ import annotations

import io

from tests.integration.web.conftest import WEB_FIXTURES

RULE = ('<bpmn:process id="web_review" name="方案编制与审查（页面测试）" isExecutable="true">\n'
        '    <bpmn:extensionElements><spiffworkflow:properties>'
        '<spiffworkflow:property name="startSubject" value="spaceship"/>'
        '</spiffworkflow:properties></bpmn:extensionElements>')


def _broken() -> bytes:
    bpmn = (WEB_FIXTURES / "web_review.bpmn").read_text(encoding="utf-8")
    old = '<bpmn:process id="web_review" name="方案编制与审查（页面测试）" isExecutable="true">'
    assert old in bpmn
    return bpmn.replace(old, RULE).encode()


def _post(client, url):
    forms = [(io.BytesIO(f.read_bytes()), f.name) for f in sorted((WEB_FIXTURES / "forms").glob("*.json"))]
    return client.post(url, data={"files": [(io.BytesIO(_broken()), "web_review.bpmn"), *forms]},
                       headers={"Accept": "application/json"})


def test_validate_and_deploy_answer_in_the_pages_language(browser):
    client = browser("designer")
    [problem] = _post(client, "/designer/validate?lang=en").get_json()["data"]
    assert problem["code"] == "start_rule_invalid" and problem["line"] == 12
    assert problem["message"].startswith("startSubject spaceship is not a known subject (known: ")
    error = _post(client, "/designer/deploy?lang=en").get_json()["error"]
    assert error["message"] == "The process files are not valid."
    assert error["fields"]["web_review.bpmn#web_review"][0].startswith(
        "[start_rule_invalid] Line 12: startSubject spaceship is not a known subject")
    [problem] = _post(client, "/designer/validate?lang=zh").get_json()["data"]
    assert "不是已知的发起对象" in problem["message"]


def test_the_engines_english_checks_read_in_chinese_on_a_chinese_page(browser):
    bpmn = (WEB_FIXTURES / "web_review.bpmn").read_text(encoding="utf-8").replace(
        '<bpmn:lane id="Lane_chief" name="chief_supervisor">', '<bpmn:lane id="Lane_chief" name="spaceman">')
    forms = [(io.BytesIO(f.read_bytes()), f.name) for f in sorted((WEB_FIXTURES / "forms").glob("*.json"))]
    r = browser("designer").post("/designer/validate", data={"files": [(io.BytesIO(bpmn.encode()), "web_review.bpmn"), *forms]},
                                 headers={"Accept": "application/json"})
    messages = [p["message"] for p in r.get_json()["data"]]
    assert "泳道名称 'spaceman' 不是已知的角色代码。" in messages


def test_a_librarys_findings_read_in_the_pages_language(browser):
    """The sandbox's and the BPMN schema's findings: a stable reason, words in Chinese and English."""
    bpmn = (WEB_FIXTURES / "web_review.bpmn").read_text(encoding="utf-8")
    start = '<bpmn:startEvent id="'
    assert start in bpmn
    bpmn = bpmn.replace(start, '<bpmn:startEvent foo="1" id="', 1)
    forms = [(f.read_bytes(), f.name) for f in sorted((WEB_FIXTURES / "forms").glob("*.json"))]
    client = browser("designer")

    def post(url):
        files = [(io.BytesIO(bpmn.encode()), "web_review.bpmn"), *[(io.BytesIO(b), n) for b, n in forms]]
        return client.post(url, data={"files": files}, headers={"Accept": "application/json"})

    [zh] = post("/designer/validate").get_json()["data"]
    [en] = post("/designer/validate?lang=en").get_json()["data"]
    assert (zh["code"], zh["reason"]) == (en["code"], en["reason"]) == ("bpmn_xsd_invalid", "xsd_attribute_not_allowed")
    assert zh["message"] == "元素 bpmn:startEvent 不允许有属性 foo。"
    assert en["message"] == "Element bpmn:startEvent may not have the attribute foo."
    error = post("/designer/deploy?lang=en").get_json()["error"]
    [message] = [m for ms in error["fields"].values() for m in ms]
    assert message.startswith("[bpmn_xsd_invalid] Line ") and message.endswith(": " + en["message"])
    error = post("/designer/deploy?lang=zh").get_json()["error"]
    [message] = [m for ms in error["fields"].values() for m in ms]
    assert message.startswith("[bpmn_xsd_invalid] 第") and message.endswith(zh["message"])
