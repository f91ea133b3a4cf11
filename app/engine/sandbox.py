"""RestrictedPython sandbox for BPMN scripts, conditions, DMN cells and timer expressions.

Diagrams are edited by process designers, not programmers we trust with the server: scripts see
task data, an allow-list of builtins and the helpers of `helpers.py`, and nothing else. Every run
also carries a time budget enforced with a line tracer, so an endless loop stops the run instead
of a worker. The budget counts this thread's CPU time (`work_clock`), not the wall clock: a busy
machine or a stalled neighbour must not fail a step that did little work, and a full garbage
collection (the whole heap's cost, not the run's) is taken out of it (see `work_clock.py`).
"""
from __future__ import annotations

import ast
import operator
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from functools import lru_cache
from types import CodeType, ModuleType
from typing import Any

from RestrictedPython import compile_restricted_eval, compile_restricted_exec
from RestrictedPython.Guards import (
    full_write_guard,
    guarded_iter_unpack_sequence,
    guarded_unpack_sequence,
    safer_getattr,
)

from . import limits
from .errors import SandboxViolation, ScriptTimeout
from .helpers import make_helpers
from .work_clock import full_collections_excluded, work_clock

SCRIPT_FILENAME = "<bpmn-script>"
EXPRESSION_FILENAME = "<bpmn-expression>"
MAX_RANGE = 100_000
MAX_SOURCE = 100_000  # characters of one script or expression

# Names that read the real clock; scripts must use the run's now()/today() helpers instead.
_CLOCK_ATTRIBUTES = frozenset({"now", "today", "utcnow", "fromtimestamp", "utcfromtimestamp"})


_NOT_ALLOWED = re.compile(r"^(\S+) is not allowed$")
_UNDERSCORE = re.compile(r'"([^"]+)" is an invalid \w+ name because it starts with "_"')


class SandboxCompileError(Exception):
    """A script or expression that does not compile (syntax) or is refused by policy (unsafe)."""

    def __init__(self, code: str, message: str, line: int | None = None):
        super().__init__(message)
        self.code = code
        self.message = message
        self.line = line

    @property
    def reason(self) -> tuple[str, str]:
        """Why, as a stable word and the name it refused: (syntax | not_allowed | underscore |
        too_long | too_deep | refused, name or "") — what designers are told, in their language."""
        if self.code.endswith("_syntax"):
            return "syntax", ""
        if match := _NOT_ALLOWED.match(self.message):
            return "not_allowed", match.group(1)
        if underscore := _UNDERSCORE.search(self.message):
            return "underscore", underscore.group(1)
        if self.message.startswith("longer than"):
            return "too_long", ""
        if self.message.startswith("nested too deeply"):
            return "too_deep", ""
        return "refused", ""


def _safe_range(*args: int) -> range:
    result = range(*args)
    if len(result) > MAX_RANGE:
        raise SandboxViolation(f"range() longer than {MAX_RANGE} items is not allowed")
    return result


def _guarded_getattr(obj: Any, name: str) -> Any:
    if isinstance(obj, ModuleType):
        raise SandboxViolation(f"attribute access on modules is not allowed ({name!r})")
    if name == "mro" and isinstance(obj, type):  # `except Exception.mro()[1]:` catches all
        raise SandboxViolation("mro() is not allowed")
    if name in _CLOCK_ATTRIBUTES and isinstance(obj, (date, type)):
        raise SandboxViolation(f"{name}() reads the real clock; use the now()/today() helpers")
    try:
        return limits.guard_attribute(obj, name, safer_getattr(obj, name))
    except NotImplementedError as exc:  # str.format and string.Formatter escapes
        raise SandboxViolation(str(exc)) from None
    except AttributeError as exc:
        if name.startswith("_") or "restricted name" in str(exc):
            raise SandboxViolation(str(exc)) from None
        raise


_INPLACE = {"+=": operator.iadd, "-=": operator.isub, "*=": operator.imul, "/=": operator.itruediv,
            "//=": operator.ifloordiv, "%=": operator.imod, "|=": operator.ior, "&=": operator.iand}


