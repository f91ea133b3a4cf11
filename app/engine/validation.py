"""Validate a bundle before deployment: XSD, then our semantic rules, then the library's parser.

Every problem names the file, the element id and the line, so the designer (and `flask
processes validate`) can point at the exact place. Semantic checks walk the lxml tree, which
knows `sourceline`; parser errors without a line get it back from the element id.
"""
from __future__ import annotations

import copy
import keyword
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import PurePosixPath
from typing import Any

from lxml import etree
from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException
from SpiffWorkflow.spiff.parser.process import VALIDATOR

from .errors import INTERPRETER_EXIT, SandboxViolation, ScriptTimeout
from .parsing import (
    CANDIDATE_USER_PROPERTY,
    FORM_PROPERTY,
    REVIEWS_PROPERTY,
    UI_FORM_PROPERTY,
    DoctypeRefusedError,
    build_parser,
    parse_xml,
)
from .sandbox import Sandbox, SandboxCompileError, compile_source
from .timer_clock import check_timer_value

NS = {"bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL",
      "spiffworkflow": "http://spiffworkflow.org/bpmn/schema/1.0/core",
      "dmn": "https://www.omg.org/spec/DMN/20191111/MODEL/"}
# Unquoted ISO values are parsed as Python names/numbers: the classic "P3D" trap.
_BARE_ISO = re.compile(r"^\s*(R\d*/)?(P[0-9TWYMDHS.,]+|\d{4}-\d{2}-\d{2}\S*)\s*$", re.I)
_EXPRESSION_PROPERTIES = ("dueIn",)
# Timer expressions are evaluated here, inside a web request: the same sandbox limits as a run,
# and a deadline of their own so that a designer's upload never holds the server.
EXPRESSION_TIME_BUDGET = 0.5
_BPMN_TAG = "{" + NS["bpmn"] + "}"


@dataclass(frozen=True)
class BundleProblem:
    """One problem; `message` is the check's own sentence. Problems whose text comes from a
    library (sandbox, timers, XML, XSD, the parser) also carry a stable `reason` and its `values`,
    from which the designer words them in Chinese or English (designer/problem_words.py)."""
    file: str
    element_id: str | None
    line: int | None
    code: str
    message: str
    reason: str = ""
    values: tuple[tuple[str, str], ...] = ()


def _owner_id(node: Any) -> str | None:
    """Nearest BPMN element id (spiffworkflow:parameter/operator ids are not element ids)."""
    while node is not None and (node.get("id") is None or not str(node.tag).startswith(_BPMN_TAG)):
        node = node.getparent()
    return None if node is None else node.get("id")


def _problem(file: str, node: Any, code: str, message: str, line: int | None = None, reason: str = "",
             **values: str) -> BundleProblem:
    return BundleProblem(file, _owner_id(node), line or node.sourceline, code, message, reason,
                         tuple(sorted(values.items())))


def _check_code(file: str, node: Any, mode: str, text: str | None = None,
                what: str = "expression") -> Iterator[BundleProblem]:
    """`what` names the source for the designer: script, condition or expression."""
    text = ((node.text if text is None else text) or "").strip()
    if not text:
        return
    try:
        compile_source(text, mode)
    except SandboxCompileError as exc:
        line = node.sourceline + (exc.line - 1 if exc.line and mode == "exec" else 0)
        reason, name = exc.reason
        yield _problem(file, node, exc.code, f"{exc.message}: {text[:80]!r}", line, f"sandbox_{reason}",
                       what=what, name=name, source=text[:80])


def _check_scripts(file: str, root: Any) -> Iterator[BundleProblem]:
    for node in root.xpath(".//bpmn:scriptTask/bpmn:script | .//spiffworkflow:preScript"
                           " | .//spiffworkflow:postScript", namespaces=NS):
        yield from _check_code(file, node, "exec", what="script")
    for node in root.xpath(".//bpmn:conditionExpression | .//bpmn:completionCondition"
                           " | .//bpmn:loopCardinality | .//bpmn:loopCondition", namespaces=NS):
        yield from _check_code(file, node, "eval", what="condition")


def _check_timers(file: str, root: Any, now: datetime) -> Iterator[BundleProblem]:
    for node in root.xpath(".//bpmn:timerEventDefinition/*", namespaces=NS):
        kind, text = etree.QName(node).localname, (node.text or "").strip()
        if _BARE_ISO.match(text):
            yield _problem(file, node, "timer_invalid", f"{kind} {text!r} must be quoted: '\"{text}\"'",
                           reason="timer_not_quoted", kind=kind, value=text[:80])
            continue
        sandbox = Sandbox(now, EXPRESSION_TIME_BUDGET)
        try:
            check_timer_value(kind, sandbox.evaluate(text, {}), now)
        except NameError:
            pass  # reads process variables: checked when the timer arms
        except SandboxCompileError as exc:
            yield _problem(file, node, "timer_invalid", f"{kind} {text!r}: {exc.message}",
                           reason=f"timer_sandbox_{exc.reason[0]}", kind=kind, value=text[:80], name=exc.reason[1])
        except INTERPRETER_EXIT:
            raise
        except BaseException as exc:
            reason, detail = _describe(exc)
            yield _problem(file, node, "timer_invalid", f"{kind} {text[:80]!r}: {detail}",
                           reason=reason, kind=kind, value=text[:80])


