"""Words, not codes: the Jinja filters that print codes, case data and times as people read them."""
from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from flask_babel import get_locale

from app.domain import vocabulary
from app.formdefs.titles import choice_label, field_title
from app.web import bp
from app.web.common import local_time
from app.web.i18n import in_language

# Timeline events of the engine's own bookkeeping: designers and administrators see them.
ENGINE_EVENTS = frozenset({"operator_called", "message_thrown", "message_caught", "candidate_fallback",
                           "binding_fallback", "message_unrouted"})
# Keys of event data that only the engine reads (ids, element ids, correlation keys).
ENGINE_KEYS = frozenset({"element_id", "task_id", "task_spec", "instance_id", "inbox_task_id", "operator",
                         "params", "correlation", "correlations", "idempotency_key", "document_id",
                         "urging_instance_id", "incident_id", "sha256", "storage_key", "template",
                         "bpmn_task_id", "name", "payload",
                         # the candidate ids a draw is replayed with (the technical view keeps them)
                         "candidate_projects", "candidate_experts", "candidates", "expert_id",
                         "enterprise_id", "user_id", "from_version", "to_version",
                         # the case data's count of the engine's tasks (case_sync: long loops restart)
                         "task_count",
                         # a review_conflict's reviewed task ids and authors' logins (its incident says them in words)
                         "reviews", "authors"})
ISO_MOMENT = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?$")


def _lang() -> str:
    return str(get_locale() or "zh")


def sees_engine(actor: Any) -> bool:
    """The technical view (engine internals on case pages) is for designers and administrators."""
    return bool(actor) and (actor.is_admin or actor.has_role("process_designer"))


@bp.app_template_filter("words")
def words(code: Any, group: str | None = None) -> str:
    return vocabulary.word(None if code is None else str(code), group, _lang())


@bp.app_template_filter("with_unit")
def with_unit(code: Any) -> str:
    """A metric's or a rule parameter's name with its unit, in the page's language."""
    return vocabulary.metric_with_unit(str(code), _lang())


@bp.app_template_filter("said")
@bp.app_template_filter("tr")
def tr(text: Any) -> str:
    """A text a service or a table handed over in Chinese — a validation message, a refusal — in
    the page's language: its own English (app.formdefs.messages.Said), else the catalogue's (a
    plain string: escaped like any value, unlike the Markup of `_()`, so it may hold what people
    typed). `said` is the same filter under the name the message templates use."""
    return "" if text is None else in_language(text)


@bp.app_template_filter("field_word")
def field_word(name: Any, own: tuple | None = None) -> str:
    """A key of case data in words: the title its own form gave it (`own`: the form words of the
    task that submitted it, in the page's language, casework.task_words), else a form's title (its
    English, `ui:en`, on an English page), else the vocabulary's word."""
    text, lang = str(name), _lang()
    if own and own[0].get(text):
        return own[0][text]
    title = field_title(text, english=lang.startswith("en"))
    if title and title == field_title(text) and lang.startswith("en"):  # the forms give it no English
        return vocabulary.word(text, lang=lang) if vocabulary.term(text) else title
    return title or vocabulary.word(text, lang=lang)


@bp.app_template_filter("data_value")
def data_value(value: Any, key: Any = None, own: tuple | None = None) -> Any:
    """One scalar of case data as people read it: a choice's label (its own form's first, `own` as
    in field_word), a code's word, a moment in China time."""
    if isinstance(value, datetime):
        return local_time(value)
    if not isinstance(value, str):
        return value
    if ISO_MOMENT.match(value.strip()):
        moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        return local_time(moment) if moment.tzinfo else value
    if own and key is not None and (mine := own[1].get(str(key), {}).get(value)):
        return mine
    lang = _lang()
    label = choice_label(str(key), value, english=lang.startswith("en")) if key is not None else None
    if label and lang.startswith("en") and label == choice_label(str(key), value):  # no English in the forms
        return vocabulary.word(value, lang=lang) if vocabulary.term(value) else label
    return label or vocabulary.word(value, lang=lang)


@bp.app_template_global("shown_data")
def shown_data(data: Any, technical: bool = False) -> Any:
    """Case data without the engine's keys (kept for the technical view)."""
    if technical or not isinstance(data, dict):
        return data
    return {k: shown_data(v) for k, v in data.items() if k not in ENGINE_KEYS}


@bp.app_context_processor
def _technical_view() -> dict[str, Any]:
    return {"sees_engine": sees_engine, "ENGINE_EVENTS": ENGINE_EVENTS}


@bp.app_template_global("word_choices")
def word_choices(group: str) -> dict[str, str]:
    """A group of the vocabulary as {code: word} for a select."""
    return vocabulary.labels(group, _lang())
