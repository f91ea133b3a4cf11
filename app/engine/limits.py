"""Size limits that make the sandbox's time and memory budget real.

The line tracer of `sandbox.py` stops Python-level loops, but not one C-level operation: a huge
power, a repeated string, a padded format, a list extended by itself. `GuardingTransformer`
rewrites those operations at compile time into calls of the guards below, and the attribute
guard hands out bounded versions of the str/bytes/list methods that allocate by a number; every
guard checks the size of the result BEFORE computing it. `check_data_size` bounds what a script
writes back (shared references are counted each time, as serializing them would).
"""
from __future__ import annotations

import ast
import operator
import re
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, time
from decimal import Decimal
from itertools import chain, islice
from typing import Any

from RestrictedPython import RestrictingNodeTransformer

from .errors import SandboxViolation

MAX_ITEMS = 1_000_000       # characters, bytes or items of one str/bytes/list/tuple result
MAX_INT_BITS = 1_000_000    # bits of one integer result (about 300,000 decimal digits)
MAX_WIDTH = 10_000          # a width or precision in a format spec
MAX_ROUND_DIGITS = 1_000    # |ndigits| of round(): round(1, -10**9) computes 10**10**9
MAX_DECIMAL_DIGITS = 10_000  # int(Decimal('1e999999')) runs for most of a minute
MAX_DATA_UNITS = 2_000_000  # task data written back: characters + items, shared parts each time
MAX_DATA_DEPTH = 100        # nesting of task data (the serializers recurse)
RUN_ALLOCATION_BUDGET = 100_000_000  # characters/items/bytes that guarded operations may build

_SEQUENCES = (str, bytes, bytearray, list, tuple)
_BINOPS: dict[str, Callable[[Any, Any], Any]] = {
    "Add": operator.add, "Mult": operator.mul, "Pow": operator.pow, "LShift": operator.lshift,
    "Mod": operator.mod}
_FORMAT_NUMBER = re.compile(r"\d+")
_PERCENT_SPEC = re.compile(r"%(?:\([^)]*\))?[-#0 +]*(\*|\d+)?(?:\.(\*|\d*))?")


# What the guarded operations of the current run may still allocate (one run per thread).
_allowance: ContextVar[list[int] | None] = ContextVar("sandbox_allowance", default=None)


@contextmanager
def allocation_budget() -> Iterator[None]:
    """Bound the total size that guarded operations build during one script or expression:
    `s = s + 'x' * 1000` in a loop stops at RUN_ALLOCATION_BUDGET, not at the deadline."""
    token = _allowance.set([RUN_ALLOCATION_BUDGET])
    try:
        yield
    finally:
        _allowance.reset(token)


def _charge(units: int, what: str) -> None:
    allowance = _allowance.get()
    if allowance is not None:
        allowance[0] -= units
        if allowance[0] < 0:
            raise SandboxViolation(f"{what}: the run built more than {RUN_ALLOCATION_BUDGET} "
                                   "characters and items")


def _refuse(what: str) -> SandboxViolation:
    return SandboxViolation(f"{what}: the result would exceed the sandbox's size limit")


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _check_length(length: int, what: str) -> None:
    if length > MAX_ITEMS:
        raise _refuse(f"{what} of {length} items")
    _charge(length, what)


