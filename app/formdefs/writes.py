"""What a submission may write into a case: only the fields its form declares.

A task's data flows on into every later step, so a field a form does not declare would set a
process variable (e.g. the one naming who audits the reply). The platform therefore refuses
undeclared fields at any depth where the schema declares properties, never takes `readOnly`
fields from a submission (they are shown, not answered), and refuses the variables that bind
people, subjects and scope even when a form declares them: those are written by the process
(scripts and operators), never by a form.
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

UNDECLARED = "表单中没有此字段。"
RESERVED = "该字段由流程写入，不能由表单提交。"

# Variables the platform and its operators read as who/what/where of a case.
RESERVED_NAMES = frozenset({
    "subject_type", "subject_id", "project_id", "scope_path", "district_path", "district_id",
    "enterprise_id", "business_key", "started_by", "source_instance_id", "copy_attachments_from",
    "order_ready", "item_ready", "seats", "candidates", "candidate_users", "assignee", "assignee_id",
})
# …and every variable named like one that holds user ids or panel/multi-instance seats.
RESERVED_PATTERN = re.compile(r".*_(user_ids?|seats?|candidates?|assignees?)$")


def is_reserved(name: str, binding_variables: frozenset[str] | set[str] = frozenset()) -> bool:
    """Is `name` a variable only the process may write (platform list or the diagram's own)?"""
    return name in RESERVED_NAMES or name in binding_variables or bool(RESERVED_PATTERN.match(name))


def resolve(node: Any, root: dict[str, Any]) -> Any:
    """Follow a local `$ref` (`#/$defs/…`); anything else is returned as it is."""
    seen = 0
    while isinstance(node, dict) and isinstance(node.get("$ref"), str) and seen < 16:
        ref, target = node["$ref"], root
        if not ref.startswith("#/"):
            return node
        for part in ref[2:].split("/"):
            target = target.get(part) if isinstance(target, dict) else None
        node, seen = target, seen + 1
    return node


def shapes(node: Any, root: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """The schema and every subschema that applies to the same instance (allOf, if/then…)."""
    node = resolve(node, root)
    if not isinstance(node, dict):
        return
    yield node
    for key in ("allOf", "anyOf", "oneOf"):
        for sub in node.get(key) or []:
            yield from shapes(sub, root)
    for key in ("then", "else"):
        if key in node:
            yield from shapes(node[key], root)


def declared(node: Any, root: dict[str, Any]) -> tuple[dict[str, list[Any]], list[str], bool]:
    """(properties by name with every schema declaring it, property patterns, extras allowed)."""
    props: dict[str, list[Any]] = {}
    patterns: list[str] = []
    extras = False
    for shape in shapes(node, root):
        for name, prop in (shape.get("properties") or {}).items():
            props.setdefault(name, []).append(resolve(prop, root))
        patterns += list(shape.get("patternProperties") or {})
        extras = extras or shape.get("additionalProperties") not in (None, False)
    return props, patterns, extras


def _is_read_only(schemas: list[Any]) -> bool:
    return any(isinstance(s, dict) and s.get("readOnly") is True for s in schemas)


def _walk(node: Any, data: dict[str, Any], root: dict[str, Any], path: str, top: bool,
          problems: dict[str, list[str]]) -> dict[str, Any]:
    props, patterns, extras = declared(node, root)
    if not props and not patterns and not top:
        return data  # a free-form object: the form does not say what it holds
    kept: dict[str, Any] = {}
    for key, value in data.items():
        where = f"{path}{key}"
        schemas = props.get(key)
        if schemas is None and not any(re.search(p, key) for p in patterns) and (top or not extras):
            problems.setdefault(where, []).append(UNDECLARED)
            continue
        if schemas and _is_read_only(schemas):
            continue  # shown to the user, never taken back from him
        kept[key] = _nested(schemas or [], value, root, where, problems)
    return kept


def _nested(schemas: list[Any], value: Any, root: dict[str, Any], where: str,
            problems: dict[str, list[str]]) -> Any:
    for schema in schemas:
        if not isinstance(schema, dict):
            continue
        if isinstance(value, dict) and any(s.get("properties") for s in shapes(schema, root)):
            return _walk(schema, value, root, f"{where}.", False, problems)
        items = resolve(schema.get("items"), root)
        if isinstance(value, list) and isinstance(items, dict) and \
                any(s.get("properties") for s in shapes(items, root)):
            return [_walk(items, v, root, f"{where}.{i}.", False, problems) if isinstance(v, dict)
                    else v for i, v in enumerate(value)]
    return value


def form_writes(schema: dict[str, Any] | None, data: dict[str, Any],
                binding_variables: frozenset[str] | set[str] = frozenset()
                ) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """(what the submission may write, per-field refusals) for `data` against form `schema`.

    A task without a form (`schema` None) may write nothing. Paths use the names of
    `validate_submission` (`problems.0.note`), so a refusal lands on the field.
    """
    problems: dict[str, list[str]] = {}
    kept = _walk(schema or {"type": "object"}, data, schema or {}, "", True, problems)
    for key in kept:
        if is_reserved(key, binding_variables):
            problems.setdefault(key, []).append(RESERVED)
    return {k: v for k, v in kept.items() if k not in problems}, problems


def reserved_declarations(schema: dict[str, Any]) -> list[str]:
    """The top-level fields of a form that only the process may write (a deployment problem)."""
    props, _, _ = declared(schema, schema)
    return sorted(name for name in props if is_reserved(name))


def written_fields(schema: dict[str, Any]) -> set[str]:
    """The top-level fields a submission of this form writes into the case (not the read-only ones)."""
    props, _, _ = declared(schema, schema)
    return {name for name, schemas in props.items() if not _is_read_only(schemas)}


def empty_value(schema: dict[str, Any], name: str) -> Any:
    """What top-level field `name` holds when the form leaves it empty: [] for a list, {} for an
    object, "" for a text, else None (a diagram's `len(photos)` or `part or name` keeps working)."""
    props, _, _ = declared(schema, schema)
    kinds = {s.get("type") for s in props.get(name, []) if isinstance(s, dict)}
    for kind, empty in (("array", []), ("object", {}), ("string", "")):
        if kind in kinds:
            return empty
    return None


def shared_fields(forms: dict[str, dict[str, Any]]) -> dict[str, list[str]]:
    """Fields written by more than one of these forms (the forms of one process), with the forms.

    A case's data is one dictionary: the later form would overwrite what the earlier one wrote
    (a reply's `files` replacing the order's). Tasks that are alternatives of one step share
    their form instead (the chief's or the supervisor's patrol), which is not a collision.
    """
    writers: dict[str, list[str]] = {}
    for name, schema in sorted(forms.items()):
        for field in written_fields(schema):
            writers.setdefault(field, []).append(name)
    return {field: names for field, names in sorted(writers.items()) if len(names) > 1}
