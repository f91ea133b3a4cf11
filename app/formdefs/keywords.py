"""What JSON Schema cannot say about a form, declared in the form as annotation keywords:

- `"x-notBefore": "<field>"` on a date (or date-time): not earlier than that field of the same
  object (an end not before its start);
- `"x-notPast": true` on a date (or date-time): not before today, China time (a deadline the
  form sets for the future);
- `"x-projectRef": "<kind>"` on an id (or a list of ids): the record must belong to the case's
  own project (kinds in app/services/workflow/case_refs.py: hazardous_work, device, …);
- `"x-libraryRef": "<library>"` on a code (or a list of codes): a current entry of that library
  (`legal_clause`: the clause library); a list names each unknown code at its own index.

(`"x-unit"`, the unit a limit counts in, is read by the messages of app/formdefs/messages.py.)
JSON Schema ignores unknown keywords, so validators and the form renderer are unaffected.
Paths use the names of `validate_submission` (`tasks.0.end_date`).
"""
from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from typing import Any

from app.formdefs.writes import declared, resolve, shapes

NOT_BEFORE, NOT_PAST, PROJECT_REF = "x-notBefore", "x-notPast", "x-projectRef"
LIBRARY_REF = "x-libraryRef"


def _fields(node: Any, data: Any, root: dict[str, Any], path: str
            ) -> Iterator[tuple[str, dict[str, Any], Any, dict[str, Any], dict[str, list[Any]]]]:
    """(path, merged field schema, value, the object holding it, its declared properties)."""
    if not isinstance(data, dict):
        return
    props, _, _ = declared(node, root)
    for key, schemas in props.items():
        if key not in data:
            continue
        merged: dict[str, Any] = {}
        for schema in schemas:
            if isinstance(schema, dict):
                merged.update(schema)
        value, where = data[key], f"{path}{key}"
        yield where, merged, value, data, props
        if isinstance(value, dict):
            yield from _fields(merged, value, root, f"{where}.")
        items = resolve(merged.get("items"), root)
        if isinstance(value, list) and isinstance(items, dict) and \
                any(s.get("properties") for s in shapes(items, root)):
            for index, element in enumerate(value):
                yield from _fields(items, element, root, f"{where}.{index}.")


def _moment(value: Any) -> date | datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        return datetime.fromisoformat(value) if "T" in value else date.fromisoformat(value)
    except ValueError:
        return None  # a malformed date is the schema's `format` error, reported there


def _day(moment: date | datetime) -> date:
    return moment.date() if isinstance(moment, datetime) else moment


def _earlier(a: date | datetime, b: date | datetime) -> bool:
    if isinstance(a, datetime) and isinstance(b, datetime) and \
            (a.tzinfo is None) == (b.tzinfo is None):
        return a < b
    return _day(a) < _day(b)


def _title(props: dict[str, list[Any]], name: str) -> str:
    for schema in props.get(name, []):
        if isinstance(schema, dict) and schema.get("title"):
            return str(schema["title"])
    return name


def date_problems(schema: dict[str, Any], data: Any, today: date) -> dict[str, list[str]]:
    """Every `x-notBefore` / `x-notPast` violation of `data`, by field path."""
    problems: dict[str, list[str]] = {}
    for where, field, value, holder, props in _fields(schema, data, schema, ""):
        moment = _moment(value)
        if moment is None:
            continue
        other = field.get(NOT_BEFORE)
        start = _moment(holder.get(other)) if isinstance(other, str) else None
        if start is not None and _earlier(moment, start):
            problems.setdefault(where, []).append(f"不能早于{_title(props, other)}。")
        if field.get(NOT_PAST) is True and _day(moment) < today:
            problems.setdefault(where, []).append("不能早于今天。")
    return problems


def project_refs(schema: dict[str, Any], data: Any) -> list[tuple[str, str, list[Any]]]:
    """(field path, kind, ids) of every `x-projectRef` field present in `data`."""
    refs = []
    for where, field, value, _, _ in _fields(schema, data, schema, ""):
        kind = field.get(PROJECT_REF)
        if isinstance(kind, str) and value is not None:
            refs.append((where, kind, value if isinstance(value, list) else [value]))
    return refs


def library_refs(schema: dict[str, Any], data: Any) -> list[tuple[str, str, Any]]:
    """(field path, library, code) of every code an `x-libraryRef` field holds in `data`; the
    codes of a list are named at their index (`problems.0.clauses.1`)."""
    refs = []
    for where, field, value, _, _ in _fields(schema, data, schema, ""):
        library = field.get(LIBRARY_REF)
        if not isinstance(library, str) or value is None:
            continue
        if isinstance(value, list):
            refs += [(f"{where}.{index}", library, code) for index, code in enumerate(value)]
        else:
            refs.append((where, library, value))
    return refs
