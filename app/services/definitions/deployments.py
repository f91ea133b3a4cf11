"""Deploying BPMN diagrams and their forms as versioned process definitions.

A process key gets a new version only when the content hash of its own files changed: its
BPMN file, the files of the processes it calls, the DMN tables and the forms its user tasks
name. Running instances stay on the version they started with.
"""
from __future__ import annotations

import ast
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from app import engine
from app.engine.parsing import operator_parameter_values, process_properties, process_property_lines
from app.errors import ConflictError, NotFoundError, ValidationError
from app.extensions import db
from app.formdefs import FormDef, form_file_names, schema_problem, summaries, titles
from app.formdefs.writes import shared_fields
from app.infra.uow import transaction
from app.models import ProcessDefinition
from app.rendering.catalogue import TEMPLATES
from app.roles import ROLES
from app.services.access.actors import SYSTEM, Actor
from app.services.definitions import definition_cache, start_guards
from app.services.definitions.operator_registry import CHILD_PROCESS, OPERATORS

ROOT = Path(__file__).resolve().parents[3]
FORM_PROPERTY = "formJsonSchemaFilename"  # the user task property naming its form (processes/EXTENSIONS.md)
PROCESS_KEY = re.compile(r"[a-z][a-z0-9_]{0,63}")  # a process key: its file stem, snake_case


class BundleInvalidError(ValidationError):
    """流程文件校验未通过。"""
    code = "bundle_invalid"

    def __init__(self, problems: list[engine.BundleProblem]):
        fields: dict[str, list[str]] = {}
        for p in problems:
            where = f"第{p.line}行：" if p.line else ""
            fields.setdefault(f"{p.file}#{p.element_id or ''}", []).append(f"[{p.code}] {where}{p.message}")
        super().__init__(fields=fields)
        self.problems = problems


@dataclass(frozen=True)
class Bundle:
    files: dict[str, bytes]   # *.bpmn, *.dmn, *.summary.json (the subject summary of a process)
    forms: dict[str, bytes]   # *.schema.json, *.ui.json


@dataclass(frozen=True)
class DeployOutcome:
    key: str
    version: int
    definition_id: int
    created: bool


def bundle_from_dirs(processes: Path = ROOT / "processes", forms: Path = ROOT / "forms") -> Bundle:
    files = {p.name: p.read_bytes() for p in sorted(processes.glob("*"))
             if p.suffix in (".bpmn", ".dmn") or summaries.is_summary_file(p.name)}
    form_files = {p.name: p.read_bytes() for p in sorted(forms.glob("*.json"))}
    return Bundle(files, form_files)


def _form_problems(bundle: Bundle) -> list[engine.BundleProblem]:
    problems = []
    for name, raw in bundle.forms.items():
        try:
            schema = json.loads(raw)
        except ValueError as exc:
            problems.append(engine.BundleProblem(name, None, exc.lineno if hasattr(exc, "lineno") else None,
                                                 "form_invalid", f"不是有效的 JSON：{exc}"))
            continue
        problem = None if name.endswith(".ui.json") else schema_problem(schema)
        if problem:
            problems.append(engine.BundleProblem(name, None, None, "form_invalid", problem))
    return problems


def _diagrams(files: dict[str, bytes]) -> dict[str, bytes]:
    """The files the engine reads (BPMN and DMN)."""
    return {n: b for n, b in files.items() if not summaries.is_summary_file(n)}


def _user_task_ids(bpmn: bytes) -> set[str]:
    from lxml import etree

    root = etree.fromstring(bpmn, parser=etree.XMLParser(resolve_entities=False, no_network=True))
    return {e.get("id") for e in root.iter("{*}userTask")}


def _task_forms(bpmn: bytes) -> set[str]:
    """The form files the user tasks of a diagram name."""
    from lxml import etree

    root = etree.fromstring(bpmn, parser=etree.XMLParser(resolve_entities=False, no_network=True))
    return {p.get("value") for task in root.iter("{*}userTask") for p in task.iter("{*}property")
            if p.get("name") == FORM_PROPERTY and p.get("value")}


