"""Every process declares the summary of its subject (processes/<key>.summary.json), and the
summaries render what they name and nothing blank."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.formdefs import summaries, titles
from app.services.definitions import deployments

ROOT = Path(__file__).resolve().parents[2]
KEYS = sorted(p.stem for p in (ROOT / "processes").glob("*.bpmn"))


def test_there_are_sixteen_processes_or_more():
    assert len(KEYS) >= 16


@pytest.mark.parametrize("key", KEYS)
def test_every_process_has_a_valid_summary(key):
    path = ROOT / "processes" / summaries.file_name(key)
    assert path.exists(), f"{key} has no {path.name}"
    spec = json.loads(path.read_text(encoding="utf-8"))
    user_tasks = deployments._user_task_ids((ROOT / "processes" / f"{key}.bpmn").read_bytes())
    assert summaries.problems(spec, user_tasks) == []


def test_problems_name_unknown_tasks_and_bad_facts():
    spec = {"facts": [{"label": "设备"}, {"text": "{a}"}, {"label": "x", "value": "a", "as": "money"}],
            "tasks": {"nope": [{"label": "y", "value": "b"}]}}
    found = summaries.problems(spec, {"handle"})
    assert "tasks.nope：流程中没有这个用户任务。" in found
    assert any(p.startswith("facts.0：") for p in found)
    assert any(p.startswith("facts.1：") for p in found)
    assert any(p.startswith("facts.2：as") for p in found)
    assert summaries.problems({"facts": []}, set()) == ["facts 必须是非空列表。"]


SPEC = {
    "title": "{alarm.device_name}（{alarm.device_code}）",
    "facts": [
        {"label": "设备", "text": "{alarm.device_name}（{alarm.device_code}）"},
        {"label": "报警值", "text": "{alarm.value} {alarm.unit}"},
        {"label": "首次", "value": "alarm.occurred_at", "as": "datetime"},
        {"label": "次数", "text": "{case.alarm.count} 次"},
        {"label": "缺", "value": "missing"},
        {"label": "问题", "list": "problems", "item": "{location}：{description}"},
        {"label": "文件", "files": "plan_file", "history_of": "compile"}],
    "tasks": {"review": [{"label": "措施", "value": "measures"}]},
}


def test_render_fills_templates_formats_china_time_and_leaves_unknowns_out():
    sources = {"alarm": {"device_name": "1#塔吊", "device_code": "TC-01", "value": 104.0, "unit": "%",
                         "occurred_at": "2026-05-04T02:00:00+00:00"},
               "problems": [{"location": "3#楼", "description": "临边缺防护"}, {"location": "x"}],
               "plan_file": [7], "measures": "已整改", "case": {"alarm": {"count": 3}}}
    files = {5: {"id": 5, "filename": "v1.pdf"}, 7: {"id": 7, "filename": "v2.pdf"}}
    shown = summaries.render(SPEC, "review", sources, files, {"compile": [5, 7]})
    assert [(f["label"], f["value"]) for f in shown if f["kind"] != "files"] == [
        ("设备", "1#塔吊（TC-01）"), ("报警值", "104 %"), ("首次", "2026-05-04 10:00"), ("次数", "3 次"),
        ("问题", ["3#楼：临边缺防护"]), ("措施", "已整改")]
    [listed] = [f["value"] for f in shown if f["kind"] == "files"]
    assert listed == [{"id": 7, "filename": "v2.pdf", "current": True},
                      {"id": 5, "filename": "v1.pdf", "current": False}]
    assert summaries.title(SPEC, sources) == "1#塔吊（TC-01）"
    assert summaries.title(SPEC, {}) is None
    assert [f["label"] for f in summaries.render(SPEC, "other", sources, files, {})][-1] == "文件"


def test_coded_values_are_shown_as_the_words_their_forms_offered():
    spec = {"title": "{order_type} {order_no}",
            "facts": [{"label": "决定", "value": "decision.kind"}, {"label": "类别", "list": "categories"},
                      {"label": "说明", "text": "{order_type}：{reason}"}, {"label": "其他", "value": "free"}]}
    choices = {"kind": {"rectify": "限期整改"}, "categories": {"pit": "深基坑", "crane": "起重机械"},
               "order_type": {"deadline": "限期整改通知"}}
    sources = {"decision": {"kind": "rectify"}, "categories": ["pit", "crane", "other"],
               "order_type": "deadline", "order_no": "ZG-7", "reason": "临边", "free": "rectify"}
    shown = summaries.render(spec, None, sources, {}, {}, choices)
    assert [f["value"] for f in shown] == ["限期整改", ["深基坑", "起重机械", "other"], "限期整改通知：临边",
                                           "rectify"]
    assert summaries.title(spec, sources, choices) == "限期整改通知 ZG-7"
    assert summaries.title(spec, sources) == "deadline ZG-7"


def test_choices_in_reads_the_deployed_forms_and_their_ui_names():
    sources = {"a.schema.json": json.dumps({"properties": {
                   "kind": {"type": "string", "oneOf": [{"const": "x", "title": "甲"}]},
                   "level": {"type": "string", "enum": ["1", "2"]}}}),
               "a.ui.json": json.dumps({"level": {"ui:enumNames": ["一级", "二级"]}}),
               "p.bpmn": "<xml/>"}
    assert titles.choices_in(sources) == {"kind": {"x": "甲"}, "level": {"1": "一级", "2": "二级"}}


def test_data_roots_are_what_the_row_keeps():
    assert summaries.data_roots(SPEC, "review") == {
        "alarm", "problems", "plan_file", "missing", "measures", "return_reason", "returned_by"}
    assert summaries.data_roots(None, "review") == set()


def _user_task_names(key: str) -> set[str]:
    from lxml import etree

    root = etree.parse(str(ROOT / "processes" / f"{key}.bpmn"))
    return {e.get("name") for e in root.iter("{*}userTask") if e.get("name")}


@pytest.mark.parametrize("key", KEYS)
def test_every_summary_says_its_texts_and_task_names_in_english(key):
    spec = json.loads((ROOT / "processes" / summaries.file_name(key)).read_text(encoding="utf-8"))
    needed = summaries.texts(spec) | _user_task_names(key)
    missing = sorted(t for t in needed if summaries.english_of(spec, t) == t)
    assert missing == [], f"{key}: no English (`en`) for {missing}"
    stray = sorted(set(spec["en"]) - needed)
    assert stray == [], f"{key}: `en` words for texts it does not show: {stray}"


def test_a_summary_in_english_says_its_labels_templates_choices_and_yes_no_in_english():
    spec = {**SPEC, "facts": [*SPEC["facts"], {"label": "已复查", "value": "checked", "as": "yesno"}],
            "en": {"设备": "Device", "次数": "Repeats", "{case.alarm.count} 次": "{case.alarm.count} times",
                   "问题": "Problems", "{location}：{description}": "{location}: {description}",
                   "已复查": "Re-checked", "处置设备预警": "Handle the device alarm"}}
    sources = {"alarm": {"device_name": "1#塔吊", "device_code": "TC-01"}, "checked": True,
               "problems": [{"location": "3#楼", "description": "临边缺防护"}], "case": {"alarm": {"count": 3}}}
    shown = summaries.render(summaries.in_english(spec), None, sources, {}, {}, english=True)
    assert [(f["label"], f["value"]) for f in shown] == [
        ("Device", "1#塔吊（TC-01）"), ("Repeats", "3 times"), ("Problems", ["3#楼: 临边缺防护"]),
        ("Re-checked", "Yes")]
    assert summaries.english_of(spec, "处置设备预警") == "Handle the device alarm"
    assert summaries.english_of(spec, "未译") == "未译"
    assert summaries.in_english({**spec, "en": {}})["facts"][0]["label"] == "设备"
    assert summaries.problems({**spec, "en": ["x"]}, {"review"}) == ["en 必须是以中文文字为键、英文为值的对象。"]


def test_choices_in_english_are_the_forms_own_english():
    sources = {"a.schema.json": json.dumps({"properties": {
                   "kind": {"type": "string", "oneOf": [{"const": "x", "title": "甲"}]}}}),
               "a.ui.json": json.dumps({"ui:en": {"甲": "First"}})}
    assert titles.choices_in(sources, english=True) == {"kind": {"x": "First"}}
