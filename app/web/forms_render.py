"""JSON Schema 2020-12 + UI schema → widgets for the HTML form, and the form post → JSON data.

Pure functions (no Flask): `build_form` turns a schema, its UI schema, the current values and the
server's field errors into a tree of `Widget`s that templates/_form_fields.html draws;
`parse_submission` turns the posted fields (names like `opinion.result` or `problems.0.desc`) back
into the JSON document the schema validates. Values that do not convert (text in a number field)
are passed on unchanged, so the server's validator reports them at the field and the user's text
is shown again.
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from app.formdefs.keywords import LIBRARY_REF
from app.formdefs.writes import resolve

TZ_SUFFIX = "+08:00"  # datetime-local inputs carry no zone; the UI works in Asia/Shanghai
DEFAULT_ACCEPT = "image/*,application/pdf,.doc,.docx,.xls,.xlsx,video/mp4"
# Where the page's picker finds the entries of an `x-libraryRef` library (searched in the browser).
LIBRARY_SOURCES = {"legal_clause": "/api/v1/clauses?active=true"}
MAX_REF_DEPTH = 48  # nesting levels of a schema drawn (a recursive $ref stops there)


class FormData(Protocol):
    def getlist(self, key: str) -> list[str]: ...

    def keys(self): ...

    def __contains__(self, key: object) -> bool: ...


@dataclass(frozen=True)
class Option:
    value: str
    label: str
    selected: bool = False


@dataclass
class Widget:
    """One field (or group of fields) of a rendered form."""

    kind: str  # text textarea number integer date datetime select radio checkbox checkboxes file group rows
    # readonly lookup (a code picked from a library: `attrs["source"]` lists its entries)
    name: str
    label: str
    required: bool = False
    value: Any = None
    errors: list[str] = field(default_factory=list)
    help: str | None = None
    placeholder: str | None = None
    options: list[Option] = field(default_factory=list)
    children: list[Widget] = field(default_factory=list)
    template: Widget | None = None  # kind "rows": a blank row (index `row_placeholder`) to add
    multiple: bool = False
    accept: str | None = None
    capture: str | None = None
    attrs: dict[str, Any] = field(default_factory=dict)

    @property
    def dom_id(self) -> str:
        return "f-" + re.sub(r"[^A-Za-z0-9_-]", "-", self.name)


@dataclass
class RenderedForm:
    widgets: list[Widget]
    form_errors: list[str]  # errors that belong to no visible field (e.g. "_form")
    title: str | None = None


def is_attachment(prop: dict) -> bool:
    return prop.get("format") == "attachment"


def _ui_of(ui: Mapping | None, key: str) -> dict:
    return dict((ui or {}).get(key) or {})


def _options(prop: dict, ui: dict, selected: Any) -> list[Option]:
    chosen = {_text(v) for v in (selected if isinstance(selected, list) else [selected]) if v is not None}
    if prop.get("type") == "boolean" and "enum" not in prop:
        pairs = [(True, ui.get("ui:enumNames", ["是", "否"])[0]), (False, ui.get("ui:enumNames", ["是", "否"])[1])]
    elif "oneOf" in prop and all("const" in o for o in prop["oneOf"]):
        pairs = [(o["const"], o.get("title", str(o["const"]))) for o in prop["oneOf"]]
    else:
        values = prop.get("enum") or []
        names = ui.get("ui:enumNames") or prop.get("enumNames") or []
        pairs = [(v, names[i] if i < len(names) else str(v)) for i, v in enumerate(values)]
    return [Option(_text(v), label, _text(v) in chosen) for v, label in pairs]


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


def _enumerated(prop: dict) -> bool:
    return "enum" in prop or ("oneOf" in prop and all("const" in o for o in prop.get("oneOf", [])))


def _scalar_kind(prop: dict, ui: dict) -> str:
    chosen = ui.get("ui:widget")
    kind = prop.get("type")
    if _enumerated(prop) or kind == "boolean" and chosen in ("radio", "select"):
        return chosen if chosen in ("radio", "select") else ("radio" if len(_options(prop, ui, None)) <= 4
                                                            else "select")
    if kind == "boolean":
        return "checkbox"
    if kind in ("number", "integer"):
        return kind
    fmt = prop.get("format")
    if fmt == "date":
        return "date"
    if fmt == "date-time":
        return "datetime"
    if prop.get(LIBRARY_REF) in LIBRARY_SOURCES:
        return "lookup"
    if chosen == "textarea" or (prop.get("maxLength") or 0) > 200:
        return "textarea"
    return "text"


def _attrs(prop: dict, ui: dict) -> dict[str, Any]:
    mapping = {"minimum": "min", "maximum": "max", "minLength": "minlength", "maxLength": "maxlength",
               "pattern": "pattern"}
    attrs = {html: prop[key] for key, html in mapping.items() if key in prop}
    if prop.get("type") == "number":
        attrs["step"] = "any"
    options = ui.get("ui:options") or {}
    if "rows" in options:
        attrs["rows"] = options["rows"]
    if prop.get(LIBRARY_REF) in LIBRARY_SOURCES:
        attrs["source"] = LIBRARY_SOURCES[prop[LIBRARY_REF]]
    return attrs


def _display(kind: str, value: Any) -> Any:
    if kind == "datetime" and isinstance(value, str):
        return value[:16]
    if kind == "checkbox":
        return value is True
    return value


def _widget(name: str, key: str, prop: dict, ui: dict, required: bool, value: Any,
            errors: dict[str, list[str]]) -> Widget:
    label = ui.get("ui:title") or prop.get("title") or key
    base = dict(name=name, label=label, required=required, errors=list(errors.get(name, [])),
                help=ui.get("ui:help") or prop.get("description"), placeholder=ui.get("ui:placeholder"))
    if prop.get("type") == "object":
        return Widget(kind="group", children=_fields(prop, ui, value if isinstance(value, dict) else {},
                                                     errors, prefix=name + "."), **base)
    if prop.get("type") == "array":
        return _array_widget(prop, ui, value, errors, base)
    if is_attachment(prop):
        return _file_widget(ui, value, base, multiple=False)
    if prop.get("readOnly"):  # shown from the task's data (e.g. the return reason), never posted
        return Widget(kind="readonly", value=value, **base)
    kind = _scalar_kind(prop, ui)
    return Widget(kind=kind, value=_display(kind, value), options=_options(prop, ui, value)
                  if kind in ("radio", "select") else [], attrs=_attrs(prop, ui), **base)


def _file_widget(ui: dict, value: Any, base: dict, *, multiple: bool) -> Widget:
    options = ui.get("ui:options") or {}
    ids = value if isinstance(value, list) else ([] if value in (None, "") else [value])
    return Widget(kind="file", value=ids, multiple=multiple, accept=options.get("accept", DEFAULT_ACCEPT),
                  capture=options.get("capture"), **base)


def _array_widget(prop: dict, ui: dict, value: Any, errors: dict, base: dict) -> Widget:
    items = prop.get("items") or {}
    if is_attachment(items):
        return _file_widget(ui, value, base, multiple=True)
    if _enumerated(items):
        return Widget(kind="checkboxes", value=value, options=_options(items, _ui_of(ui, "items"), value),
                      **base)
    if LIBRARY_REF in prop and isinstance(items, dict):  # a list of codes: each one is picked
        items = {LIBRARY_REF: prop[LIBRARY_REF], **items}
    rows = value if isinstance(value, list) else []
    item_ui = _ui_of(ui, "items")
    name = base["name"]
    children = [_widget(f"{name}.{i}", str(i + 1), items, item_ui, True, row, errors)
                for i, row in enumerate(rows)]
    template = _widget(f"{name}.{row_placeholder(name)}", "", items, item_ui, True, None, {})
    attrs = {k: prop[k] for k in ("minItems", "maxItems") if k in prop}
    attrs["placeholder"] = row_placeholder(name)
    return Widget(kind="rows", value=rows, children=children, template=template, attrs=attrs, **base)


def row_placeholder(name: str) -> str:
    """The index placeholder of a blank row of the array field `name`: one per nesting level
    (`__i0__`, `__i1__`…), so adding an outer row fills only its own level and the inner rows
    added later get indexes of their own (two clauses of one problem, not one name twice)."""
    depth = sum(1 for part in name.split(".") if part.isdigit() or _PLACEHOLDER.fullmatch(part))
    return f"__i{depth}__"


_PLACEHOLDER = re.compile(r"__i\d+__")


def inline_refs(node: Any, root: dict | None = None, depth: int = 0) -> Any:
    """`node` with its local `$ref`s replaced by what they point at (a form may keep a shared
    part, e.g. the problem list, in `$defs`); drawn and parsed like any other field."""
    root = node if root is None else root
    node = resolve(node, root)
    if depth > MAX_REF_DEPTH:
        return {}
    if isinstance(node, dict):
        return {k: v if k == "$defs" else inline_refs(v, root, depth + 1) for k, v in node.items()}
    if isinstance(node, list):
        return [inline_refs(v, root, depth + 1) for v in node]
    return node


def _ordered(properties: dict, ui: Mapping | None) -> list[str]:
    order = list((ui or {}).get("ui:order") or ["*"])
    if "*" not in order:
        order.append("*")
    named = [k for k in order if k in properties]
    rest = [k for k in properties if k not in named]
    star = order.index("*")
    keys = [k for k in order[:star] if k in properties] + rest + [k for k in order[star + 1:] if k in properties]
    return [k for k in keys if _ui_of(ui, k).get("ui:widget") != "hidden"]


def _fields(schema: dict, ui: Mapping | None, values: dict, errors: dict, prefix: str = "") -> list[Widget]:
    properties = schema.get("properties") or {}
    required = set(schema.get("required") or [])
    return [_widget(prefix + key, key, properties[key], _ui_of(ui, key), key in required, values.get(key), errors)
            for key in _ordered(properties, ui)]


def _all_names(widgets: list[Widget]) -> set[str]:
    names = set()
    for w in widgets:
        names.add(w.name)
        names |= _all_names(w.children)
    return names


def build_form(schema: dict, ui: Mapping | None = None, values: Mapping | None = None,
               errors: Mapping[str, list[str]] | None = None) -> RenderedForm:
    """Widgets for `schema` filled with `values`; `errors` (field path → messages) at their fields."""
    errors = dict(errors or {})
    schema = inline_refs(schema)
    widgets = _fields(schema, ui, dict(values or {}), errors)
    shown = _all_names(widgets)
    loose = [m for path, messages in errors.items() if path not in shown for m in messages]
    return RenderedForm(widgets, loose, title=(ui or {}).get("ui:title") or schema.get("title"))


# --- form post → JSON ------------------------------------------------------------------------

def _convert(prop: dict, raw: str) -> Any:
    kind = prop.get("type")
    try:
        if kind == "integer" or is_attachment(prop):
            return int(raw)
        if kind == "number":
            number = float(raw)
            return int(number) if number.is_integer() and "." not in raw else number
    except ValueError:
        return raw
    if kind == "boolean":
        return raw.lower() in ("true", "on", "1", "yes")
    if prop.get("format") == "date-time" and len(raw) == 16:
        return f"{raw}:00{TZ_SUFFIX}"
    return raw


def _row_indexes(form: FormData, name: str) -> list[str]:
    pattern = re.compile(re.escape(name) + r"\.(\d+)(?:\.|$)")
    found = {m.group(1) for key in form if (m := pattern.match(key))}
    return sorted(found, key=int)


def _parse_value(prop: dict, form: FormData, name: str) -> tuple[bool, Any]:
    kind = prop.get("type")
    if kind == "object":
        value = _parse_object(prop, form, name + ".")
        return bool(value), value
    if kind == "array":
        items = prop.get("items") or {}
        if is_attachment(items) or _enumerated(items):
            raws = [r for r in form.getlist(name) if r != ""]
            return name in form, [_convert(items, r) for r in raws]
        rows = []
        for index in _row_indexes(form, name):
            present, row = _parse_value(items, form, f"{name}.{index}")
            rows.append(row if present else ({} if items.get("type") == "object" else None))
        return bool(rows) or f"{name}.__rows__" in form, rows
    raws = [r for r in form.getlist(name) if r.strip() != ""]
    if kind == "boolean" and not raws:
        return f"{name}.__present__" in form, False
    if not raws:
        return False, None
    return True, _convert(prop, raws[-1].strip() if kind != "string" else raws[-1])


def _parse_object(schema: dict, form: FormData, prefix: str = "") -> dict:
    out = {}
    for key, prop in (schema.get("properties") or {}).items():
        if prop.get("readOnly"):
            continue
        present, value = _parse_value(prop, form, prefix + key)
        if present:
            out[key] = value
    return out


def parse_submission(schema: dict, form: FormData) -> dict:
    """The JSON document posted by a rendered form: typed values, empty fields left out."""
    return _parse_object(inline_refs(schema), form)
