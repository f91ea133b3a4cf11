"""What process designers do: list versions, validate and deploy uploaded diagrams and forms."""
from __future__ import annotations

import json
from dataclasses import replace
from pathlib import PurePosixPath
from typing import Protocol

from lxml import etree
from sqlalchemy import select

from app import engine
from app.errors import DomainError, ValidationError
from app.extensions import db
from app.formdefs import SCHEMA_SUFFIX, UI_SUFFIX, form_file_names, summaries
from app.formdefs.english import EN_KEY, texts
from app.models import ProcessDefinition
from app.services.access.actors import Actor
from app.services.access.permissions import require_any_role
from app.services.definitions import deployments
from app.services.designer import problem_words
from app.services.designer.diagram_check import missing_di

MAX_FILE_BYTES = 2 * 1024 * 1024
ALLOWED = (".bpmn", ".dmn", ".json")


class UploadedFile(Protocol):
    filename: str | None

    def read(self, size: int = -1) -> bytes: ...


def list_definitions(actor: Actor) -> list[ProcessDefinition]:
    """Every deployed version, newest first (officials and designers)."""
    if not actor.jurisdiction_paths and not actor.is_admin:
        require_any_role(actor, "process_designer")
    return list(db.session.scalars(select(ProcessDefinition).order_by(
        ProcessDefinition.key, ProcessDefinition.version.desc())))


def _read_upload(files: list[UploadedFile]) -> deployments.Bundle:
    if not files:
        raise ValidationError("请上传至少一个流程文件。", code="upload_empty")
    base = deployments.bundle_from_dirs()
    bpmn, forms, problems = dict(base.files), dict(base.forms), {}
    for f in files:
        name = PurePosixPath(f.filename or "").name
        data = f.read(MAX_FILE_BYTES + 1)
        if not name.endswith(ALLOWED):
            problems.setdefault(name or "?", []).append("只接受 .bpmn、.dmn 和 .json 表单文件。")
        elif len(data) > MAX_FILE_BYTES:
            problems.setdefault(name, []).append("文件超过 2 MB。")
        elif name.endswith((".bpmn", ".dmn")) or summaries.is_summary_file(name):
            bpmn[name] = data
        else:
            forms[name] = data
    if problems:
        raise ValidationError("上传的文件不符合要求。", code="upload_invalid", fields=problems)
    return deployments.Bundle(bpmn, forms)


def _names(files: list[UploadedFile]) -> set[str]:
    return {PurePosixPath(f.filename or "").name for f in files}


def _uploaded_keys(files: list[UploadedFile]) -> list[str]:
    return sorted({PurePosixPath(f.filename or "").stem for f in files if (f.filename or "").endswith(".bpmn")})


def _drawing_problems(bundle: deployments.Bundle, names: set[str]) -> list[engine.BundleProblem]:
    """A diagram the modeler cannot draw (no shapes, or elements without shape/edge) is not deployed."""
    problems = []
    for name in sorted(names):
        if name.endswith(".bpmn") and name in bundle.files:
            try:
                missing = missing_di(bundle.files[name])
            except etree.XMLSyntaxError:
                continue  # the bundle validation reports unreadable XML with its line
            problems += [engine.BundleProblem(name, element, line, "diagram_incomplete", message)
                         for element, line, message in missing]
    return problems


MAX_NAMED = 8  # texts named in one problem (the rest counted)


def _english_problems(bundle: deployments.Bundle, names: set[str]) -> list[engine.BundleProblem]:
    """An uploaded form whose texts lack their English (its UI schema's "ui:en") is not deployed:
    English pages would show its Chinese (tests/unit/test_form_english.py holds forms/ to the same)."""
    problems = []
    schemas = sorted({form_file_names(n.removesuffix(UI_SUFFIX))[0] for n in names if n.endswith((SCHEMA_SUFFIX, UI_SUFFIX))})
    for name in schemas:
        ui_name = form_file_names(name)[1]
        try:
            schema = json.loads(bundle.forms[name])
            ui = json.loads(bundle.forms[ui_name]) if ui_name in bundle.forms else {}
        except (KeyError, ValueError):
            continue  # a missing or unreadable form is reported by the bundle's own checks
        english = ui.get(EN_KEY) if isinstance(ui, dict) else None
        missing = sorted(texts(schema, ui if isinstance(ui, dict) else {}) - set(english if isinstance(english, dict) else {}))
        if missing and isinstance(schema, dict):
            problems.append(engine.BundleProblem(ui_name if ui_name in names else name, None, None, "form_english_missing",
                                                 f"表单文字缺少英文（{EN_KEY}）：{_named(missing)}。"))
    return problems


