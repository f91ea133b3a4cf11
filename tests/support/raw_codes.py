"""Finding raw codes in what people read: the codes come from the code, not from the vocabulary
(a code the vocabulary forgot must still be found)."""
from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

from app.roles import ROLES

ROOT = Path(__file__).resolve().parents[2]
# Attributes people read (a placeholder, a tooltip, an image's text, a button's value).
READ_ATTRS = {"placeholder", "title", "alt", "aria-label"}
SKIP_TAGS = {"script", "style", "template", "code", "pre", "textarea"}
INTERNAL_NUMBER = re.compile(r"附件\s*\d+")
UNFILLED = "未填写"
FILE_NAME = re.compile(r"[\w.-]+\.(pdf|jpe?g|png|docx?|xlsx?|zip)\b", re.IGNORECASE)
UTC_TIME = re.compile(r"[+-]\d{2}:\d{2}\b|\bUTC\b|\d{2}:\d{2}(:\d{2})?(\.\d+)?Z\b|\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")


class _Reader(HTMLParser):
    """The text a person sees: element text outside scripts and the readable attributes."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in SKIP_TAGS:
            self._skip += 1
        for name, value in attrs:
            if value and (name in READ_ATTRS or (tag == "input" and name == "value"
                                                 and dict(attrs).get("type") in ("submit", "button"))):
                self.parts.append(value)

    def handle_endtag(self, tag):
        if tag in SKIP_TAGS and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def visible_text(html: str) -> str:
    reader = _Reader()
    reader.feed(html)
    return "\n".join(p.strip() for p in reader.parts if p.strip())


def form_field_names() -> set[str]:
    names: set[str] = set()

    def walk(schema):
        if isinstance(schema, dict):
            for name, sub in (schema.get("properties") or {}).items():
                names.add(name)
                walk(sub)
            walk(schema.get("items"))

    for path in (ROOT / "forms").glob("*.schema.json"):
        walk(json.loads(path.read_text(encoding="utf-8")))
    return names


def code_tokens(extra: set[str] = frozenset()) -> set[str]:
    """Codes that must never be shown: role codes, process keys, form field names, notice template
    names and whatever the caller adds (statuses, metric keys, event kinds of the database).
    Only snake_case codes are searched: a one-word code (`active`) is also an English word."""
    codes = set(ROLES) | {p.stem for p in (ROOT / "processes").glob("*.bpmn")} | form_field_names()
    codes |= {p.stem for p in (ROOT / "documents").glob("[!_]*.html")} | set(extra)
    return {c for c in codes if "_" in c.strip("_")}


def find_codes(text: str, codes: set[str]) -> list[str]:
    """Raw codes, internal numbers, blanks and UTC times in `text`."""
    words = FILE_NAME.sub("", text)  # an uploaded file keeps the name its owner gave it
    found = sorted({m.group(0) for m in re.finditer(r"[A-Za-z][A-Za-z0-9_]*", words) if m.group(0) in codes})
    found += sorted({m.group(0) for m in INTERNAL_NUMBER.finditer(text)})
    if UNFILLED in text:
        found.append(UNFILLED)
    found += sorted({m.group(0) for m in UTC_TIME.finditer(text)})
    return found
