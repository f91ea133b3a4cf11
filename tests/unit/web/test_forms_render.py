"""The schema → widget logic and the form post → JSON conversion (no Flask, no database)."""
from __future__ import annotations

import json
from pathlib import Path

from werkzeug.datastructures import MultiDict

from app.formdefs import validate_submission
from app.web.forms_render import build_form, parse_submission

FORMS = Path(__file__).resolve().parents[2] / "fixtures" / "web" / "forms"
SCHEMA = json.loads((FORMS / "web_compile.schema.json").read_text(encoding="utf-8"))
UI = json.loads((FORMS / "web_compile.ui.json").read_text(encoding="utf-8"))
REVIEW = json.loads((FORMS / "web_review.schema.json").read_text(encoding="utf-8"))


def _by_name(widgets, name):
    for w in widgets:
        if w.name == name:
            return w
        found = _by_name(w.children, name)
        if found:
            return found
    return None


def test_widgets_follow_types_formats_and_ui():
    form = build_form(SCHEMA, UI)
    kinds = {w.name: w.kind for w in form.widgets}
    assert [w.name for w in form.widgets][:6] == ["plan_name", "category", "method", "height_m", "workers",
                                                    "start_date"]
    assert kinds == {"plan_name": "text", "category": "select", "method": "radio", "height_m": "number",
                     "workers": "integer", "start_date": "date", "problems": "rows", "plan_file": "file",
                     "photos": "file", "remark": "textarea", "urgent": "checkbox"}
    assert [o.label for o in _by_name(form.widgets, "method").options] == ["自行编制", "委托编制"]
    photos = _by_name(form.widgets, "photos")
    assert photos.multiple and photos.accept == "image/*" and photos.capture == "environment"
    assert _by_name(form.widgets, "plan_name").required and not _by_name(form.widgets, "remark").required


def test_enumeration_by_one_of_with_titles_and_radio_for_few_options():
    decision = build_form(REVIEW).widgets[0]
    assert decision.kind == "radio"
    assert [(o.value, o.label) for o in decision.options] == [("pass", "通过"), ("return", "退回修改")]


def test_array_of_objects_gets_rows_and_a_blank_template():
    form = build_form(SCHEMA, UI, {"problems": [{"desc": "立杆间距过大", "severity": "严重"}]})
    rows = _by_name(form.widgets, "problems")
    assert rows.kind == "rows" and len(rows.children) == 1
    assert _by_name(rows.children, "problems.0.desc").value == "立杆间距过大"
    assert _by_name([rows.template], "problems.__i0__.severity").kind == "radio"


def test_errors_land_at_their_fields_and_values_are_kept():
    values = {"plan_name": "x", "height_m": "abc", "problems": [{"severity": "一般"}]}
    errors = validate_submission(SCHEMA, values)
    form = build_form(SCHEMA, UI, values, errors)
    assert _by_name(form.widgets, "height_m").value == "abc"
    assert _by_name(form.widgets, "height_m").errors == ["请填写数字。"]
    assert _by_name(form.widgets, "plan_name").errors == ["至少 2 个字。"]
    assert _by_name(form.widgets, "plan_file").errors == ["此项为必填项。"]
    assert _by_name(form.widgets, "problems.0.desc").errors == ["此项为必填项。"]
    assert form.form_errors == []


def test_unknown_error_paths_are_shown_above_the_form():
    assert build_form(REVIEW, None, {}, {"_form": ["提交的数据必须是 JSON 对象。"]}).form_errors == [
        "提交的数据必须是 JSON 对象。"]


def test_post_is_converted_to_typed_json():
    post = MultiDict([("plan_name", "高支模专项方案"), ("height_m", "8.5"), ("workers", "12"), ("start_date", "2026-03-10"),
                      ("method", "self"), ("category", ""), ("problems.__rows__", "1"), ("problems.0.desc", "A"),
                      ("problems.0.severity", "一般"), ("problems.1003.desc", "B"), ("plan_file", "7"),
                      ("photos", ""), ("photos", "8"), ("photos", "9"), ("remark", ""),
                      ("urgent.__present__", "1")])
    data = parse_submission(SCHEMA, post)
    assert data == {"plan_name": "高支模专项方案", "height_m": 8.5, "workers": 12, "start_date": "2026-03-10",
                    "method": "self", "problems": [{"desc": "A", "severity": "一般"}, {"desc": "B"}],
                    "plan_file": 7, "photos": [8, 9], "urgent": False}
    assert validate_submission(SCHEMA, data) == {}


