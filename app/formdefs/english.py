"""Forms in English: a form's UI schema carries `"ui:en"`, a map from each Chinese text of the form
(titles, descriptions, help, placeholders, choice labels) to its English. The map travels with the
form (deployed in the definition's sources), so a running case's version has its own English.
A page in English shows the form through `in_english`; a text without an entry stays Chinese
(tests/unit/test_form_english.py insists that every form of forms/ has all of them).
"""
from __future__ import annotations

import re
from typing import Any

EN_KEY = "ui:en"
TEXT_KEYS = frozenset({"title", "description", "ui:help", "ui:placeholder", "ui:title", "ui:description"})
# Values the form stores or compares, never shown as its own words.
_VALUE_KEYS = frozenset({"enum", "const", "default", "examples", "pattern", EN_KEY})
_CHINESE = re.compile(r"[\u3400-\u9fff]")


def _walk(node: Any, say) -> Any:
    if isinstance(node, list):
        return [_walk(item, say) for item in node]
    if not isinstance(node, dict):
        return node
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key in TEXT_KEYS and isinstance(value, str):
            out[key] = say(value)
        elif key == "ui:enumNames" and isinstance(value, list):
            out[key] = [say(v) if isinstance(v, str) else v for v in value]
        elif key in _VALUE_KEYS:
            out[key] = value
        else:
            out[key] = _walk(value, say)
    return out


def has_chinese(text: str) -> bool:
    """Does `text` hold Chinese (a form text its `ui:en` left untranslated)?"""
    return bool(_CHINESE.search(text))


def texts(schema: dict[str, Any], ui: dict[str, Any] | None) -> set[str]:
    """Every Chinese text the form shows people."""
    found: set[str] = set()

    def note(text: str) -> str:
        if _CHINESE.search(text):
            found.add(text)
        return text
    _walk(schema, note)
    _walk(ui or {}, note)
    return found


def in_english(schema: dict[str, Any], ui: dict[str, Any] | None) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """(schema, ui) with every text its `ui:en` map translates replaced by the English."""
    words = (ui or {}).get(EN_KEY)
    if not isinstance(words, dict) or not words:
        return schema, ui

    def say(text: str) -> str:
        english = words.get(text)
        return english if isinstance(english, str) and english else text
    return _walk(schema, say), _walk(ui, say)
