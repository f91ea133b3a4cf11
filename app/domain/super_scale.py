"""Decide whether a hazardous work is hazardous and super-scale from its category's rule text.

Rules come from hazardous-categories.csv as editable data: "always", "never", a disjunction of
comparisons like "height_m>=8 or span_m>=18", or prose that needs an official's judgement. For
prose the registrant answers the criterion explicitly (parameter `super_scale_declared`).
"""
from __future__ import annotations

import operator
import re
from dataclasses import dataclass

from app.domain.vocabulary import unit_of, word

_OPS = {">=": operator.ge, ">": operator.gt, "<=": operator.le, "<": operator.lt, "==": operator.eq}
_OP_WORDS = {">=": "不小于", ">": "大于", "<=": "不大于", "<": "小于", "==": "等于"}
_TERM = re.compile(r"^\s*([a-z_][a-z0-9_]*)\s*(>=|<=|==|>|<)\s*(-?\d+(?:\.\d+)?)\s*$")


@dataclass(frozen=True)
class RuleOutcome:
    met: bool
    reason: str
    needs_declaration: bool = False


def split_terms(rule: str) -> tuple[list[tuple[str, str, float]], list[str]]:
    """The comparisons of a rule and its prose criteria (parts that are not comparisons)."""
    terms: list[tuple[str, str, float]] = []
    prose: list[str] = []
    for part in re.split(r"\s+or\s+", rule.strip()):
        m = _TERM.match(part)
        if m:
            terms.append((m.group(1), m.group(2), float(m.group(3))))
        elif part.strip():
            prose.append(part.strip())
    return terms, prose


def rule_parameters(rule: str) -> list[str]:
    return [name for name, _, _ in split_terms(rule)[0]]


def evaluate(rule: str, parameters: dict, *, declared_key: str) -> RuleOutcome:
    """Apply one rule to the entered parameters; the reason says which threshold decided."""
    text = (rule or "").strip()
    if text == "always":
        return RuleOutcome(True, "该类别一律属于此范围")
    if text in ("never", ""):
        return RuleOutcome(False, "该类别不属于此范围")
    terms, prose = split_terms(text)
    for name, op, limit in terms:
        value = parameters.get(name)
        if isinstance(value, int | float) and not isinstance(value, bool) and _OPS[op](value, limit):
            return RuleOutcome(True, f"{word(name, 'parameter')}为{_amount(name, value)}，{_threshold(name, op, limit)}")
    if prose:
        criteria = "；".join(prose)
        declared = parameters.get(declared_key)
        if declared is None:
            return RuleOutcome(False, f"需要判定：{criteria}", needs_declaration=True)
        return RuleOutcome(bool(declared), f"{'符合' if declared else '不符合'}：{criteria}")
    return RuleOutcome(False, "未达到：" + "，或".join(_threshold(name, op, limit, named=True)
                                                      for name, op, limit in terms))


def _amount(name: str, value: float) -> str:
    unit = unit_of(name)
    return f"{value:g} {unit}" if unit else f"{value:g}"


def _threshold(name: str, op: str, limit: float, named: bool = False) -> str:
    """`不小于 8 m` (`搭设（安装）高度不小于 8 m` when `named`): a rule's comparison in words."""
    return f"{word(name, 'parameter') if named else ''}{_OP_WORDS[op]} {_amount(name, limit)}"


def classify(hazardous_rule: str, super_scale_rule: str, parameters: dict) -> tuple[RuleOutcome, RuleOutcome]:
    """(is it hazardous, is it super-scale) for one work."""
    hazardous = evaluate(hazardous_rule, parameters, declared_key="hazardous_declared")
    super_scale = evaluate(super_scale_rule, parameters, declared_key="super_scale_declared")
    return hazardous, super_scale