def _field_problems(bundle: Bundle, diagrams: dict[str, bytes]) -> list[engine.BundleProblem]:
    """Two forms of one diagram writing the same field: the later one would overwrite the earlier."""
    problems = []
    for name, raw in diagrams.items():
        if not name.endswith(".bpmn"):
            continue
        forms = {}
        for form in _task_forms(raw):
            try:
                forms[form] = json.loads(bundle.forms[form])
            except (KeyError, ValueError):
                continue  # a missing or broken form is reported by the checks of forms
        problems += [engine.BundleProblem(
            name, None, None, "form_field_shared",
            f"表单 {'、'.join(names)} 都填写字段“{field}”：后提交的会覆盖先前的内容（案件数据只有一份），"
            "请给其中一个改名（同一步骤的可选办理人请共用一个表单）。")
            for field, names in shared_fields(forms).items()]
    return problems


def _summary_problems(bundle: Bundle, diagrams: dict[str, bytes]) -> list[engine.BundleProblem]:
    problems = []
    for name, raw in bundle.files.items():
        if not summaries.is_summary_file(name):
            continue
        key = summaries.key_of(name)
        if f"{key}.bpmn" not in bundle.files:
            problems.append(engine.BundleProblem(name, None, None, "summary_invalid", "没有同名的流程图。"))
            continue
        try:
            spec = json.loads(raw)
        except ValueError as exc:
            problems.append(engine.BundleProblem(name, None, None, "summary_invalid", f"不是有效的 JSON：{exc}"))
            continue
        problems += [engine.BundleProblem(name, None, None, "summary_invalid", p)
                     for p in summaries.problems(spec, _user_task_ids(diagrams[f"{key}.bpmn"]))]
    return problems


def _start_rule_problems(diagrams: dict[str, bytes]) -> list[engine.BundleProblem]:
    """The start rules a process declares (startSubject…) must name a known subject kind, its
    statuses and project roles."""
    problems = []
    for name, raw in diagrams.items():
        if name.endswith(".bpmn"):
            key = name.removesuffix(".bpmn")
            lines = process_property_lines(raw, key)
            problems += [engine.BundleProblem(name, key, lines.get(prop) or lines.get(""), "start_rule_invalid", p)
                         for prop, p in start_guards.rule_problems_by_property(process_properties(raw, key))]
    return problems


def _child_process_problems(diagrams: dict[str, bytes]) -> list[engine.BundleProblem]:
    """A `child_process` parameter names a process key as a string literal. Whether that process
    is deployed is asked when the case is opened (`process_not_deployed`): a chain may deploy
    before its child (the alarm chain records a pending order then)."""
    problems = []
    for name, raw in diagrams.items():
        if not name.endswith(".bpmn"):
            continue
        for element_id, value, line in operator_parameter_values(raw, CHILD_PROCESS):
            try:
                key = ast.literal_eval(value.strip())
            except (ValueError, SyntaxError):
                key = None
            if not isinstance(key, str) or not PROCESS_KEY.fullmatch(key):
                problems.append(engine.BundleProblem(name, element_id, line, "child_process_invalid",
                                                     f"{CHILD_PROCESS} 须写成带引号的流程标识，如 'rectification_order'。"))
    return problems


def _template_choices(expression: str) -> list[Any] | None:
    """The values a `template` parameter can take when the diagram writes them out: a literal, or
    a conditional (`'a' if … else 'b'`) of literals; None for any other expression (checked when
    the notice is issued: `template_unknown`)."""
    try:
        node = ast.parse(expression.strip(), mode="eval").body
    except SyntaxError:
        return None
    choices: list[Any] = []
    pending = [node]
    while pending:
        node = pending.pop()
        if isinstance(node, ast.IfExp):
            pending += [node.body, node.orelse]
        elif isinstance(node, ast.Constant):
            choices.append(node.value)
        else:
            return None
    return choices


