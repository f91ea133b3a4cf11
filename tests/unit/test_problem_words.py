"""The designer's problem messages in English: every sentence the checks write has its English."""
from __future__ import annotations

import re

import app.services.hazard.start_rules  # noqa: F401  (registers the hazardous_work subject)
from app.services.designer.diagram_check import missing_di
from app.services.designer.problem_words import in_english
from app.services.workflow import start_guards
from app.services.workflow.deployments import BundleInvalidError, engine

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
