"""The vocabulary knows every code the code base shows: roles, metrics of the threshold table,
category rule parameters, processes, notice templates, the timeline's event kinds and why a case
stopped (incident codes)."""
from __future__ import annotations

import csv
import re
from pathlib import Path

from app.domain import vocabulary
from app.domain.super_scale import rule_parameters
from app.domain.vocabulary import EVENT, INCIDENT, METRIC, NOTICE, PARAMETER, PROCESS, ROLE, word
from app.rendering.catalogue import TEMPLATES
from app.roles import ROLES
from app.services.notices.issuing import INCIDENT_CODE as NOTICE_INCIDENT
from app.services.workflow.review_duties import CONFLICT_CODE

ROOT = Path(__file__).resolve().parents[2]


def test_every_role_metric_parameter_process_and_notice_has_words():
    assert set(ROLES) <= set(ROLE)
    with open(ROOT / "app/data/alarm-thresholds.csv", encoding="utf-8") as f:
        assert {row["metric"] for row in csv.DictReader(f)} <= set(METRIC)
    with open(ROOT / "app/data/hazardous-categories.csv", encoding="utf-8") as f:
        used = {p for row in csv.DictReader(f) for key, rule in row.items() if key.endswith("_if")
                for p in rule_parameters(rule or "")}
    assert used and used <= set(PARAMETER)
    assert {p.stem for p in (ROOT / "processes").glob("*.bpmn")} <= set(PROCESS)
    assert set(TEMPLATES) <= set(NOTICE)


def test_every_timeline_kind_written_in_the_code_has_words():
    written = set()
    for path in (ROOT / "app").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        written |= set(re.findall(r"timeline\.note\(ctx, \"([a-z_]+)\"", text))
        written |= set(re.findall(r"timeline\.record\([^,]+, [^,]+, \"([a-z_]+)\"", text))
        written |= set(re.findall(r"\"type\": \"([a-z_]+)\"", text)) if "engine" in path.parts else set()
    assert written and written - set(EVENT) == set()


def test_every_incident_code_has_words():
    """An incident records an EngineError's code (any the engine raises, a sandbox compile error's
    `<script|condition>_syntax` too), the reviewer's avoidance conflict or a notice that did not render."""
    raised = set()
    for path in (ROOT / "app/engine").rglob("*.py"):
        raised |= set(re.findall(r"(?:EngineError|SandboxCompileError)\(\"([a-z_]+)\"", path.read_text(encoding="utf-8")))
    raised |= {"script_syntax", "condition_syntax", "expression_error", CONFLICT_CODE, NOTICE_INCIDENT}
    assert len(raised) > 15 and raised - set(INCIDENT) == set()
    assert word("time_budget_exceeded", "incident", "en") == "A script of the process ran out of time"


def test_words_in_both_languages_and_unknown_text_passes_through():
    assert word("contractor_pm", "role") == "施工单位项目经理"
    assert word("contractor_pm", "role", "en") == "Contractor project manager"
    assert word("wind_speed") == "风速" and vocabulary.metric_with_unit("wind_speed") == "风速（m/s）"
    assert vocabulary.alarm_label("certificate_expired") == "特种作业人员证书过期"
    assert word("立即整改") == "立即整改" and word(None) == ""