def _template_problems(diagrams: dict[str, bytes]) -> list[engine.BundleProblem]:
    """The notice a diagram issues (issue_document's `template`), when written out, is a notice of
    documents/ (a `<name>.html` with its `<name>.json`)."""
    problems = []
    for name, raw in diagrams.items():
        if not name.endswith(".bpmn"):
            continue
        for element_id, value, line in operator_parameter_values(raw, "template"):
            unknown = [c for c in _template_choices(value) or () if not (isinstance(c, str) and c in TEMPLATES)]
            if unknown:
                problems.append(engine.BundleProblem(name, element_id, line, "template_unknown",
                                                     f"没有名为 {unknown[0]!r} 的文书模板（documents/ 下须有同名的 .html 与 .json）。"))
    return problems


def validate(bundle: Bundle) -> list[engine.BundleProblem]:
    """Every problem of the bundle (empty when it can be deployed)."""
    diagrams = _diagrams(bundle.files)
    problems = engine.validate_bundle(diagrams, known_roles=set(ROLES), operators=set(OPERATORS),
                                      form_exists=lambda name: name in bundle.forms)
    if problems:
        return problems + _form_problems(bundle)
    return problems + _form_problems(bundle) + _field_problems(bundle, diagrams) \
        + _summary_problems(bundle, diagrams) + _start_rule_problems(diagrams) + _child_process_problems(diagrams) \
        + _template_problems(diagrams)


def _own_files(key: str, compiled: engine.CompiledProcess, bundle: Bundle) -> tuple[dict, dict]:
    stems = {key, *compiled.called_processes}
    files = {n: b for n, b in bundle.files.items() if n.endswith(".dmn") or Path(n).stem in stems
             or n == summaries.file_name(key)}
    forms = {}
    for task in compiled.user_tasks:
        # a form's own `<base>.ui.json` rides along too: `form_of` uses it when the task names none
        partner = form_file_names(task["form"])[1] if task.get("form") else None
        for name in (task.get("form"), task.get("ui_form"), partner):
            if name and name in bundle.forms:
                forms[name] = bundle.forms[name]
    return files, forms


def deploy(bundle: Bundle, actor: Actor = SYSTEM, keys: list[str] | None = None,
           only_files: set[str] | None = None) -> list[DeployOutcome]:
    """Validate, then store a new version of each process whose files changed.

    `only_files` limits the problems that block the deployment to those files (a designer's
    upload is not blocked by a problem in a diagram he did not touch).
    Raises BundleInvalidError (422, every problem with file, element and line) or ConflictError
    when a concurrent deployment took the same version number.
    """
    problems = [p for p in validate(bundle) if only_files is None or p.file in only_files]
    if problems:
        raise BundleInvalidError(problems)
    wanted = keys or sorted(Path(n).stem for n in bundle.files if n.endswith(".bpmn"))
    outcomes = []
    try:
        with transaction(actor):
            for key in wanted:
                outcomes.append(_deploy_one(key, bundle, actor))
    except IntegrityError as exc:
        raise ConflictError("同一流程正在被并发部署，请重试。", code="deployment_conflict") from exc
    return outcomes


def _deploy_one(key: str, bundle: Bundle, actor: Actor) -> DeployOutcome:
    compiled = engine.compile_process(key, _diagrams(bundle.files))
    files, forms = _own_files(key, compiled, bundle)
    digest = engine.content_hash(files, forms)
    latest = latest_definition(key)
    if latest is not None and latest.content_hash == digest:
        return DeployOutcome(key, latest.version, latest.id, created=False)
    sources = {n: b.decode("utf-8") for n, b in {**files, **forms}.items()}
    definition = ProcessDefinition(
        key=key, version=(latest.version + 1) if latest else 1, content_hash=digest,
        spec_json=compiled.spec_json, sources=sources, title=_title(bundle.files.get(f"{key}.bpmn"), key),
        user_tasks=compiled.user_tasks, message_starts=compiled.message_starts, deployed_by=actor.username)
    db.session.add(definition)
    db.session.flush()
    return DeployOutcome(key, definition.version, definition.id, created=True)


