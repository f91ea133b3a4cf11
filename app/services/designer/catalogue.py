"""What the designer's properties panel offers and checks: the operator catalogue (names,
Chinese summaries, parameters with types and help), the roles a lane may name, the forms a user
task may use, and expressions/scripts compiled by the engine's sandbox as the designer types,
with the reasons in Chinese or English."""
from __future__ import annotations

from dataclasses import asdict
from typing import Any

from sqlalchemy import select

from app import engine
from app.domain import vocabulary
from app.errors import ValidationError
from app.extensions import db
from app.formdefs.messages import Said
from app.models import ProcessDefinition
from app.roles import ENTERPRISE_ROLES, ROLES
from app.services.access.actors import Actor
from app.services.access.permissions import require_any_role
from app.services.definitions import deployments, start_guards
from app.services.definitions.operator_registry import operator_catalogue
from app.services.designer import problem_words

MAX_ITEMS = 2000
MAX_KEY = 200
MAX_SOURCE = 100_000
KINDS = {"expression": "eval", "script": "exec"}


def operators(actor: Actor) -> list[dict[str, Any]]:
    """Every operator a service task may name, with its parameters (process designers)."""
    require_any_role(actor, "process_designer")
    return [asdict(info) for info in operator_catalogue()]


def modeler_catalogue(actor: Actor, lang: str = "zh", own_forms: list[str] | tuple[str, ...] = ()) -> dict[str, Any]:
    """Roles (lane names), form files (forms/ and the process's own, `own_forms`) and the deployed
    process keys a call activity may call, for the modeler page, labelled in `lang` (its operators
    come from the API's catalogue, `operators`)."""
    require_any_role(actor, "process_designer")
    keys = db.session.scalars(select(ProcessDefinition.key).distinct().order_by(ProcessDefinition.key))
    return {
        "roles": [{"code": r.code, "label": vocabulary.word(r.code, "role", lang)} for r in ROLES.values()],
        "forms": sorted(set(deployments.bundle_from_dirs().forms)
                        | {f for f in own_forms if f.endswith(".json") and not f.endswith(".summary.json")}),
        "processes": list(keys),
        # what a process's start rule may name (processes/EXTENSIONS.md, "Start rules")
        "subjects": [{"code": code, "label": _subject_word(code, guard.label, lang),
                      "statuses": [{"code": s, "label": vocabulary.word(s, "work_status", lang) if lang == "en" else w}
                                   for s, w in guard.statuses.items()]}
                     for code, guard in sorted(start_guards.GUARDS.items())],
        "projectRoles": sorted(ENTERPRISE_ROLES),
    }


def _subject_word(code: str, label: str, lang: str) -> str:
    """The guard's own (Chinese) label; in English the vocabulary's word for the subject."""
    return vocabulary.word(code, "subject", lang) if lang == "en" else label


AT_LINE = ("第 {line} 行：", "Line {line}: ")


def _reason(exc: engine.SandboxCompileError, kind: str, lang: str = "zh") -> str:
    """Why the sandbox refused a source, in the designer's language, with its line when known."""
    key, name = exc.reason
    where = AT_LINE[lang == "en"].format(line=exc.line) if exc.line and key not in ("too_long", "too_deep") else ""
    return where + problem_words.sandbox_reason(key, name, kind, lang)


def check_sources(actor: Actor, items: list[dict[str, Any]], lang: str = "zh") -> list[dict[str, Any]]:
    """Compile each `{key, kind: expression|script, source}` in the sandbox: `{key, ok, message,
    line}` per item, `message` in Chinese (English when `lang` is "en"). Raises ValidationError(`check_invalid`)."""
    require_any_role(actor, "process_designer")
    if not isinstance(items, list) or len(items) > MAX_ITEMS:
        raise ValidationError(Said(f"请提交不超过 {MAX_ITEMS} 项的列表。", f"Send a list of at most {MAX_ITEMS} items."),
                              code="check_invalid")
    results = []
    for item in items:
        if not isinstance(item, dict) or item.get("kind") not in KINDS or not isinstance(item.get("source"), str) \
                or len(item["source"]) > MAX_SOURCE or not isinstance(item.get("key", ""), str) \
                or len(item.get("key", "")) > MAX_KEY:
            raise ValidationError("每一项须有 key、kind（expression 或 script）和 source。", code="check_invalid")
        key = item.get("key", "")
        try:
            engine.compile_source(item["source"], KINDS[item["kind"]])
        except engine.SandboxCompileError as exc:
            results.append({"key": key, "ok": False, "message": _reason(exc, item["kind"], lang), "line": exc.line})
        else:
            results.append({"key": key, "ok": True, "message": "", "line": None})
    return results