def _describe(exc: BaseException) -> tuple[str, str]:
    """The reason of a timer value that failed when evaluated, and the engine's detail."""
    if isinstance(exc, ScriptTimeout):
        return "timer_too_slow", f"time_budget_exceeded: {exc}"
    if isinstance(exc, SandboxViolation):
        return "timer_unsafe", f"script_unsafe: {exc}"
    return "timer_value_invalid", f"{type(exc).__name__}: {exc}"


def _properties(task: Any) -> dict[str, Any]:
    return {p.get("name"): p for p in task.xpath(".//spiffworkflow:property", namespaces=NS)}


def _check_variable_name(file: str, prop: Any) -> Iterator[BundleProblem]:
    """A property naming a task-data variable must be a plain identifier (no expression)."""
    value = (prop.get("value") or "").strip()
    if not value.isidentifier() or keyword.iskeyword(value) or value.startswith("_"):
        yield _problem(file, prop, "property_invalid",
                       f"{prop.get('name')} {value!r} must name a task-data variable")


def _check_reviews(file: str, task: Any, prop: Any) -> Iterator[BundleProblem]:
    """`reviews` names other user tasks of the same process, comma separated (whose completers
    are excluded)."""
    process = next((p for p in task.iterancestors() if etree.QName(p).localname == "process"), task)
    others = {t.get("id") for t in process.xpath(".//bpmn:userTask", namespaces=NS)} - {task.get("id")}
    for value in [v.strip() for v in (prop.get("value") or "").split(",")] or [""]:
        if value not in others:
            yield _problem(file, prop, "property_invalid",
                           f"{REVIEWS_PROPERTY} {value!r} must name another user task of this process")


def _check_tasks(file: str, root: Any, operators: set[str],
                 form_exists: Callable[[str], bool]) -> Iterator[BundleProblem]:
    in_lane = {ref.text for ref in root.xpath(".//bpmn:flowNodeRef", namespaces=NS)}
    for task in root.xpath(".//bpmn:userTask", namespaces=NS):
        props = _properties(task)
        if REVIEWS_PROPERTY in props:
            yield from _check_reviews(file, task, props[REVIEWS_PROPERTY])
        if FORM_PROPERTY not in props:
            yield _problem(file, task, "form_missing", f"user task names no {FORM_PROPERTY}")
        for name in (FORM_PROPERTY, UI_FORM_PROPERTY):
            value = props[name].get("value") if name in props else None
            if value is not None and not form_exists(value):
                yield _problem(file, props[name], "form_missing", f"form {value!r} does not exist")
        for name in _EXPRESSION_PROPERTIES:
            if name in props:
                yield from _check_code(file, props[name], "eval", props[name].get("value"))
        if CANDIDATE_USER_PROPERTY in props:
            yield from _check_variable_name(file, props[CANDIDATE_USER_PROPERTY])
        if root.xpath(".//bpmn:lane", namespaces=NS) and task.get("id") not in in_lane:
            yield _problem(file, task, "lane_missing", "user task is in no lane (no role)")
    for task in root.xpath(".//bpmn:serviceTask", namespaces=NS):
        operator = task.xpath(".//spiffworkflow:serviceTaskOperator", namespaces=NS)
        if not operator or operator[0].get("id") not in operators:
            name = operator[0].get("id") if operator else None
            yield _problem(file, operator[0] if operator else task, "operator_unknown",
                           f"service task operator {name!r} is not registered")
        for param in task.xpath(".//spiffworkflow:parameter", namespaces=NS):
            yield from _check_code(file, param, "eval", param.get("value"))


def _check_lanes_and_ids(file: str, root: Any, known_roles: set[str]) -> Iterator[BundleProblem]:
    for lane in root.xpath(".//bpmn:lane", namespaces=NS):
        if lane.get("name") not in known_roles:
            yield _problem(file, lane, "lane_unknown_role",
                           f"lane name {lane.get('name')!r} is not a known role code")
    stem = PurePosixPath(file).stem
    for process in root.xpath(".//bpmn:process", namespaces=NS):
        if process.get("isExecutable", "true") == "true" and process.get("id") != stem:
            yield _problem(file, process, "process_id_mismatch",
                           f"executable process id {process.get('id')!r} must equal the file stem {stem!r}")