def _check_int_bits(bits: int, what: str) -> None:
    if bits > MAX_INT_BITS:
        raise _refuse(f"{what} of about {bits} bits")
    _charge(bits // 8, what)


def _check_product(left: Any, right: Any) -> None:
    if isinstance(left, _SEQUENCES) and _is_int(right):
        _check_length(len(left) * max(right, 0), "repetition")
    elif isinstance(right, _SEQUENCES) and _is_int(left):
        _check_length(len(right) * max(left, 0), "repetition")
    elif _is_int(left) and _is_int(right):
        _check_int_bits(left.bit_length() + right.bit_length(), "product")


def _check_power(base: Any, exponent: Any) -> None:
    if _is_int(base) and _is_int(exponent) and exponent > 0 and abs(base) > 1:
        _check_int_bits(base.bit_length() * exponent, "power")


def _check_integral(value: Any, what: str) -> None:
    if isinstance(value, Decimal) and value.is_finite() and value.adjusted() > MAX_DECIMAL_DIGITS:
        raise _refuse(f"{what} of a {value.adjusted()}-digit decimal")


def _check_format_numbers(spec: str, what: str) -> None:
    if any(int(n) > MAX_WIDTH for n in _FORMAT_NUMBER.findall(spec)):
        raise _refuse(f"{what} {spec[:40]!r}")


def _check_percent(template: str | bytes, args: Any) -> None:
    text = template if isinstance(template, str) else template.decode("latin-1")
    for match in _PERCENT_SPEC.finditer(text):
        if "*" in match.group(0):
            raise SandboxViolation("'*' widths in %-formatting are not allowed")
        _check_format_numbers(match.group(0), "%-format")
    for arg in args if isinstance(args, tuple) else (args,):
        _check_integral(arg, "%-format")
        check_data_size(arg, "%-format argument")


def binop(name: str, left: Any, right: Any) -> Any:
    """`left <op> right` for the operators that can allocate without bound."""
    if name == "Add":
        if isinstance(left, _SEQUENCES) and isinstance(right, _SEQUENCES):
            _check_length(len(left) + len(right), "concatenation")
    elif name == "Mult":
        _check_product(left, right)
    elif name == "Pow":
        _check_power(left, right)
    elif name == "LShift":
        if _is_int(left) and _is_int(right) and left:
            _check_int_bits(left.bit_length() + right, "shift")
    elif name == "Mod" and isinstance(left, (str, bytes)):
        _check_percent(left, right)
    return _BINOPS[name](left, right)


def format_value(value: Any, conversion: int, spec: str) -> str:
    """One f-string field `{value!conversion:spec}` with its spec and its text bounded."""
    _check_format_numbers(spec, "format spec")
    check_data_size(value, "formatted value")
    if conversion == ord("r"):
        value = repr(value)
    elif conversion == ord("a"):
        value = ascii(value)
    elif conversion == ord("s"):
        value = str(value)
    text = format(value, spec)
    _charge(len(text), "formatted value")
    return text


def _bounded(values: Any, room: int) -> Any:
    """`values` itself if it has a length, else at most `room + 1` of its items as a list."""
    return values if hasattr(values, "__len__") else list(islice(values, max(room, 0) + 1))


def starred(value: Any) -> Any:
    """`*value` inside a list/tuple/set display: `[*x, *x]` doubles x in one C call."""
    value = _bounded(value, MAX_ITEMS)
    _check_length(len(value), "unpacking")
    return value


def safe_str(*args: Any) -> str:
    if len(args) == 1:
        check_data_size(args[0], "str()")
    text = str(*args)
    _charge(len(text), "str()")
    return text


def safe_int(*args: Any, **kwargs: Any) -> int:
    if args:
        _check_integral(args[0], "int()")
    return int(*args, **kwargs)


def safe_isinstance(obj: Any, kinds: Any) -> bool:
    """isinstance() that understands the guarded `str` and `int` of the builtins."""
    aliases = {safe_str: str, safe_int: int}
    if isinstance(kinds, tuple):
        kinds = tuple(aliases.get(kind, kind) for kind in kinds)
    return isinstance(obj, aliases.get(kinds, kinds))


def safe_sum(values: Iterable[Any], start: Any = 0) -> Any:
    if isinstance(start, _SEQUENCES):
        raise SandboxViolation("sum() of sequences is not allowed; use a loop")
    return sum(values, start)


def safe_round(number: Any, ndigits: int | None = None) -> Any:
    if ndigits is not None and _is_int(ndigits) and abs(ndigits) > MAX_ROUND_DIGITS:
        raise SandboxViolation(f"round() to {ndigits} digits is not allowed")
    if ndigits is None:
        _check_integral(number, "round()")
    return round(number) if ndigits is None else round(number, ndigits)


def inplace(op: Callable[[Any, Any], Any], name: str | None, left: Any, right: Any) -> Any:
    """`left op= right` with the same checks as `left op right`."""
    if name == "Mult":
        _check_product(left, right)
    elif name == "Add" and isinstance(left, _SEQUENCES):
        right = _bounded(right, MAX_ITEMS - len(left))
        _check_length(len(left) + len(right), "concatenation")
    elif name == "Mod" and isinstance(left, (str, bytes)):
        _check_percent(left, right)
    return op(left, right)


# --- methods that allocate by a number ---------------------------------------------------

def _padding(method: Callable[..., Any]) -> Callable[..., Any]:
    def padded(width: int, *args: Any) -> Any:
        _check_length(width, f"{method.__name__}()")
        return method(width, *args)
    return padded


def _guard_method(obj: Any, name: str, method: Callable[..., Any]) -> Callable[..., Any]:
    if name in ("ljust", "rjust", "center", "zfill"):
        return _padding(method)
    if name == "expandtabs":
        def expandtabs(tabsize: int = 8) -> Any:
            _check_length(len(obj) + obj.count("\t" if isinstance(obj, str) else b"\t")
                          * max(tabsize, 0), "expandtabs()")
            return method(tabsize)
        return expandtabs
    if name == "replace":
        def replace(old: Any, new: Any, count: int = -1) -> Any:
            hits = obj.count(old) if count < 0 else min(count, obj.count(old))
            _check_length(len(obj) + hits * max(len(new) - len(old), 0), "replace()")
            return method(old, new, count)
        return replace
    if name == "join":
        def join(parts: Iterable[Any]) -> Any:
            parts = parts if isinstance(parts, (list, tuple)) else list(parts)
            total = len(obj) * max(len(parts) - 1, 0)
            _check_length(total, "join()")
            for part in parts:
                total += len(part) if hasattr(part, "__len__") else 0
                if total > MAX_ITEMS:
                    raise _refuse(f"join() of more than {MAX_ITEMS} items")
            return method(parts)
        return join
    if name == "as_integer_ratio":
        _check_integral(obj, "as_integer_ratio()")
    if name in ("extend", "translate", "to_bytes", "strftime"):
        return _GUARDED_BY_ARGUMENT[name](obj, method)
    return method


def _extend(obj: Any, method: Callable[..., Any]) -> Callable[..., Any]:
    def extend(values: Iterable[Any]) -> None:
        values = _bounded(values, MAX_ITEMS - len(obj))
        _check_length(len(obj) + len(values), "extend()")
        method(values)
    return extend


def _translate(obj: Any, method: Callable[..., Any]) -> Callable[..., Any]:
    def translate(table: Any, *args: Any) -> Any:
        widest = max((len(v) for v in table.values() if isinstance(v, str)), default=1) \
            if isinstance(table, dict) else 1
        _check_length(len(obj) * widest, "translate()")
        return method(table, *args)
    return translate


def _to_bytes(obj: Any, method: Callable[..., Any]) -> Callable[..., Any]:
    def to_bytes(length: int = 1, *args: Any, **kwargs: Any) -> bytes:
        _check_length(length, "to_bytes()")
        return method(length, *args, **kwargs)
    return to_bytes


def _strftime(obj: Any, method: Callable[..., Any]) -> Callable[..., Any]:
    def strftime(pattern: str) -> str:
        _check_format_numbers(pattern, "strftime pattern")
        return method(pattern)
    return strftime


_GUARDED_BY_ARGUMENT = {"extend": _extend, "translate": _translate, "to_bytes": _to_bytes,
                        "strftime": _strftime}
_GUARDED_TYPES = (str, bytes, bytearray, list, int, Decimal, date, time)


def guard_attribute(obj: Any, name: str, value: Any) -> Any:
    """Bounded replacement for a risky method of a str/bytes/list/int/date, else `value`."""
    if isinstance(obj, _GUARDED_TYPES) and callable(value):
        return _guard_method(obj, name, value)
    return value


class _ListWriter:
    """What `_write_` hands out for a list: `x[len(x):] = x` doubles x in one C call."""

    __slots__ = ("target",)

    def __init__(self, target: list[Any]):
        self.target = target

    def __setitem__(self, key: Any, value: Any) -> None:
        if isinstance(key, slice):
            value = value if hasattr(value, "__len__") else list(value)
            _check_length(len(self.target) + len(value), "slice assignment")
        self.target[key] = value

    def __delitem__(self, key: Any) -> None:
        del self.target[key]


def write_guard(fallback: Callable[[Any], Any]) -> Callable[[Any], Any]:
    return lambda obj: _ListWriter(obj) if isinstance(obj, list) else fallback(obj)


# --- data written back --------------------------------------------------------------------

def check_data_size(value: Any, what: str = "task data", *, stored: bool = False) -> None:
    """Refuse `value` if serializing it would exceed MAX_DATA_UNITS or nest deeper than
    MAX_DATA_DEPTH (stops as soon as the budget is spent: the cost of the check is bounded
    too); if it is to be `stored`, also a NUL character anywhere in it."""
    if value is None or isinstance(value, _SCALARS):  # the common cases, on the hot path
        return
    if isinstance(value, str) and len(value) < MAX_DATA_UNITS and not (stored and "\x00" in value):
        return
    if data_units(value, MAX_DATA_UNITS, what=what, stored=stored) > MAX_DATA_UNITS:
        raise SandboxViolation(f"{what} is larger than {MAX_DATA_UNITS} characters and items")


def data_units(value: Any, limit: int, *, what: str = "task data", stored: bool = False) -> int:
    """Characters + items in `value`, counting shared parts each time; stops past `limit`.

    Raises SandboxViolation past MAX_DATA_DEPTH, or for a NUL character if `stored`."""
    units, stack = 0, [iter((value,))]
    while stack and units <= limit:
        item = next(stack[-1], _END)
        if item is _END:
            stack.pop()
            continue
        if len(stack) > MAX_DATA_DEPTH:
            raise SandboxViolation(f"{what} is nested deeper than {MAX_DATA_DEPTH} levels")
        units += 1
        if isinstance(item, str):
            units += len(item)
            if stored and "\x00" in item:  # PostgreSQL's text and JSON columns refuse it
                raise SandboxViolation(f"{what} holds a NUL character")
        elif isinstance(item, (bytes, bytearray)):
            units += len(item)
        elif isinstance(item, dict):
            units += len(item)
            stack.append(chain.from_iterable(item.items()))
        elif isinstance(item, (list, tuple, set, frozenset)):
            units += len(item)
            stack.append(iter(item))
    return units


_END = object()
_SCALARS = (int, float, Decimal, date, time)


# --- compile-time rewriting ---------------------------------------------------------------

def _call(name: str, *args: ast.expr) -> ast.Call:
    return ast.Call(func=ast.Name(id=name, ctx=ast.Load()), args=list(args), keywords=[])


class GuardingTransformer(RestrictingNodeTransformer):
    """RestrictedPython's policy, plus the rewriting of unbounded operations into guards."""

    def visit_BinOp(self, node: ast.BinOp) -> Any:
        node = self.node_contents_visit(node)
        name = type(node.op).__name__
        if name not in _BINOPS:
            return node
        call = _call("_binop_", ast.Constant(name), node.left, node.right)
        return ast.fix_missing_locations(ast.copy_location(call, node))

    def visit_FormattedValue(self, node: ast.FormattedValue) -> Any:
        node = self.node_contents_visit(node)
        spec = node.format_spec if node.format_spec is not None else ast.Constant("")
        call = _call("_format_", node.value, ast.Constant(node.conversion), spec)
        value = ast.FormattedValue(value=call, conversion=-1, format_spec=None)
        return ast.fix_missing_locations(ast.copy_location(value, node))

    def _guard_starred(self, node: Any) -> Any:
        node = self.node_contents_visit(node)
        if isinstance(getattr(node, "ctx", ast.Load()), ast.Load):
            for item in node.elts:
                if isinstance(item, ast.Starred):
                    item.value = ast.fix_missing_locations(
                        ast.copy_location(_call("_starred_", item.value), item.value))
        return node

    visit_List = visit_Tuple = visit_Set = _guard_starred

    # A deadline is raised by the line tracer, and CPython switches tracing off for the thread
    # once a trace function has raised: a script that swallowed it would then loop forever.
    # Scripts only ever see Exception subclasses, so they never need to catch anything else.
    def visit_ExceptHandler(self, node: ast.ExceptHandler) -> Any:
        if node.type is None:
            self.error(node, "a bare 'except:' is not allowed; write 'except Exception:'")
        return super().visit_ExceptHandler(node)

    def visit_Try(self, node: ast.Try) -> Any:
        for statement in node.finalbody:
            for inner in ast.walk(statement):
                if isinstance(inner, (ast.Return, ast.Break, ast.Continue)):
                    self.error(inner, "return, break or continue inside 'finally' is not allowed")
        return super().visit_Try(node)
