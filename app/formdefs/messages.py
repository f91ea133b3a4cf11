"""What a form says when a field is refused: the rule in words, with the number the user must
know ("至少 5 人", "不超过 200 字"), in Chinese and English.

A field of a form may name the unit its number counts in (`"x-unit": "人"` beside `minimum`, or
beside `minItems` of a list of photos: `"x-unit": "张"`); without one, lists count items and texts
count characters.
"""
from __future__ import annotations

from typing import Any

from jsonschema.exceptions import ValidationError as SchemaError


class Said(str):
    """A message in Chinese (the str itself) that carries its English: pages in English print
    `english`, the API and logs the Chinese."""

    english: str

    def __new__(cls, zh: str, en: str) -> Said:
        said = super().__new__(cls, zh)
        said.english = en
        return said


# The units our forms count in, in English (plural; a count of 1 reads well enough).
UNITS_EN = {"人": "people", "名": "people", "张": "photos", "份": "documents", "个": "", "项": "items",
            "天": "days", "台": "devices", "家": "units", "处": "places", "条": "entries", "次": "times"}

_FORMATS = {
    "date": ("请填写有效日期（如 2026-03-09）。", "Enter a valid date (e.g. 2026-03-09)."),
    "date-time": ("请填写有效的日期和时间。", "Enter a valid date and time."),
    "credit-code": ("统一社会信用代码不正确（18 位，末位为校验码）。",
                    "The unified social credit code is not valid (18 characters, the last a check character)."),
    "email": ("请填写有效的电子邮箱。", "Enter a valid e-mail address."),
}
_TYPES = {
    "integer": ("请填写整数。", "Enter a whole number."),
    "number": ("请填写数字。", "Enter a number."),
    "string": ("请填写文字。", "Enter text."),
    "boolean": ("请选择是或否。", "Choose yes or no."),
}
_PLAIN = {
    "required": ("此项为必填项。", "This field is required."),
    "enum": ("请选择有效的选项。", "Choose one of the options."),
    "const": ("取值无效。", "This value is not allowed."),
    "additionalProperties": ("含有不允许的字段。", "Contains a field the form does not have."),
    "uniqueItems": ("不能重复选择同一项。", "The same entry may be chosen only once."),
}
_INVALID = ("取值无效。", "This value is not valid.")


def _number(value: Any) -> str:
    return str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)


def _unit(schema: dict[str, Any], default_zh: str = "", default_en: str = "") -> tuple[str, str]:
    unit = schema.get("x-unit")
    if isinstance(unit, str) and unit:
        return unit, UNITS_EN.get(unit, "")
    return default_zh, default_en


def _counted(zh: str, en: str, n: str, unit: tuple[str, str]) -> Said:
    """'至少 5 人' / 'At least 5 people': the count, then its unit when there is one."""
    zh_unit, en_unit = unit
    return Said(f"{zh} {n} {zh_unit}".rstrip() + "。", f"{en} {n} {en_unit}".rstrip() + ".")


def _length(error: SchemaError, n: str) -> Said:
    if error.validator == "maxLength":
        return Said(f"不超过 {n} 字。", f"At most {n} characters.")
    if n == "1":
        return Said("此项不能为空。", "This field must not be empty.")
    return Said(f"至少 {n} 个字。", f"At least {n} characters.")


def describe(error: SchemaError) -> Said:
    """The message for one jsonschema error, stating the limit it broke."""
    rule = str(error.validator)
    schema = error.schema if isinstance(error.schema, dict) else {}
    limit = _number(error.validator_value) if not isinstance(error.validator_value, (dict, list)) else ""
    if rule in ("minLength", "maxLength"):
        return _length(error, limit)
    if rule == "minItems":
        if limit == "1" and not schema.get("x-unit"):
            return Said("请至少添加 1 项。", "Add at least one entry.")
        return _counted("至少", "At least", limit, _unit(schema, "项", "items"))
    if rule == "maxItems":
        return _counted("最多", "At most", limit, _unit(schema, "项", "items"))
    if rule in ("minimum", "maximum"):
        unit = _unit(schema)
        if unit[0]:
            return _counted(*(("至少", "At least") if rule == "minimum" else ("最多", "At most")), limit, unit)
        return (Said(f"不能小于 {limit}。", f"Must not be less than {limit}.") if rule == "minimum"
                else Said(f"不能大于 {limit}。", f"Must not be more than {limit}."))
    if rule == "exclusiveMinimum":
        return Said(f"须大于 {limit}。", f"Must be more than {limit}.")
    if rule == "exclusiveMaximum":
        return Said(f"须小于 {limit}。", f"Must be less than {limit}.")
    if rule == "pattern":
        if error.validator_value == "\\S":
            return Said("不能只填空格。", "Must not be only spaces.")
        return Said("格式不正确。", "The format is not valid.")
    if rule == "format":
        return Said(*_FORMATS.get(str(error.validator_value), ("格式不正确。", "The format is not valid.")))
    if rule == "type":
        return Said(*_TYPES.get(str(error.validator_value), ("类型不正确。", "The type is not valid.")))
    return Said(*_PLAIN.get(rule, _INVALID))
