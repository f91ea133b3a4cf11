"""Every form of forms/ says each of its texts in English (its UI schema's "ui:en" map), and a form
shown in English carries no Chinese but its stored values."""
from __future__ import annotations

import json
import re

import pytest

from app.formdefs import FORMS_DIR, SCHEMA_SUFFIX, UI_SUFFIX
from app.formdefs.english import EN_KEY, in_english, texts

FORMS = sorted(p.name.removesuffix(SCHEMA_SUFFIX) for p in FORMS_DIR.glob("*" + SCHEMA_SUFFIX))
CHINESE = re.compile(r"[\u3400-\u9fff]")


def _form(name: str) -> tuple[dict, dict]:
    ui_path = FORMS_DIR / (name + UI_SUFFIX)
    return (json.loads((FORMS_DIR / (name + SCHEMA_SUFFIX)).read_text(encoding="utf-8")),
            json.loads(ui_path.read_text(encoding="utf-8")) if ui_path.is_file() else {})


@pytest.mark.parametrize("name", FORMS)
def test_every_text_of_the_form_has_its_english(name):
    schema, ui = _form(name)
    english = ui.get(EN_KEY) or {}
    missing = sorted(texts(schema, ui) - set(english))
    assert not missing, f"{name}{UI_SUFFIX} needs \"{EN_KEY}\" entries for {missing}"
    assert all(isinstance(v, str) and v.strip() and not CHINESE.search(v) for v in english.values())
    unused = sorted(set(english) - texts(schema, ui))
    assert not unused, f"{name}{UI_SUFFIX}: \"{EN_KEY}\" names texts the form no longer has: {unused}"


@pytest.mark.parametrize("name", FORMS)
def test_the_form_in_english_shows_no_chinese_words(name):
    schema, ui = in_english(*_form(name))
    assert texts(schema, ui) == set()


def test_values_stay_as_stored_and_a_form_without_a_map_is_unchanged():
    schema = {"type": "object", "title": "整改单", "properties": {
        "order_type": {"type": "string", "title": "整改类型", "enum": ["限期整改"], "default": "限期整改"}}}
    ui = {"order_type": {"ui:enumNames": ["限期整改"]}, EN_KEY: {"整改单": "Order", "整改类型": "Type",
                                                              "限期整改": "Rectify by a deadline"}}
    shown, shown_ui = in_english(schema, ui)
    assert shown["title"] == "Order" and shown["properties"]["order_type"]["title"] == "Type"
    assert shown["properties"]["order_type"]["enum"] == ["限期整改"]  # the stored value
    assert shown_ui["order_type"]["ui:enumNames"] == ["Rectify by a deadline"]
    assert schema["title"] == "整改单"  # the deployed form is not changed
    assert in_english(schema, {}) == (schema, {})
