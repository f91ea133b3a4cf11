"""What the forms call their fields and choices: the words for the keys and coded values of case
data (the vocabulary of form field names is the forms' own titles)."""
from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

from app.formdefs import FORMS_DIR, SCHEMA_SUFFIX, UI_SUFFIX
from app.formdefs.english import has_chinese, in_english


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


def _collect(forms: Iterable[tuple[str, str | None]], english: bool = False,
             ) -> tuple[dict[str, str], dict[str, dict[str, str]]]:
    """Titles and choice labels of forms given as (schema text, ui text or None), in English
    (each form's `ui:en`) when `english`."""
    titles: dict[str, str] = {}
    choices: dict[str, dict[str, str]] = {}
    for schema, ui in forms:
        pair = (json.loads(schema), json.loads(ui) if ui else None)
        _walk(*(in_english(*pair) if english else pair), titles, choices)
    return titles, {name: named for name, named in choices.items() if named}


def form_words(schema: dict[str, Any], ui: dict[str, Any] | None, english: bool = False,
               ) -> tuple[dict[str, str], dict[str, dict[str, str]]]:
    """One form's own titles and choice labels by field name: what the data a task of this form
    submitted is called (the same field name may mean something else in another form). In English
    (`english`) a text the form's `ui:en` leaves Chinese is left out, for the caller's fallback."""
    titles: dict[str, str] = {}
    choices: dict[str, dict[str, str]] = {}
    _walk(*(in_english(schema, ui) if english else (schema, ui)), titles, choices)
    if english:
        titles = {k: v for k, v in titles.items() if not has_chinese(v)}
        choices = {name: {v: w for v, w in named.items() if not has_chinese(w)} for name, named in choices.items()}
    return titles, {name: named for name, named in choices.items() if named}


@lru_cache(maxsize=8)
def _read(folder: Path, english: bool = False) -> tuple[dict[str, str], dict[str, dict[str, str]]]:
    def forms() -> Iterator[tuple[str, str | None]]:
        for path in sorted(folder.glob("*" + SCHEMA_SUFFIX)):
            ui_path = folder / (path.name.removesuffix(SCHEMA_SUFFIX) + UI_SUFFIX)
            yield (path.read_text(encoding="utf-8"),
                   ui_path.read_text(encoding="utf-8") if ui_path.is_file() else None)
    return _collect(forms(), english)


def choices_in(sources: Mapping[str, str], english: bool = False) -> dict[str, dict[str, str]]:
    """The choice labels of the forms among a definition's deployed sources (file name → text),
    by field name: {field: {stored value: label}} (in English when `english`)."""
    return _collect(((text, sources.get(name.removesuffix(SCHEMA_SUFFIX) + UI_SUFFIX))
                     for name, text in sorted(sources.items()) if name.endswith(SCHEMA_SUFFIX)), english)[1]


def field_title(name: str, folder: Path = FORMS_DIR, english: bool = False) -> str | None:
    """The title a form gives field `name` (the first form that names it; in the form's English,
    its `ui:en`, when `english`), or None."""
    return _read(folder, english)[0].get(name)


def choice_label(name: str, value: Any, folder: Path = FORMS_DIR, english: bool = False) -> str | None:
    """The label a form shows for the coded value `value` of field `name` (in the form's English
    when `english`), or None."""
    return _read(folder, english)[1].get(name, {}).get(str(value))
