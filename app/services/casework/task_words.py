"""Tasks in English: a task's title, its subject's title and the facts of its summary as the
summary deployed with the case's version says them in English (its `en` map,
app.formdefs.summaries). The inbox rows keep the Chinese the case wrote; pages in English read
these instead."""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.formdefs import summaries, titles
from app.models import InboxTask, ProcessDefinition, ProcessInstance, Project
from app.services.definitions import deployments


def sources_of(row: InboxTask, instance: ProcessInstance, project: Project | None,
               form_values: dict | None = None) -> dict[str, Any]:
    """What a task's summary reads: the row's stored data (`form_values` when the caller read
    them: a listed row does not carry them), the case's live summary, its project."""
    values = row.form_values if form_values is None else form_values
    return {**(values or {}), "case": instance.data_summary or {},
            "project": {"code": project.code, "name": project.name} if project else {}}


def english_title(row: InboxTask, instance: ProcessInstance, project: Project | None,
                  form_values: dict | None = None) -> tuple[str, str | None]:
    """(the task's title, its subject's title) in English; a text the summary gives no English
    stays as the case wrote it."""
    spec = deployments.summary_of(instance.definition)
    if not spec:
        return row.title, row.subject_title
    subject = summaries.title(summaries.in_english(spec), sources_of(row, instance, project, form_values),
                              deployments.choice_labels_of(instance.definition, english=True), english=True)
    return summaries.english_of(spec, row.title), subject or row.subject_title


def english_titles(rows: Sequence[InboxTask]) -> dict[int, tuple[str, str | None]]:
    """`english_title` of each row (an inbox page), by row id: one read each of the rows' cases,
    projects and stored form values (their definitions come from the cache)."""
    if not rows:
        return {}
    instances = {i.id: i for i in db.session.scalars(select(ProcessInstance).options(
        selectinload(ProcessInstance.definition)).where(ProcessInstance.id.in_({r.instance_id for r in rows})))}
    project_ids = {r.project_id for r in rows if r.project_id}
    projects = {p.id: p for p in db.session.scalars(select(Project).where(Project.id.in_(project_ids)))} \
        if project_ids else {}
    # The listed rows (inbox_queries.LISTED_COLUMNS) leave the stored form values out: one read here
    values = dict(db.session.execute(select(InboxTask.id, InboxTask.form_values)
                                     .where(InboxTask.id.in_({r.id for r in rows}))).all())
    return {r.id: english_title(r, instances[r.instance_id], projects.get(r.project_id), values.get(r.id) or {})
            for r in rows}


def words_of_cases(instance_ids: Iterable[int]) -> dict[int, dict[str, str]]:
    """Each case's English words (its summary's `en` map: the diagram's user task names among
    them), by case id, for the task titles and timeline titles of a case or work page in English.
    One read of the cases (their definitions and summaries come from the cache)."""
    ids = set(instance_ids)
    if not ids:
        return {}
    found: dict[int, dict[str, str]] = {}
    for instance in db.session.scalars(select(ProcessInstance).options(
            selectinload(ProcessInstance.definition)).where(ProcessInstance.id.in_(ids))):
        words = (deployments.summary_of(instance.definition) or {}).get(summaries.EN_KEY)
        found[instance.id] = {k: v for k, v in words.items() if isinstance(v, str) and v} \
            if isinstance(words, dict) else {}
    return found


FormWords = tuple[dict[str, str], dict[str, dict[str, str]]]  # (titles, choice labels) by field name
_form_words: dict[tuple[int, str, bool], dict[str, FormWords]] = {}


def _task_form_words(definition: ProcessDefinition, english: bool) -> dict[str, FormWords]:
    """{user task element id: its own form's words} of a version (cached: a version never changes)."""
    key = (definition.id, definition.content_hash, english)
    found = _form_words.get(key)
    if found is None:
        if len(_form_words) >= 64:
            _form_words.clear()
        found = {}
        for task in definition.user_tasks or []:
            form = deployments.form_of(definition, task.get("form"), task.get("ui_form"))
            if form is not None:
                found[task["element_id"]] = titles.form_words(form.schema, form.ui, english)
        _form_words[key] = found
    return found


def form_words_of_cases(instance_ids: Iterable[int], english: bool = False) -> dict[int, dict[str, FormWords]]:
    """Per case, per user task (element id): the titles and choice labels of that task's own form
    in the page's language, so a timeline says a submission's fields as its form did (a field
    name several forms share keeps each form's words). One read of the cases."""
    ids = set(instance_ids)
    if not ids:
        return {}
    return {instance.id: _task_form_words(instance.definition, english)
            for instance in db.session.scalars(select(ProcessInstance).options(
                selectinload(ProcessInstance.definition)).where(ProcessInstance.id.in_(ids)))}