def _xsd_problems(file: str, root: Any) -> list[BundleProblem]:
    tree = copy.deepcopy(root)
    VALIDATOR.preprocess(tree)
    if VALIDATOR.validator.validate(tree):
        return []
    by_line = {}
    for node in root.iter():
        if node.get("id") is not None and str(node.tag).startswith(_BPMN_TAG):
            by_line.setdefault(node.sourceline, node.get("id"))
    return [BundleProblem(file, by_line.get(error.line), error.line, "bpmn_xsd_invalid", error.message,
                          *_xsd_reason(error.message)) for error in VALIDATOR.validator.error_log]


_PREFIXES = {"http://www.omg.org/spec/BPMN/20100524/MODEL": "bpmn", "http://www.omg.org/spec/BPMN/20100524/DI": "bpmndi",
             "http://www.omg.org/spec/DD/20100524/DI": "di", "http://www.omg.org/spec/DD/20100524/DC": "dc",
             NS["spiffworkflow"]: "spiffworkflow"}
_XSD_ELEMENT = r"^Element '(?P<element>[^']+)'"
# lxml's schema messages by kind; anything else is `xsd_invalid` with the library's text.
_XSD_REASONS = [(reason, re.compile(_XSD_ELEMENT + pattern)) for reason, pattern in (
    ("xsd_element_unexpected", r": This element is not expected\."),
    ("xsd_attribute_not_allowed", r", attribute '(?P<attribute>[^']+)': The attribute '[^']+' is not allowed\."),
    ("xsd_attribute_missing", r": The attribute '(?P<attribute>[^']+)' is required but missing\."),
    ("xsd_value_invalid", r", attribute '(?P<attribute>[^']+)': '(?P<value>[^']*)' is not a valid value"),
    ("xsd_child_missing", r": Missing child element\(s\)\."),
    ("xsd_text_not_allowed", r": Character content other than whitespace is not allowed"),
    ("xsd_invalid", r""),
)]


def _short_name(name: str) -> str:
    """`{namespace}local` as the prefix:local a designer reads in the file."""
    qname = etree.QName(name) if name.startswith("{") else None
    return f"{_PREFIXES.get(qname.namespace, qname.namespace)}:{qname.localname}" if qname else name


def _xsd_reason(message: str) -> tuple[str, tuple[tuple[str, str], ...]]:
    for reason, pattern in _XSD_REASONS:
        if match := pattern.match(message):
            values = {k: _short_name(v) if k == "element" else v[:80] for k, v in match.groupdict().items()}
            return reason, tuple(sorted({**values, "detail": message[:300]}.items()))
    return "xsd_invalid", (("detail", message[:300]), ("element", ""))


def _parser_problems(files: dict[str, bytes], lines: dict[str, dict[str, int]]) -> list[BundleProblem]:
    def problem(exc: Exception) -> BundleProblem:
        file, element = getattr(exc, "file_name", "") or "", getattr(exc, "id", "") or None
        line = getattr(exc, "line_number", None) or lines.get(file, {}).get(element or "")
        return BundleProblem(file, element, line or None, "bpmn_invalid", str(exc), "parser_refused",
                             (("detail", str(exc)[:300]),))
    try:
        parser = build_parser(files, validate_xsd=False)
        for process_id in parser.get_process_ids():
            parser.get_subprocess_specs(process_id)
    except ValidationException as exc:
        return [problem(exc)]
    except Exception as exc:  # the parser also raises plain errors (e.g. unsupported events)
        detail = f"{type(exc).__name__}: {exc}"
        return [BundleProblem("", None, None, "bpmn_invalid", detail, "parser_failed", (("detail", detail[:300]),))]
    return []


def validate_bundle(files: dict[str, bytes], *, known_roles: set[str], operators: set[str],
                    form_exists: Callable[[str], bool],
                    now: datetime | None = None) -> list[BundleProblem]:
    """All problems of the bundle (empty list = deployable), sorted by file and line."""
    now = now or datetime.now(UTC)
    problems: list[BundleProblem] = []
    lines: dict[str, dict[str, int]] = {}
    for file, data in sorted(files.items()):
        try:
            root = parse_xml(data)
        except DoctypeRefusedError as exc:
            problems.append(BundleProblem(file, None, None, exc.code, exc.message, "xml_doctype"))
            continue
        except etree.XMLSyntaxError as exc:
            problems.append(BundleProblem(file, None, exc.lineno, "bpmn_xsd_invalid", str(exc), "xml_syntax",
                                          (("detail", str(exc)[:300]),)))
            continue
        lines[file] = {n.get("id"): n.sourceline for n in root.iter() if n.get("id") is not None}
        if file.lower().endswith(".bpmn"):
            problems.extend(_xsd_problems(file, root))
            problems.extend(_check_lanes_and_ids(file, root, known_roles))
            problems.extend(_check_tasks(file, root, operators, form_exists))
            problems.extend(_check_scripts(file, root))
            problems.extend(_check_timers(file, root, now))
    if not any(p.code in ("bpmn_xsd_invalid", "xml_doctype_refused") for p in problems):
        problems.extend(_parser_problems(files, lines))
    return sorted(problems, key=lambda p: (p.file, p.line or 0, p.code))
