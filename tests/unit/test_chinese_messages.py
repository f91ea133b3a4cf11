"""Every message marshmallow can produce reads in Chinese (the API's default language)."""
from __future__ import annotations

import inspect
import re

from marshmallow import Schema, fields, validate

from app.schemas.chinese_messages import chinese

VALUES = {"input": "2026-13-01", "obj_type": "datetime", "awareness": "naive", "min": 1, "max": 200, "equal": 18,
          "other": "x", "choices": "owner, contractor", "values": "a", "min_op": "greater than or equal to",
          "max_op": "less than"}


def _templates() -> set[str]:
    found = set(Schema._default_error_messages.values())
    for _, field in inspect.getmembers(fields, inspect.isclass):
        found |= set(getattr(field, "default_error_messages", {}).values())
    for _, validator in inspect.getmembers(validate, inspect.isclass):
        found |= {v for k, v in vars(validator).items()
                  if isinstance(v, str) and k.startswith(("message", "default_message", "error")) and v.endswith(".")}
    return found


def _filled(template: str) -> str:
    text = template.replace("{input!r}", "{input}")
    for _ in range(2):  # Range's templates are formatted twice ({{min}} after {min_op})
        text = text.format(**VALUES)
    return text


def test_every_marshmallow_message_reads_in_chinese():
    templates = _templates()
    assert len(templates) > 30
    untranslated = [t for t in sorted(templates) if not re.search(r"[\u4e00-\u9fff]", chinese(_filled(t)))]
    assert not untranslated


def test_values_and_comparisons_are_kept():
    assert chinese("Length must be between 1 and 200.") == "长度须在 1 到 200 之间。"
    assert chinese("Must be greater than or equal to 0 and less than or equal to 100.") == "须不小于 0 且不大于 100。"
    assert chinese("Not a valid aware datetime.") == "不是有效的带时区的日期时间。"
    assert chinese("必填项。") == "必填项。" and chinese("anything else") == "anything else"


def test_a_page_says_marshmallows_messages_in_chinese_with_their_english_and_no_choice_codes():
    from app.formdefs.messages import Said
    from app.schemas.chinese_messages import said

    shown = said("Length must be between 1 and 200.")
    assert (str(shown), shown.english) == ("长度须在 1 到 200 之间。", "Length must be between 1 and 200.")
    assert str(said("Not a valid date.")) == "不是有效的日期。"
    choices = said("Must be one of: tower_crane, hoist.")
    assert (str(choices), choices.english) == ("请从列表中选择。", "Choose from the list.")
    assert str(said("Something marshmallow never says.")) == "格式不正确。"
    assert said("竣工日期不能早于开工日期。") == "竣工日期不能早于开工日期。"
    own = Said("至少 5 人。", "At least 5 people.")
    assert said(own) is own