def _named(missing: list[str]) -> str:
    return "、".join(f"“{t}”" for t in missing[:MAX_NAMED]) + (f" 等 {len(missing)} 处" if len(missing) > MAX_NAMED else "")


def _summary_english_problems(bundle: deployments.Bundle, names: set[str]) -> list[engine.BundleProblem]:
    """An uploaded summary whose labels and templates lack their English (its `en` map) is not
    deployed: inboxes and task pages in English would show its Chinese (tests/unit/
    test_process_summaries.py holds processes/ to the same, with the diagrams' task names, which
    the modeler gives no place to put in English: those are not refused here)."""
    problems = []
    for name in sorted(n for n in names if summaries.is_summary_file(n) and n in bundle.files):
        try:
            spec = json.loads(bundle.files[name])
        except ValueError:
            continue  # reported as summary_invalid by the bundle's own checks
        tasks = spec.get("tasks") if isinstance(spec, dict) else None
        if summaries.problems(spec, set(tasks) if isinstance(tasks, dict) else set()):
            continue  # idem
        missing = sorted(t for t in summaries.texts(spec) if summaries.english_of(spec, t) == t)
        if missing:
            problems.append(engine.BundleProblem(name, None, None, "summary_english_missing",
                                                 f"摘要文字缺少英文（{summaries.EN_KEY}）：{_named(missing)}。"))
    return problems


def validate_upload(actor: Actor, files: list[UploadedFile], lang: str = "zh") -> list[dict]:
    """Problems of the uploaded files checked together with the deployed ones ([] when fine),
    worded in `lang` (zh, or en: `problem_words`; the engine's English checks in Chinese for zh),
    each with its stable `code` and, for a library's finding (sandbox, timer, XML, XSD, parser),
    its `reason`."""
    require_any_role(actor, "process_designer")
    names = _names(files)
    try:
        bundle = _read_upload(files)
    except DomainError as exc:
        raise _worded(exc, lang) from None
    problems = [p for p in deployments.validate(bundle) if p.file in names] + _drawing_problems(bundle, names) \
        + _english_problems(bundle, names) + _summary_english_problems(bundle, names)
    return [{"file": p.file, "element_id": p.element_id, "line": p.line, "code": p.code, "reason": p.reason,
             "message": problem_words.problem_message(p, lang)} for p in problems]


def deploy_upload(actor: Actor, files: list[UploadedFile], lang: str = "zh") -> list[deployments.DeployOutcome]:
    """Deploy the uploaded diagrams (forms ride along).

    Raises BundleInvalidError with every problem (worded in `lang`); a diagram without complete
    diagram interchange (the modeler would show it blank) is refused as `diagram_incomplete`,
    a form whose texts lack their English as `form_english_missing`, a summary whose texts lack
    theirs as `summary_english_missing`, before anything else.
    """
    require_any_role(actor, "process_designer")
    try:
        keys = _uploaded_keys(files)
        bundle = _read_upload(files)
        if not keys:
            raise ValidationError("请至少上传一个 .bpmn 流程文件。", code="upload_no_diagram")
        names = _names(files)
        drawing = _drawing_problems(bundle, names) + _english_problems(bundle, names) \
            + _summary_english_problems(bundle, names)
        if drawing:
            raise deployments.BundleInvalidError(drawing)
        return deployments.deploy(bundle, actor, keys=keys, only_files=_names(files))
    except deployments.BundleInvalidError as exc:
        worded = deployments.BundleInvalidError([replace(p, message=problem_words.problem_message(p, lang))
                                                 for p in exc.problems])
        raise _worded(worded, lang) from None
    except DomainError as exc:
        raise _worded(exc, lang) from None


def _worded(exc: DomainError, lang: str) -> DomainError:
    """The refusal itself, its message and field messages said in `lang`."""
    if lang == "en":
        exc.message = problem_words.sentence_in_english(exc.message)
    exc.fields = problem_words.fields_in(exc.fields, lang)
    return exc
