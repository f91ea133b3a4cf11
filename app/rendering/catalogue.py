"""The catalogue of notice templates, read from ``documents/``: each notice is a pair of files,
``<name>.html`` (the Jinja template) and ``<name>.json`` (its metadata). Adding a notice needs
no Python: write both files (documents/README.md).

Why a catalogue: the service layer numbers notices per type (``郑建安整〔2026〕…``
uses the type code 整) and checks completeness before issuing; the preview page
lists the titles. Keys are dotted paths into the render context.

The metadata file holds ``title`` (Chinese), ``title_en``, ``type_code`` (one character),
``fields`` (the dotted keys the notice prints besides the common ones), ``field_words`` (each of
those keys in Chinese and English: what a refusal names when it is missing) and, optionally,
``omits`` (common keys it leaves out); the common keys' words are ``_common_fields.json``. It is
read and checked once, at import: a bad, missing or orphan file, or a key without its words,
raises ``NoticeCatalogueError`` naming the file (and the key).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.rendering.environment import DOCUMENTS_DIR

COMMON_KEYS: tuple[str, ...] = (
    "number", "project.name", "project.address", "addressees", "issuer.org_unit",
    "issuer.signatory", "issue_date", "verify_code", "verify_url",
)

NAME = re.compile(r"[a-z][a-z0-9_]{0,62}")
KEY = re.compile(r"[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*")
_FIELDS = {"title": str, "title_en": str, "type_code": str, "fields": list, "field_words": dict, "omits": list}
_REQUIRED = ("title", "title_en", "type_code", "fields", "field_words")
MAX_FIELDS = 64
MAX_WORD = 50
COMMON_WORDS_FILE = "_common_fields.json"


class NoticeCatalogueError(ValueError):
    """A notice's metadata file (or its template) is missing or malformed; names the file."""


@dataclass(frozen=True)
class NoticeTemplate:
    """One printable notice: files ``documents/<name>.html`` and ``documents/<name>.json``."""

    name: str
    title: str
    type_code: str
    specific_keys: tuple[str, ...]
    common_keys: tuple[str, ...] = COMMON_KEYS
    title_en: str = ""
    words: tuple[tuple[str, str, str], ...] = ()  # (key, Chinese, English) of every required key

    @property
    def required_keys(self) -> tuple[str, ...]:
        return self.common_keys + self.specific_keys

    def field_word(self, key: str, lang: str = "zh") -> str:
        """What the notice calls `key` (Chinese, or English for "en"); every required key has one."""
        for known, zh, en in self.words:
            if known == key:
                return en if lang == "en" else zh
        raise KeyError(key)


def _words(path: Path, words: Any, keys: tuple[str, ...]) -> dict[str, tuple[str, str]]:
    """`{key: {"zh": …, "en": …}}` for exactly `keys`, each word 1–50 characters."""
    if not isinstance(words, dict):
        raise NoticeCatalogueError(f"{path.name}: the field words must be a JSON object")
    missing = [k for k in keys if k not in words]
    if missing:
        raise NoticeCatalogueError(f"{path.name}: no words (zh, en) for {', '.join(missing)}")
    stray = sorted(set(words) - set(keys))
    if stray:
        raise NoticeCatalogueError(f"{path.name}: words for keys it does not print: {', '.join(stray)}")
    found = {}
    for key in keys:
        pair = words[key]
        if not isinstance(pair, dict) or set(pair) != {"zh", "en"} or not all(
                isinstance(w, str) and w.strip() and len(w) <= MAX_WORD for w in pair.values()):
            raise NoticeCatalogueError(f"{path.name}: the words of {key} must be "
                                       f'{{"zh": …, "en": …}}, 1–{MAX_WORD} characters each')
        found[key] = (pair["zh"], pair["en"])
    return found


def load_common_words(directory: Path = DOCUMENTS_DIR) -> dict[str, tuple[str, str]]:
    """The common keys' words, from ``_common_fields.json``."""
    path = directory / COMMON_WORDS_FILE
    try:
        words = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise NoticeCatalogueError(f"{path.name}: not readable JSON ({exc})") from exc
    return _words(path, words, COMMON_KEYS)


def _keys(path: Path, meta: dict, field: str) -> tuple[str, ...]:
    keys = meta.get(field, [])
    if len(keys) > MAX_FIELDS or not all(isinstance(k, str) and KEY.fullmatch(k) for k in keys):
        raise NoticeCatalogueError(f"{path.name}: `{field}` must list at most {MAX_FIELDS} dotted keys "
                                   f"(lower-case names joined by dots)")
    if len(set(keys)) != len(keys):
        raise NoticeCatalogueError(f"{path.name}: `{field}` lists a key twice")
    return tuple(keys)


