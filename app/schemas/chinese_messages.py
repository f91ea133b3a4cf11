"""marshmallow's own messages (English, with their values filled in) in Chinese: the API answers
field errors in Chinese unless English is asked for, and the pages' forms show them through
`said` (Chinese carrying marshmallow's English). SiteCase's own validators speak Chinese already
and pass through unchanged."""
from __future__ import annotations

import re
from functools import cache
from typing import Any

from app.formdefs.messages import Said

_OPS = {"greater than or equal to": "不小于", "greater than": "大于",
        "less than or equal to": "不大于", "less than": "小于"}
_OP = "|".join(map(re.escape, _OPS))  # longest first: "greater than or equal to" before "greater than"

# marshmallow's template → ours; {names} are marshmallow's; {min_op}/{max_op} are its comparison words.
TEMPLATES: dict[str, str] = {
    "Missing data for required field.": "必填项。",
    "Field may not be null.": "不能为空。",
    "Unknown field.": "不认识的字段。",
    "Invalid input type.": "输入的类型不正确。",
    "Invalid input.": "输入不正确。",
    "Invalid type.": "类型不正确。",
    "Invalid value.": "取值不正确。",
    "Length must be between {min} and {max}.": "长度须在 {min} 到 {max} 之间。",
    "Length must be {equal}.": "长度须为 {equal}。",
    "Longer than maximum length {max}.": "长度超过上限 {max}。",
    "Shorter than minimum length {min}.": "长度不足下限 {min}。",
    "Must be equal to {other}.": "须等于 {other}。",
    "Must be one of: {choices}.": "须为以下之一：{choices}。",
    "Must be {min_op} {min} and {max_op} {max}.": "须{min_op} {min} 且{max_op} {max}。",
    "Must be {min_op} {min}.": "须{min_op} {min}。",
    "Must be {max_op} {max}.": "须{max_op} {max}。",
    "One or more of the choices you made was in: {values}.": "所选项不能包含：{values}。",
    "One or more of the choices you made was not in: {choices}.": "所选项须在以下范围内：{choices}。",
    "String does not match expected pattern.": "格式不正确。",
    "Number too large.": "数值过大。",
    "Special numeric values (nan or infinity) are not permitted.": "不接受 NaN 或无穷大。",
    '"{input}" cannot be formatted as a date.': "“{input}”无法作为日期。",
    '"{input}" cannot be formatted as a {obj_type}.': "“{input}”无法作为{obj_type}。",
    "{input} cannot be formatted as a timedelta.": "{input} 无法作为时间长度。",
    "Not a valid {awareness} {obj_type}.": "不是有效的{awareness}{obj_type}。",
    "Not a valid {obj_type}.": "不是有效的{obj_type}。",
    "Not a valid IP address.": "不是有效的 IP 地址。",
    "Not a valid IP interface.": "不是有效的 IP 接口。",
    "Not a valid IPv4 address.": "不是有效的 IPv4 地址。",
    "Not a valid IPv4 interface.": "不是有效的 IPv4 接口。",
    "Not a valid IPv6 address.": "不是有效的 IPv6 地址。",
    "Not a valid IPv6 interface.": "不是有效的 IPv6 接口。",
    "Not a valid URL.": "不是有效的网址。",
    "Not a valid UUID.": "不是有效的 UUID。",
    "Not a valid boolean.": "不是有效的是/否值。",
    "Not a valid date.": "不是有效的日期。",
    "Not a valid email address.": "不是有效的电子邮箱。",
    "Not a valid integer.": "不是有效的整数。",
    "Not a valid list.": "不是有效的列表。",
    "Not a valid mapping type.": "不是有效的对象。",
    "Not a valid number.": "不是有效的数字。",
    "Not a valid period of time.": "不是有效的时间长度。",
    "Not a valid string.": "不是有效的文本。",
    "Not a valid tuple.": "不是有效的元组。",
    "Not a valid utf-8 string.": "不是有效的 UTF-8 文本。",
}
_WORDS = {"datetime": "日期时间", "date": "日期", "time": "时间", "naive": "不带时区的", "aware": "带时区的"}


@cache
def _patterns() -> list[tuple[re.Pattern, str]]:
    found = []
    for english, chinese in TEMPLATES.items():
        pattern = re.escape(english)
        for name in re.findall(r"\{(\w+)\}", english):
            group = f"(?P<{name}>{_OP})" if name.endswith("_op") else f"(?P<{name}>.+?)"
            pattern = pattern.replace(re.escape("{" + name + "}"), group, 1)
        found.append((re.compile(f"^{pattern}$", re.S), chinese, len(re.sub(r"\{\w+\}", "", english))))
    # The most specific first: the template with the most literal text wins.
    return [(p, chinese) for p, chinese, _ in sorted(found, key=lambda f: -f[2])]


def chinese(message: str) -> str:
    """marshmallow's message in Chinese; any other message as it is."""
    for pattern, template in _patterns():
        matched = pattern.match(message)
        if matched:
            values = {k: _OPS.get(v) or _WORDS.get(v, v) for k, v in matched.groupdict().items()}
            return template.format(**values)
    return message


# A page offers these choices in a list: its message does not spell out their codes.
_CHOICES = re.compile(r"^(Must be one of: |One or more of the choices you made was not in: )")


def said(message: Any) -> str:
    """A message for a page's field: marshmallow's in Chinese, carrying its own English (Said);
    one of SiteCase's validators as it is; an English message no template knows as 格式不正确."""
    text = str(message)
    if isinstance(message, Said) or not text.isascii():
        return message if isinstance(message, str) else text
    if _CHOICES.match(text):
        return Said("请从列表中选择。", "Choose from the list.")
    found = chinese(text)
    return Said(found if found != text else "格式不正确。", text)
