"""What the forms call their fields and choices: the words for the keys and coded values of case
data (the vocabulary of form field names is the forms' own titles)."""
from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

from app.formdefs import FORMS_DIR, SCHEMA_SUFFIX, UI_SUFFIX


def _walk(schema: Any, ui: Any, titles: dict[str, str], choices: dict[str, dict[str, str]]) -> None:
    if not isinstance(schema, dict):
        return
    ui = ui if isinstance(ui, dict) else {}
    for name, prop in (schema.get("properties") or {}).items():
        if not isinstance(prop, dict):
            continue
        if prop.get("title"):
            titles.setdefault(name, str(prop["title"]))
        own_ui = ui.get(name) if isinstance(ui.get(name), dict) else {}
        named = choices.setdefault(name, {})
        for value, label in zip(prop.get("enum") or [], own_ui.get("ui:enumNames") or [], strict=False):
            named.setdefault(str(value), str(label))
        for option in prop.get("oneOf") or []:
            if isinstance(option, dict) and "const" in option and option.get("title"):
                named.setdefault(str(option["const"]), str(option["title"]))
        _walk(prop, own_ui, titles, choices)
        items = prop.get("items")
        _walk(items, own_ui.get("items"), titles, choices)


@lru_cache(maxsize=4)
def _read(folder: Path) -> tuple[dict[str, str], dict[str, dict[str, str]]]:
    titles: dict[str, str] = {}
    choices: dict[str, dict[str, str]] = {}
    for path in sorted(folder.glob("*" + SCHEMA_SUFFIX)):
        ui_path = folder / (path.name.removesuffix(SCHEMA_SUFFIX) + UI_SUFFIX)
        ui = json.loads(ui_path.read_text(encoding="utf-8")) if ui_path.is_file() else None
        _walk(json.loads(path.read_text(encoding="utf-8")), ui, titles, choices)
    return titles, {name: named for name, named in choices.items() if named}


def field_title(name: str, folder: Path = FORMS_DIR) -> str | None:
    """The title a form gives field `name` (the first form that names it), or None."""
    return _read(folder)[0].get(name)


def choice_label(name: str, value: Any, folder: Path = FORMS_DIR) -> str | None:
    """The label a form shows for the coded value `value` of field `name`, or None."""
    return _read(folder)[1].get(name, {}).get(str(value))