def test_wrong_types_pass_through_for_the_validator_to_name():
    data = parse_submission(SCHEMA, MultiDict([("height_m", "八米"), ("workers", "1.5")]))
    assert data == {"height_m": "八米", "workers": "1.5"}
    assert set(validate_submission(SCHEMA, data)) >= {"height_m", "workers"}


def test_nested_objects_and_booleans():
    schema = {"type": "object", "properties": {
        "opinion": {"type": "object", "required": ["result"], "properties": {
            "result": {"type": "string", "enum": ["pass", "fail"]}, "text": {"type": "string"}}},
        "agree": {"type": "boolean"}, "at": {"type": "string", "format": "date-time"}}}
    post = MultiDict([("opinion.result", "pass"), ("agree", "true"), ("agree.__present__", "1"),
                      ("at", "2026-03-02T09:30")])
    assert parse_submission(schema, post) == {"opinion": {"result": "pass"}, "agree": True,
                                              "at": "2026-03-02T09:30:00+08:00"}
    widgets = build_form(schema, None, {"opinion": {"result": "fail"}, "at": "2026-03-02T09:30:00+08:00"}).widgets
    assert widgets[0].kind == "group" and widgets[0].children[0].options[1].selected
    assert widgets[2].kind == "datetime" and widgets[2].value == "2026-03-02T09:30"


def test_hidden_fields_and_ui_order_with_star():
    schema = {"type": "object", "properties": {k: {"type": "string"} for k in "abcd"}}
    ui = {"ui:order": ["d", "*", "a"], "b": {"ui:widget": "hidden"}}
    assert [w.name for w in build_form(schema, ui).widgets] == ["d", "c", "a"]


def test_read_only_fields_are_shown_as_text_and_never_posted():
    schema = {"type": "object", "properties": {
        "return_reason": {"type": "string", "title": "退回原因", "readOnly": True},
        "opinion": {"type": "string", "title": "意见"}}}
    form = build_form(schema, None, {"return_reason": "附件不全", "opinion": ""})
    reason = _by_name(form.widgets, "return_reason")
    assert (reason.kind, reason.value, reason.label) == ("readonly", "附件不全", "退回原因")
    posted = parse_submission(schema, MultiDict({"return_reason": "forged", "opinion": "已补充"}))
    assert posted == {"opinion": "已补充"}


NESTED = {"type": "object", "properties": {"problems": {"$ref": "#/$defs/problems"}}, "$defs": {"problems": {
    "type": "array", "items": {"type": "object", "properties": {
        "location": {"type": "string"},
        "clauses": {"type": "array", "x-libraryRef": "legal_clause", "items": {"type": "string"}}}}}}}


def test_nested_lists_have_a_placeholder_per_level_and_shared_parts_are_drawn():
    form = build_form(NESTED, None, {"problems": [{"location": "1#楼", "clauses": ["JGJ59-3.13"]}]})
    problems = _by_name(form.widgets, "problems")
    assert problems.kind == "rows" and problems.attrs["placeholder"] == "__i0__"  # $ref followed
    blank_problem = problems.template
    inner = _by_name([blank_problem], "problems.__i0__.clauses")
    assert inner.attrs["placeholder"] == "__i1__" and inner.template.name == "problems.__i0__.clauses.__i1__"
    filled = _by_name(problems.children, "problems.0.clauses")
    assert filled.template.name == "problems.0.clauses.__i1__"
    code = _by_name(filled.children, "problems.0.clauses.0")
    assert code.kind == "lookup" and code.value == "JGJ59-3.13" and code.attrs["source"].startswith("/api/v1/clauses")


def test_two_codes_of_two_problems_are_all_parsed():
    posted = MultiDict([("problems.__rows__", "1"), ("problems.3.location", "1#楼"),
                        ("problems.3.clauses.__rows__", "1"), ("problems.3.clauses.1004", "A-1"),
                        ("problems.3.clauses.1005", "A-2"), ("problems.1006.location", "2#楼"),
                        ("problems.1006.clauses.1007", "B-1"), ("problems.1006.clauses.1008", "B-2")])
    assert parse_submission(NESTED, posted) == {"problems": [
        {"location": "1#楼", "clauses": ["A-1", "A-2"]}, {"location": "2#楼", "clauses": ["B-1", "B-2"]}]}
