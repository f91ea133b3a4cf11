"""The designer's problem messages in English: every sentence the checks write has its English."""
from __future__ import annotations

import re
from pathlib import Path

import app.services.hazard.start_rules  # noqa: F401  (registers the hazardous_work subject)
from app.services.definitions import start_guards
from app.services.definitions.deployments import BundleInvalidError, engine
from app.services.designer.diagram_check import missing_di
from app.services.designer.problem_words import in_english

CHINESE = re.compile(r"[\u3400-\u9fff]")
EMPTY = b'<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d"><bpmn:process id="p"/></bpmn:definitions>'
NO_DI = (b'<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d"><bpmn:process id="p">'
         b'<bpmn:startEvent id="s"/></bpmn:process></bpmn:definitions>')


def _rule_messages() -> list[str]:
    rules = [{"startSubject": "spaceship", "startStatuses": "x", "startRoles": "y"}, {"startRoles": "contractor_pm"},
             {"startSubject": "hazardous_work"},
             {"startSubject": "hazardous_work", "startStatuses": "flying", "startRoles": "city_official",
              "startSingle": "maybe"}]
    return [m for r in rules for m in start_guards.rule_problems(r)]


def test_every_sentence_of_the_checks_reads_in_english():
    messages = _rule_messages() + [m for _, _, m in missing_di(EMPTY) + missing_di(NO_DI)]
    assert len(messages) >= 8
    english = [in_english(m) for m in messages]
    assert [m for m in english if CHINESE.search(m)] == []
    assert "flying in startStatuses is not a status of the subject." in english
    assert "city_official in startRoles is not a project role." in english


def test_the_code_and_line_of_a_problem_stay_in_place():
    problem = engine.BundleProblem("k.bpmn", "k", 12, "start_rule_invalid", "startSingle 只能是 true 或 false。")
    [message] = BundleInvalidError([problem]).fields["k.bpmn#k"]
    assert in_english(message) == "[start_rule_invalid] Line 12: startSingle must be true or false."
    assert in_english("something the table does not know") == "something the table does not know"


def test_the_engines_sentences_read_in_chinese():
    from app.services.designer.problem_words import in_language

    assert in_language("[timer_invalid] 第3行：timeDuration 'P3D' must be quoted: '\"P3D\"'", "zh") == \
        "[timer_invalid] 第3行：timeDuration 的值 'P3D' 须加引号，如 \"'P3D'\"。"
    assert in_language("service task operator 'nope' is not registered", "zh") == "服务任务的操作 'nope' 没有登记。"
    assert in_language("user task is in no lane (no role)", "zh") == "用户任务不在任何泳道中（没有办理角色）。"
    assert in_language("form 'x.schema.json' does not exist", "en") == "form 'x.schema.json' does not exist"


# A library's findings (sandbox, timers, XML, XSD, the parser) carry a stable reason and are worded
# from it in both languages; the library's English stays out of the Chinese.
ORDER = Path(__file__).resolve().parents[2] / "processes" / "rectification_order.bpmn"
TIMER = b'<bpmn:timeDate xsi:type="bpmn:tFormalExpression">deadline_at</bpmn:timeDate>'
BROKEN = {  # what is changed in rectification_order.bpmn → the reason it gives
    "sandbox_syntax": (b"audit_opinion = opinion\n", b"audit_opinion = (opinion\n"),
    "sandbox_not_allowed": (b'value="iso(now())"', b'value="eval(\'1\')"'),
    "sandbox_underscore": (b'value="deadline"', b'value="x._y"'),
    "timer_value_invalid": (TIMER, TIMER.replace(b"deadline_at", b'"2026-13-45"')),
    "timer_not_quoted": (TIMER, TIMER.replace(b"deadline_at", b"P3D")),
    "timer_sandbox_not_allowed": (TIMER, TIMER.replace(b"deadline_at", b"exec('1')")),
    "xsd_attribute_not_allowed": (b'<bpmn:startEvent id="', b'<bpmn:startEvent foo="1" id="'),
    "xsd_element_unexpected": (b"<bpmn:process ", b"<bpmn:foo/><bpmn:process "),
    "parser_refused": (b'targetRef="', b'targetRef="nowhere'),
}


def _problems(name: str, data: bytes) -> list:
    return [p for p in engine.validate_bundle({name: data}, known_roles=set(), operators=set(),
                                               form_exists=lambda n: True) if p.reason]


def test_a_librarys_findings_have_a_reason_and_words_in_both_languages():
    from app.services.designer.problem_words import problem_message

    order = ORDER.read_bytes()
    found = {}
    for reason, (old, new) in BROKEN.items():
        assert old in order, reason
        found[reason] = _problems("rectification_order.bpmn", order.replace(old, new, 1))
    found["xml_syntax"] = _problems("x.bpmn", b"<a><b></a>")
    found["xml_doctype"] = _problems("x.bpmn", b'<?xml version="1.0"?><!DOCTYPE a [<!ENTITY b "c">]><a/>')
    for reason, problems in found.items():
        assert reason in {p.reason for p in problems}, (reason, problems)
        problem = next(p for p in problems if p.reason == reason)
        zh, en = problem_message(problem, "zh"), problem_message(problem, "en")
        assert CHINESE.search(zh) and not CHINESE.search(en), (reason, zh, en)
        # the library's own English sentence is not part of the Chinese
        assert problem.message not in zh and dict(problem.values).get("detail", "\0") not in zh, (reason, zh)
    timer = next(p for p in found["timer_not_quoted"] if p.reason == "timer_not_quoted")
    assert problem_message(timer, "zh") == "定时器日期 P3D 须加引号，如 \"'P3D'\"。"
    assert problem_message(timer, "en") == "The timer date P3D must be quoted: '\"P3D\"'."
    [unexpected] = found["xsd_element_unexpected"][:1]
    assert problem_message(unexpected, "zh") == "此处不应出现元素 bpmn:foo（不符合 BPMN 2.0 规范）。"
    [not_allowed] = [p for p in found["sandbox_not_allowed"] if p.reason == "sandbox_not_allowed"]
    assert (not_allowed.code, problem_message(not_allowed, "en")) == ("script_unsafe", "eval is not allowed: eval('1')")
    assert problem_message(not_allowed, "zh") == "不允许使用 eval：eval('1')"
