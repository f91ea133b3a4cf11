"""Forms are data: JSON Schema 2020-12 files (+ optional UI schema) in forms/.

Submissions are always validated on the server; errors come back per field in Chinese, each
carrying its English (app/formdefs/messages.py).
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker
from jsonschema.exceptions import SchemaError

from app.domain.credit_code import credit_code_problem
from app.formdefs.messages import describe
from app.formdefs.writes import reserved_declarations

FORMS_DIR = Path(__file__).resolve().parent.parent.parent / "forms"
SCHEMA_SUFFIX = ".schema.json"
UI_SUFFIX = ".ui.json"


@dataclass(frozen=True)
class FormDef:
    name: str
    schema: dict[str, Any]
    ui: dict[str, Any] | None

    @property
    def readonly_fields(self) -> list[str]:
        """The top-level fields the form shows from the task's data and never posts."""
        return [name for name, prop in (self.schema.get("properties") or {}).items()
                if isinstance(prop, dict) and prop.get("readOnly")]


def form_file_names(name: str) -> tuple[str, str]:
    """(schema file, ui file) of a form called `name` (`name` may already end in .schema.json)."""
    base = name.removesuffix(SCHEMA_SUFFIX).removesuffix(".json")
    return base + SCHEMA_SUFFIX, base + UI_SUFFIX


def schema_problem(schema: Any) -> str | None:
    """Why `schema` is not a usable JSON Schema 2020-12 form, or None."""
    if not isinstance(schema, dict):
        return "表单定义必须是 JSON 对象。"
    try:
        Draft202012Validator.check_schema(schema)
    except SchemaError as exc:
        return f"JSON Schema 无效：{exc.message}"
    if schema.get("type", "object") != "object":
        return "表单的根类型必须是 object。"
    reserved = reserved_declarations(schema)
    if reserved:
        return f"字段 {', '.join(reserved)} 由流程写入（绑定办理人、对象或范围），表单不能声明。"
    return None


def _field_path(error) -> str:
    path = [str(p) for p in error.absolute_path]
    if error.validator == "required":
        missing = error.message.split("'")[1] if "'" in error.message else ""
        path.append(missing)
    return ".".join(p for p in path if p) or "_form"


# The formats our forms use beyond JSON Schema's own (a checker of ours: jsonschema's class-level
# registry would be shared with every other user of the library in the process).
FORMAT_CHECKER = FormatChecker()


# A form's date-time is what a browser's datetime-local field sends ("2026-03-02T09:30", seconds
# and an offset optional, a space allowed for the T) and is read in China time. jsonschema checks
# "date-time" as strict RFC 3339 once rfc3339-validator is installed (openapi-spec-validator pulls
# it in), which would refuse every value the form pages submit.
_LOCAL_DATE_TIME = re.compile(
    r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2})?", re.ASCII)


@FORMAT_CHECKER.checks("date-time", raises=ValueError)
def _date_time(value: object) -> bool:
    if not isinstance(value, str):
        return True
    if not _LOCAL_DATE_TIME.fullmatch(value):
        return False
    datetime.fromisoformat(value.replace("Z", "+00:00"))  # a real day and time, or ValueError
    return True


@FORMAT_CHECKER.checks("credit-code")
def _credit_code(value: object) -> bool:
    """统一社会信用代码 (GB 32100: 18 characters with a check character)."""
    return not isinstance(value, str) or credit_code_problem(value) is None


def validate_submission(schema: dict[str, Any], data: Any) -> dict[str, list[str]]:
    """Every field error of `data` against `schema` (format checking on); {} when valid."""
    if not isinstance(data, dict):
        return {"_form": ["提交的数据必须是 JSON 对象。"]}
    validator = Draft202012Validator(schema, format_checker=FORMAT_CHECKER)
    fields: dict[str, list[str]] = {}
    for error in sorted(validator.iter_errors(data), key=lambda e: list(map(str, e.absolute_path))):
        fields.setdefault(_field_path(error), []).append(describe(error))
    return fields


def load_from_dir(name: str, folder: Path = FORMS_DIR) -> FormDef | None:
    """Read a form from the forms folder (deployment reads; running instances use their version)."""
    schema_file, ui_file = form_file_names(name)
    path = folder / schema_file
    if not path.is_file():
        return None
    ui_path = folder / ui_file
    ui = json.loads(ui_path.read_text(encoding="utf-8")) if ui_path.is_file() else None
    return FormDef(name=schema_file, schema=json.loads(path.read_text(encoding="utf-8")), ui=ui)


def attachment_refs(schema: dict[str, Any], data: Any, path: str = "") -> list[tuple[str, Any]]:
    """(field path, value) of every attachment reference in ``data``, at any depth.

    A field is a reference when its schema says ``"format": "attachment"`` or it is an array of
    such items; objects and arrays of objects (e.g. the photos inside each problem item of a
    rectification order) are walked. Paths use the names of ``validate_submission``
    (``problems.0.photos``), so the error lands on the same field.
    """
    if not isinstance(data, dict):
        return []
    refs: list[tuple[str, Any]] = []
    for key, prop in (schema.get("properties") or {}).items():
        if key not in data or not isinstance(prop, dict):
            continue
        value, where = data[key], f"{path}{key}"
        items = prop.get("items") if isinstance(prop.get("items"), dict) else {}
        if prop.get("format") == "attachment" or items.get("format") == "attachment":
            refs.append((where, value))
        elif prop.get("properties"):
            refs += attachment_refs(prop, value, f"{where}.")
        elif items.get("properties") and isinstance(value, list):
            for index, element in enumerate(value):
                refs += attachment_refs(items, element, f"{where}.{index}.")
    return refs