def _title(bpmn: bytes | None, key: str) -> str:
    from lxml import etree

    if not bpmn:
        return key
    root = etree.fromstring(bpmn, parser=etree.XMLParser(resolve_entities=False, no_network=True))
    for element in root.iter("{*}process"):
        if element.get("id") == key and element.get("name"):
            return element.get("name")
    return key


def summary_of(definition: ProcessDefinition) -> dict | None:
    """The subject summary deployed with this definition version (None without one)."""
    return summaries.parse(definition_cache.sources(definition).get(summaries.file_name(definition.key)))


_choice_labels: dict[tuple[int, str, bool], dict[str, dict[str, str]]] = {}


def choice_labels_of(definition: ProcessDefinition, english: bool = False) -> dict[str, dict[str, str]]:
    """{field: {stored value: label}} of the forms deployed with this version, for showing a
    case's coded values as the words its forms offered, in their English when `english`
    (cached like the blobs: a version never changes)."""
    key = (definition.id, definition.content_hash, english)
    found = _choice_labels.get(key)
    if found is None:
        if len(_choice_labels) >= 2 * definition_cache.SIZE:
            _choice_labels.clear()
        found = _choice_labels[key] = titles.choices_in(definition_cache.sources(definition), english)
    return found


def latest_definition(key: str, version: int | None = None) -> ProcessDefinition | None:
    """Version `version` of `key` (the newest when None), or None."""
    stmt = select(ProcessDefinition).where(ProcessDefinition.key == key)
    stmt = stmt.where(ProcessDefinition.version == version) if version else stmt
    return db.session.scalar(stmt.order_by(ProcessDefinition.version.desc()).limit(1))


def latest_titles() -> dict[str, str]:
    """Process key → the name its newest deployed diagram gives the process (what people read)."""
    newest = select(ProcessDefinition.key, func.max(ProcessDefinition.version).label("v")) \
        .group_by(ProcessDefinition.key).subquery()
    rows = db.session.execute(select(ProcessDefinition.key, ProcessDefinition.title).join(
        newest, (newest.c.key == ProcessDefinition.key) & (newest.c.v == ProcessDefinition.version)))
    return {key: title or key for key, title in rows}


def require_latest(key: str) -> ProcessDefinition:
    definition = latest_definition(key)
    if definition is None:
        raise NotFoundError("流程未部署。", code="process_not_deployed")
    return definition


def form_of(definition: ProcessDefinition, name: str | None, ui_name: str | None = None) -> FormDef | None:
    """The form (schema + ui) as deployed with this definition version.

    `name` is the exact file named by the task's formJsonSchemaFilename; without an explicit
    ui file, `<base>.ui.json` is used when it was deployed.
    """
    if not name:
        return None
    sources = definition_cache.sources(definition)
    text = sources.get(name)
    if text is None:
        return None
    ui_file = ui_name or form_file_names(name)[1]
    ui = sources.get(ui_file)
    return FormDef(name, json.loads(text), json.loads(ui) if ui else None)


def definitions_by_message(name: str) -> ProcessDefinition | None:
    """The newest definition that starts on message `name`."""
    newest = select(ProcessDefinition.key, func.max(ProcessDefinition.version).label("v")) \
        .group_by(ProcessDefinition.key).subquery()
    rows = db.session.scalars(select(ProcessDefinition).join(
        newest, (newest.c.key == ProcessDefinition.key) & (newest.c.v == ProcessDefinition.version)))
    return next((d for d in rows if name in (d.message_starts or [])), None)