_INPLACE_NAMES = {"+=": "Add", "*=": "Mult", "%=": "Mod"}


def _inplacevar(op: str, left: Any, right: Any) -> Any:
    if op not in _INPLACE:
        raise SandboxViolation(f"operator {op} is not allowed")
    return limits.inplace(_INPLACE[op], _INPLACE_NAMES.get(op), left, right)


SAFE_BUILTINS: dict[str, Any] = {
    "None": None, "True": True, "False": False,
    "len": len, "min": min, "max": max, "sorted": sorted, "str": limits.safe_str,
    "int": limits.safe_int, "float": float, "round": limits.safe_round, "any": any, "all": all,
    "dict": dict, "list": list, "tuple": tuple, "set": set, "bool": bool, "abs": abs,
    "sum": limits.safe_sum, "enumerate": enumerate, "zip": zip, "range": _safe_range,
    "isinstance": limits.safe_isinstance, "reversed": reversed,
    "Exception": Exception, "ValueError": ValueError, "KeyError": KeyError, "TypeError": TypeError,
}

# Refused by name both when compiling (validation) and at run time (clear error, not NameError).
# (`type`, `input`... stay usable as data variable names: they are simply not provided.)
FORBIDDEN_NAMES = frozenset({
    "open", "getattr", "setattr", "delattr", "hasattr", "eval", "exec", "compile", "globals",
    "locals", "vars", "dir", "breakpoint", "memoryview", "__import__",
})


def _refuse(name: str) -> Any:
    def refused(*args: Any, **kwargs: Any) -> Any:
        raise SandboxViolation(f"{name}() is not allowed in BPMN scripts")
    return refused


SAFE_BUILTINS.update({name: _refuse(name) for name in FORBIDDEN_NAMES})

_GUARDS: dict[str, Any] = {
    "_getattr_": _guarded_getattr,
    "_getitem_": lambda obj, key: obj[key],
    "_getiter_": iter,
    "_iter_unpack_sequence_": guarded_iter_unpack_sequence,
    "_unpack_sequence_": guarded_unpack_sequence,
    "_write_": limits.write_guard(full_write_guard),
    "_inplacevar_": _inplacevar,
    "_apply_": lambda func, *args, **kwargs: func(*args, **kwargs),
    "_binop_": limits.binop,
    "_format_": limits.format_value,
    "_starred_": limits.starred,
}

_LINE_RE = re.compile(r"Line (\d+)")


@lru_cache(maxsize=2048)
def compile_source(source: str, mode: str = "eval") -> CodeType:
    """Compile under the restricted policy; `mode` is 'eval' (expressions) or 'exec' (scripts).

    Raises SandboxCompileError with code `<script|condition>_syntax` or `script_unsafe` (also
    for sources too long or too deeply nested to compile: the parser would recurse or run out of
    memory).
    """
    kind = "script" if mode == "exec" else "condition"
    if len(source) > MAX_SOURCE:
        raise SandboxCompileError("script_unsafe", f"longer than {MAX_SOURCE} characters")
    try:
        return _compile(source, mode, kind)
    except (RecursionError, MemoryError):
        raise SandboxCompileError("script_unsafe", "nested too deeply to compile") from None


def _compile(source: str, mode: str, kind: str) -> CodeType:
    try:
        tree = ast.parse(source, mode=mode)
    except SyntaxError as exc:
        raise SandboxCompileError(f"{kind}_syntax", f"{exc.msg} (line {exc.lineno})", exc.lineno) \
            from None
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and node.id in FORBIDDEN_NAMES:
            raise SandboxCompileError("script_unsafe", f"{node.id} is not allowed", node.lineno)
        if isinstance(node, ast.Attribute) and node.attr == "mro":
            raise SandboxCompileError("script_unsafe", "mro is not allowed", node.lineno)
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            raise SandboxCompileError("script_unsafe", "import is not allowed", node.lineno)
    filename = SCRIPT_FILENAME if mode == "exec" else EXPRESSION_FILENAME
    compiler = compile_restricted_exec if mode == "exec" else compile_restricted_eval
    result = compiler(source, filename=filename, policy=limits.GuardingTransformer)
    if result.errors:
        match = _LINE_RE.search(result.errors[0])
        raise SandboxCompileError("script_unsafe", "; ".join(result.errors),
                                  int(match.group(1)) if match else None)
    return result.code


