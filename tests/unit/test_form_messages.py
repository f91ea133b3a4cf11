"""A refused field says the rule with its number ("至少 5 人", "不超过 200 字"), in English too."""
from __future__ import annotations

import pytest

from app.formdefs import validate_submission

SCHEMA = {
    "type": "object",
    "required": ["panel_size"],
    "properties": {
        "panel_size": {"type": "integer", "minimum": 5, "maximum": 15, "x-unit": "人"},
        "venue": {"type": "string", "minLength": 1, "maxLength": 200, "pattern": "\\S"},
        "name": {"type": "string", "minLength": 2},
        "score": {"type": "number", "minimum": 0, "maximum": 100},
        "photos": {"type": "array", "minItems": 2, "maxItems": 3, "x-unit": "张", "items": {"type": "integer"}},
        "rows": {"type": "array", "minItems": 1, "items": {"type": "integer"}},
        "day": {"type": "string", "format": "date"},
    },
}


@pytest.mark.parametrize(("data", "field", "zh", "en"), [
    ({"panel_size": 3}, "panel_size", "至少 5 人。", "At least 5 people."),
    ({"panel_size": 16}, "panel_size", "最多 15 人。", "At most 15 people."),
    ({"venue": "x" * 201}, "venue", "不超过 200 字。", "At most 200 characters."),
    ({"venue": ""}, "venue", "此项不能为空。", "This field must not be empty."),
    ({"venue": "  "}, "venue", "不能只填空格。", "Must not be only spaces."),
    ({"name": "李"}, "name", "至少 2 个字。", "At least 2 characters."),
    ({"score": -1}, "score", "不能小于 0。", "Must not be less than 0."),
    ({"score": 100.5}, "score", "不能大于 100。", "Must not be more than 100."),
    ({"photos": [1]}, "photos", "至少 2 张。", "At least 2 photos."),
    ({"photos": [1, 2, 3, 4]}, "photos", "最多 3 张。", "At most 3 photos."),
    ({"rows": []}, "rows", "请至少添加 1 项。", "Add at least one entry."),
    ({"day": "2026-02-30"}, "day", "请填写有效日期（如 2026-03-09）。", "Enter a valid date (e.g. 2026-03-09)."),
    ({"score": "八十"}, "score", "请填写数字。", "Enter a number."),
    ({}, "panel_size", "此项为必填项。", "This field is required."),
])
def test_the_message_states_the_number_in_both_languages(data, field, zh, en):
    data = {"panel_size": 5, **data} if field != "panel_size" or data else data
    said = {m: m.english for m in validate_submission(SCHEMA, data)[field]}
    assert said[zh] == en
