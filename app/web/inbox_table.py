"""The rows of the inbox table (待办/已办), worked out and written in Python.

A page lists twenty rows of about fifteen values each. Through the template every value was an
attribute lookup, a call and an escape of Jinja's, and the rows were the largest part of the page's
rendering (BENCHMARKS.md, session 16). So a row's texts are worked out once (`printed_rows`: words,
role, local times, overdue) and its HTML written here (`rows_html`), as Django's admin writes the
cells of its change list in Python. The template keeps the table around them (head, empty row,
pager). Every text of a row passes markupsafe's `escape`, the escape of the template's autoescape,
so the HTML is the one the template wrote; tests/integration/web/test_inbox_rows.py holds a title,
subject and return path carrying markup escaped.
"""
from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

from flask import request
from flask_babel import get_locale
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup, escape
from sqlalchemy import Row

from app.domain import vocabulary
from app.infra import wallclock
from app.services.workflow import inbox_queries as service
from app.web.common import local_time, row_url
from app.web.i18n import translate


class PrintedRow(NamedTuple):
    """A row of the table as it is printed."""

    id: int
    title: str
    subject: str
    process: str
    role: str
    due: str
    late: bool
    urgent: bool
    state: str  # done | claimed | unclaimed
    completed: str
    claimable: bool


def printed_rows(rows: Iterable[Row], in_english: dict[int, tuple[str, str]]) -> list[PrintedRow]:
    """The page's inbox rows (result rows of inbox_queries' LISTED_COLUMNS) with their texts in the
    page's language (`in_english`: a row's title and subject in English by its id, when the page
    is English)."""
    lang, now = str(get_locale() or "zh"), wallclock.now()
    process_words: dict[str, str] = {}
    role_words: dict[str, str] = {}
    out = []
    for row in rows:
        t = row._mapping  # a Row's attribute costs ~0.35 µs (its __getattr__), a key of its mapping ~0.05
        said = in_english.get(t["id"])
        process, role, status, assignee = t["process_key"], t["role"], t["status"], t["assignee_id"]
        if process not in process_words:
            process_words[process] = vocabulary.word(process, "process", lang)
        if role not in role_words:
            role_words[role] = vocabulary.word(role, "role", lang)
        state = "done" if status == "completed" else "claimed" if assignee else "unclaimed"
        out.append(PrintedRow(
            id=t["id"], title=said[0] if said else t["title"], subject=(said[1] if said else t["subject_title"]) or "",
            process=process_words[process], role=role_words[role], due=local_time(t["due_at"]),
            late=service.is_overdue(row, now), urgent=t["priority"] > 50, state=state,
            completed=local_time(t["completed_at"]) if state == "done" else "",
            claimable=status == "open" and not assignee))
    return out


def rows_html(rows: list[PrintedRow]) -> Markup:
    """The `<tr>`s of `rows` (empty markup for none): the task's link, its marks, a claim button
    on an unclaimed open row, each cell labelled for the stacked layout of narrow screens."""
    if not rows:
        return Markup("")
    w = {key: str(escape(translate(text))) for key, text in _ROW_WORDS.items()}
    task_url, claim_url = row_url("web.task", "task_id"), row_url("web.claim", "task_id")
    claim_form = (f'<input type="hidden" name="csrf_token" value="{escape(generate_csrf())}">'
                  f'<input type="hidden" name="next" value="{escape(request.full_path)}">'
                  f'<button type="submit" class="small">{w["claim"]}</button></form>')
    urgent = f' <span class="badge prio">{w["urgent"]}</span>'
    late = f' <span class="badge overdue">{w["late"]}</span>'
    out = []
    for t in rows:
        done = f' {escape(t.completed)}' if t.state == "done" else ""
        claim = f'<form method="post" action="{escape(claim_url(t.id))}">{claim_form}' if t.claimable else ""
        out.append(
            f'<tr class="{"overdue" if t.late else ""}" data-task="{t.id}">'
            f'<td data-th="{w["item"]}"><a href="{escape(task_url(t.id))}">{escape(t.title)}</a>'
            f'{urgent if t.urgent else ""}<br><span class="muted">{escape(t.process)}</span></td>'
            f'<td data-th="{w["subject"]}">{escape(t.subject)}</td>'
            f'<td data-th="{w["role"]}">{escape(t.role)}</td>'
            f'<td data-th="{w["due"]}">{escape(t.due)}{late if t.late else ""}</td>'
            f'<td data-th="{w["state"]}">{w[t.state]}{done}</td>'
            f'<td>{claim}</td></tr>\n')
    return Markup("".join(out))


# The words every row repeats (in the catalogue; i18n.translate remembers each per locale).
_ROW_WORDS = {"item": "事项", "subject": "对象", "role": "角色", "due": "期限", "state": "状态", "urgent": "急",
              "late": "超期", "done": "已办", "claimed": "已签收", "unclaimed": "待签收", "claim": "签收"}