class Sandbox:
    """Evaluates expressions and executes scripts for one engine run (one clock, one budget).

    `budget` is seconds of work (see `work_clock`) from now on; None runs without a deadline.
    """

    def __init__(self, now: datetime, budget: float | None = None):
        self.helpers = make_helpers(now)
        self.budget = budget
        self.deadline = work_clock() + budget if budget else None
        self._collections_before = full_collections_excluded()

    def _timeout(self, hint: str = "") -> ScriptTimeout:
        """What an operator reading the incident needs: the budget, and the full collections the
        run's clock left out (work_clock.py), so a slow heap is told from a slow script."""
        collected = full_collections_excluded() - self._collections_before
        return ScriptTimeout(f"the run exceeded its time budget of {self.budget:g} s of work{hint}"
                             f" (full garbage collections not counted: {collected:.2f} s)")

    def _globals(self, context: dict[str, Any]) -> dict[str, Any]:
        scope: dict[str, Any] = {"__builtins__": SAFE_BUILTINS, **_GUARDS, **self.helpers}
        scope.update(context)
        return scope

    @contextmanager
    def budget_paused(self) -> Iterator[None]:
        """Host work (an operator's queries) is not the designer's: it does not use the budget."""
        started = work_clock()
        try:
            yield
        finally:
            if self.deadline is not None:
                self.deadline += work_clock() - started

    def check_deadline(self) -> None:
        if self.deadline is not None and work_clock() > self.deadline:
            raise self._timeout()

    @contextmanager
    def _traced(self) -> Iterator[None]:
        """Raise ScriptTimeout inside sandboxed frames once the deadline has passed, and bound
        what guarded operations allocate.

        CPython switches tracing off for the thread once a trace function has raised, so the
        compiler refuses every way to swallow ScriptTimeout (see limits.GuardingTransformer).
        """
        if self.deadline is None:
            with limits.allocation_budget():
                yield
            return
        deadline = self.deadline
        sandbox_files = (SCRIPT_FILENAME, EXPRESSION_FILENAME)

        def local_trace(frame: Any, event: str, arg: Any) -> Any:
            if work_clock() > deadline:
                raise self._timeout(" (endless loop in a script?)")
            return local_trace

        def global_trace(frame: Any, event: str, arg: Any) -> Any:
            if frame.f_code.co_filename in sandbox_files:
                return local_trace(frame, event, arg)
            return None

        previous = sys.gettrace()
        sys.settrace(global_trace)
        try:
            with limits.allocation_budget():
                yield
        finally:
            sys.settrace(previous)

    def evaluate(self, expression: str, context: dict[str, Any]) -> Any:
        """The value of `expression`; raises SandboxViolation if it is too large to keep."""
        code = compile_source(expression.strip(), "eval")
        self.check_deadline()
        with self._traced():
            value = eval(code, self._globals(context))  # noqa: S307 - restricted bytecode
        limits.check_data_size(value, "the expression's value", stored=True)
        return value

    def execute(self, script: str, context: dict[str, Any],
                external: dict[str, Any] | None = None) -> None:
        """Run a script; its top-level variables replace the task data in `context`.

        Raises SandboxViolation if the data it leaves is too large to keep."""
        code = compile_source(script, "exec")
        self.check_deadline()
        scope = self._globals({**(external or {}), **context})
        injected = set(scope) - set(context)
        with self._traced():
            exec(code, scope)  # noqa: S102 - restricted bytecode
        result = {k: v for k, v in scope.items()
                  if k not in injected and not callable(v) and not isinstance(v, ModuleType)}
        limits.check_data_size(result, stored=True)
        context.clear()
        context.update(result)
