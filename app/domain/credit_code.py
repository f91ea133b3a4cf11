"""统一社会信用代码 (GB 32100-2015): 18 characters with a mod-31 check character."""
from __future__ import annotations

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def check_character(first17: str) -> str:
    total = sum(ALPHABET.index(c) * w for c, w in zip(first17, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def credit_code_problem(code: str) -> str | None:
    """Why `code` is not a valid credit code, or None when it is."""
    if not isinstance(code, str) or len(code) != 18:
        return "统一社会信用代码应为18位。"
    code = code.upper()
    if any(c not in ALPHABET for c in code):
        return "统一社会信用代码含有无效字符。"
    if not code[2:8].isdigit():
        return "统一社会信用代码的行政区划码应为6位数字。"
    if check_character(code[:17]) != code[17]:
        return "统一社会信用代码校验位不正确。"
    return None


def make_credit_code(body17: str) -> str:
    """Append the check character (used by demo data and test factories)."""
    return body17 + check_character(body17)
