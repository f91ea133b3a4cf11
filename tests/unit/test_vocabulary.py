"""The vocabulary knows every code the code base shows: roles, metrics of the threshold table,
category rule parameters, processes, notice templates and the timeline's event kinds."""
from __future__ import annotations

import csv
import re
from pathlib import Path

from app.domain import vocabulary
from app.domain.super_scale import rule_parameters
from app.domain.vocabulary import EVENT, METRIC, NOTICE, PARAMETER, PROCESS, ROLE, word
from app.rendering.catalogue import TEMPLATES
from app.roles import ROLES

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


def test_words_in_both_languages_and_unknown_text_passes_through():
    assert word("contractor_pm", "role") == "施工单位项目经理"
    assert word("contractor_pm", "role", "en") == "Contractor project manager"
    assert word("wind_speed") == "风速" and vocabulary.metric_with_unit("wind_speed") == "风速（m/s）"
    assert vocabulary.alarm_label("certificate_expired") == "特种作业人员证书过期"
    assert word("立即整改") == "立即整改" and word(None) == ""
