"""Field lists for the admin create forms (rendered by admin/form.html) and the translation of
schema and service errors into messages at the fields (Chinese, with marshmallow's English)."""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from flask import render_template
from marshmallow import Schema
from marshmallow import ValidationError as SchemaError

from app.errors import DomainError
from app.http_status import status_of
from app.schemas import chinese_messages

Errors = dict[str, list[str]]


@dataclass(frozen=True)
class Field:
    """One input: `kind` is text, password, tel, date, select or heading (a sub-title, no input)."""

    name: str
    label: str
    required: bool = False
    kind: str = "text"
    options: tuple[tuple[str, str], ...] = ()
    hint: str = ""
    maxlength: int | None = None


def options(pairs: Iterable[tuple[Any, Any]]) -> tuple[tuple[str, str], ...]:
    """(value, label) pairs as strings for a select."""
    return tuple((str(v), str(label)) for v, label in pairs)


def messages_of(value: Any) -> list[str]:
    """Every message of a marshmallow error value (nested fields' under their parent), said in
    Chinese with marshmallow's English (chinese_messages.said)."""
    if isinstance(value, Mapping):
        return [m for v in value.values() for m in messages_of(v)]
    if isinstance(value, list | tuple):
        return [m for v in value for m in messages_of(v)]
    return [chinese_messages.said(value)]


def schema_errors(messages: Mapping | list, prefix: str = "") -> Errors:
    """Flatten marshmallow messages (nested dicts for nested fields) into {dotted field: [said]}."""
    if isinstance(messages, list):
        return {prefix.rstrip("."): messages_of(messages)}
    errors: Errors = {}
    for key, value in messages.items():
        errors.update(schema_errors(value, f"{prefix}{key}."))
    return errors


def filled(form: Mapping[str, str], names: Iterable[str]) -> dict[str, str]:
    """The non-empty, stripped values of `names`."""
    return {n: (form.get(n) or "").strip() for n in names if (form.get(n) or "").strip()}


def load(schema: type[Schema], raw: dict[str, Any]) -> tuple[dict[str, Any], Errors]:
    """Validate with the API's schema → (data, field errors in Chinese)."""
    try:
        return schema().load(raw), {}
    except SchemaError as exc:
        return {}, schema_errors(exc.messages)


# Service refusals that belong to one field (the services raise them without `fields`).
CODE_FIELDS = {"username_taken": "username", "project_not_found": "project_code", "org_unit_code_taken": "code",
               "enterprise_exists": "credit_code", "project_code_taken": "code", "device_code_taken": "code",
               "org_unit_too_deep": "parent_id",
               "operator_certificate_taken": "certificate_no"}


def domain_errors(exc: DomainError) -> tuple[Errors, int]:
    """A service refusal → (errors at its fields, else at the top of the form; the HTTP status).

    Re-raises 403 and unmapped 404 refusals: those are the error page, not a form message.
    """
    if exc.code in CODE_FIELDS:
        return {CODE_FIELDS[exc.code]: [exc.message or "该项不正确。"]}, 422 if status_of(exc) == 404 else status_of(exc)
    if status_of(exc) in (403, 404):
        raise exc
    fields = {k: [str(m) for m in v] for k, v in (exc.fields or {}).items()}
    return fields or {"_form": [exc.message]}, status_of(exc)


def render_form(title: str, fields: list[Field], values: Mapping[str, Any], errors: Errors, *, action: str,
                back: str, form_id: str, status: int = 200, note: str = ""):
    """The generic admin form page: errors at their fields, values kept (passwords never)."""
    return render_template("admin/form.html", title=title, fields=fields, values=values, errors=errors,
                           action=action, back=back, form_id=form_id, note=note), status