def load_template(path: Path, common_words: dict[str, tuple[str, str]] | None = None) -> NoticeTemplate:
    """The notice described by metadata file `path` (``<name>.json``; ``<name>.html`` must exist);
    `common_words` are the common keys' (``load_common_words`` of its directory by default)."""
    name = path.stem
    if not NAME.fullmatch(name):
        raise NoticeCatalogueError(f"{path.name}: a notice name is lower-case letters, digits and _")
    if not path.with_suffix(".html").is_file():
        raise NoticeCatalogueError(f"{path.name}: no template {name}.html beside it")
    try:
        meta = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise NoticeCatalogueError(f"{path.name}: not readable JSON ({exc})") from exc
    if not isinstance(meta, dict):
        raise NoticeCatalogueError(f"{path.name}: must be a JSON object")
    unknown = sorted(set(meta) - set(_FIELDS))
    if unknown:
        raise NoticeCatalogueError(f"{path.name}: unknown keys {', '.join(unknown)}")
    for field in _REQUIRED:
        if field not in meta:
            raise NoticeCatalogueError(f"{path.name}: `{field}` is missing")
    for field, kind in _FIELDS.items():
        if field in meta and not isinstance(meta[field], kind):
            raise NoticeCatalogueError(f"{path.name}: `{field}` must be a {kind.__name__}")
    for field in ("title", "title_en"):
        if not meta[field].strip() or len(meta[field]) > 100:
            raise NoticeCatalogueError(f"{path.name}: `{field}` must be 1–100 characters")
    if len(meta["type_code"]) != 1 or not meta["type_code"].strip():
        raise NoticeCatalogueError(f"{path.name}: `type_code` must be one character (e.g. 整)")
    omits = _keys(path, meta, "omits")
    stray = [k for k in omits if k not in COMMON_KEYS]
    if stray:
        raise NoticeCatalogueError(f"{path.name}: `omits` names keys that are not common keys: {', '.join(stray)}")
    specific = _keys(path, meta, "fields")
    words = {**(common_words if common_words is not None else load_common_words(path.parent)),
             **_words(path, meta["field_words"], specific)}
    common = tuple(k for k in COMMON_KEYS if k not in omits)
    return NoticeTemplate(name, meta["title"], meta["type_code"], specific, common, meta["title_en"],
                          tuple((k, *words[k]) for k in common + specific))


def load_catalogue(directory: Path = DOCUMENTS_DIR) -> dict[str, NoticeTemplate]:
    """Every notice of `directory`, by name. Files starting with ``_`` are shared parts, not
    notices. Raises NoticeCatalogueError for a template without metadata, a bad metadata file or
    two notices sharing a type code (their numbers would collide)."""
    templates: dict[str, NoticeTemplate] = {}
    notices = [path for path in sorted(directory.glob("*.json")) if not path.name.startswith("_")]
    common_words = load_common_words(directory) if notices else {}
    for path in notices:
        templates[path.stem] = load_template(path, common_words)
    for html in sorted(directory.glob("*.html")):
        if not html.name.startswith("_") and html.stem not in templates:
            raise NoticeCatalogueError(f"{html.name}: no metadata file {html.stem}.json beside it")
    codes: dict[str, str] = {}
    for t in templates.values():
        if t.type_code in codes:
            raise NoticeCatalogueError(f"{t.name}.json: type code {t.type_code} is already {codes[t.type_code]}'s")
        codes[t.type_code] = t.name
    return templates


TEMPLATES: dict[str, NoticeTemplate] = load_catalogue()


def _lookup(context: Any, dotted: str) -> Any:
    value = context
    for part in dotted.split("."):
        if not isinstance(value, dict):
            return None
        value = value.get(part)
    return value


def missing_fields(template: str, context: dict) -> list[str]:
    """Required keys of ``template`` that are absent or empty in ``context``.

    Rendering never needs this (missing data prints a placeholder); the service
    layer uses it to warn before issuing. Raises KeyError for an unknown template.
    """
    missing = []
    for key in TEMPLATES[template].required_keys:
        value = _lookup(context, key)
        if value is None or (isinstance(value, (str, list, tuple, dict)) and not value):
            missing.append(key)
    return missing
