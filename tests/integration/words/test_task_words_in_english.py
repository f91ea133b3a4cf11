"""English (`?lang=en`) task words: a task's title, its subject and the facts of its summary come
from the process's files (its diagram and summary), not from what people typed, so
test_pages_in_english (which counts every text the database holds as data, the deployed files
included) cannot see them stay Chinese. Here: a task page of each process of the demo world and
the inbox of every user with open tasks say them in English (processes/*.summary.json `en`;
tests/unit/test_process_summaries.py holds every summary to having them)."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.formdefs import summaries
from app.models import InboxTask, ProcessInstance, Project
from tests.integration.authz.world import World

CHINESE = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+")
PLACEHOLDER = re.compile(r"\{[^}]*\}")
PROCESSES = Path(__file__).resolve().parents[3] / "processes"
# The processes the demo world has tasks of (the other summaries: tests/unit/test_process_summaries.py).
WORLD_PROCESSES = {"clue_assignment", "hazardous_acceptance", "hazardous_inspection", "hazardous_plan_review",
                   "hazardous_suspension", "hazardous_termination", "quality_handling", "rectification_order",
                   "supervision_record_review", "supervision_urging"}


def _template_words() -> set[str]:
    """The Chinese a summary template writes around its placeholders (`至`, `次`, `线索：`…)."""
    found: set[str] = set()
    for path in PROCESSES.glob("*" + summaries.SUFFIX):
        for text in summaries.texts(json.loads(path.read_text(encoding="utf-8"))):
            found |= set(CHINESE.findall(PLACEHOLDER.sub(" ", text))) if PLACEHOLDER.search(text) else set()
    return found


TEMPLATE_WORDS = _template_words()


def _section(html: str, pattern: str) -> str:
    found = re.search(pattern, html, re.S)
    return found.group(1) if found else ""


def _text(fragment: str) -> str:
    return re.sub(r"<[^>]+>", " ", fragment)


def _page(world: World, user: str, url: str) -> str:
    response = world.browsers[user].get(url + ("&" if "?" in url else "?") + "lang=en")
    assert response.status_code == 200, url
    return response.get_data(as_text=True)


@pytest.fixture(scope="module")
def one_task_per_process(world) -> dict[str, int]:
    with world.app.app_context():
        rows = db.session.execute(select(InboxTask.process_key, func.max(InboxTask.id))
                                  .group_by(InboxTask.process_key)).all()
        db.session.remove()
    return dict(rows)


def test_the_world_has_a_task_of_each_process_named_here(one_task_per_process):
    assert set(one_task_per_process) >= WORLD_PROCESSES


def test_a_task_page_of_each_process_says_its_title_subject_and_summary_in_english(world, one_task_per_process):
    wrong = []
    try:
        for key, task_id in sorted(one_task_per_process.items()):
            html = _page(world, "admin", f"/tasks/{task_id}")
            title = _text(_section(html, r"<h1>(.*?)</h1>"))
            subject = _text(_section(html, r'<header class="task-head card">.*?<p class="muted">(.*?)·'))
            summary = _section(html, r'<section class="case-summary" id="case-summary">(.*?)</section>')
            labels = " ".join(re.findall(r"<dt>(.*?)</dt>", summary))
            values = _text(" ".join(re.findall(r"<dd>(.*?)</dd>", summary, re.S)))
            if not title.strip() or CHINESE.search(title) or CHINESE.search(labels) or not labels:
                wrong.append(f"{key} /tasks/{task_id}: title {title.strip()!r}, labels {labels!r}")
            left = (set(CHINESE.findall(subject)) | set(CHINESE.findall(values))) & TEMPLATE_WORDS
            if left:
                wrong.append(f"{key} /tasks/{task_id}: template words {sorted(left)}")
    finally:
        world.browsers["admin"].get("/login?lang=zh")
    assert not wrong, "\n".join(wrong)


def test_the_inbox_of_every_user_with_open_tasks_says_titles_and_subjects_in_english(world):
    with world.app.app_context():
        open_keys = set(db.session.scalars(select(InboxTask.process_key).where(InboxTask.status == "open")))
        db.session.remove()
    wrong, seen = [], set()
    for user in world.browsers:
        try:
            html = _page(world, user, "/inbox?scope=all")
        finally:
            world.browsers[user].get("/login?lang=zh")
        for row in re.findall(r'<tr class="[^"]*" data-task="\d+">(.*?)</tr>', html, re.S):
            cells = re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
            title = _text(_section(cells[0], r"<a [^>]*>(.*?)</a>"))
            subject = _text(cells[1])
            seen.add(title)
            if CHINESE.search(title) or set(CHINESE.findall(subject)) & TEMPLATE_WORDS:
                wrong.append(f"{user}: {title.strip()!r} / {subject.strip()!r}")
    assert not wrong, "\n".join(wrong)
    assert len(seen) >= len(open_keys)



TASK_LINK = re.compile(r'<a href="/tasks/\d+">(.*?)</a>', re.S)
EVENT_TITLE = re.compile(r'<div class="ev-head"><strong>.*?</strong>(.*?)<span class="muted">', re.S)


def _chinese_titles(html: str) -> list[str]:
    """The task titles (links to a task) and timeline titles of a page that still hold Chinese."""
    titles = [_text(t).strip() for t in TASK_LINK.findall(html) + EVENT_TITLE.findall(html)]
    return [t for t in titles if CHINESE.search(t)]


def test_case_work_task_and_project_pages_say_task_and_timeline_titles_in_english(world, one_task_per_process):
    with world.app.app_context():
        cases = dict(db.session.execute(select(InboxTask.id, InboxTask.instance_id)
                                        .where(InboxTask.id.in_(one_task_per_process.values()))).all())
        works = {w for (w,) in db.session.execute(select(ProcessInstance.subject_id).where(
            ProcessInstance.id.in_(cases.values()), ProcessInstance.subject_type == "hazardous_work"))}
        projects = set(db.session.scalars(select(Project.code).join(ProcessInstance).where(
            ProcessInstance.id.in_(cases.values()))))
        db.session.remove()
    assert works and projects
    wrong, links = [], 0
    urls = ([f"/cases/{i}" for i in sorted(set(cases.values()))] + [f"/works/{w}" for w in sorted(works)]
            + [f"/tasks/{t}" for t in sorted(cases)] + [f"/projects/{p}" for p in sorted(projects)])
    try:
        for url in urls:
            html = _page(world, "admin", url)
            links += len(TASK_LINK.findall(html))
            wrong += [f"{url}: {t!r}" for t in _chinese_titles(html)]
    finally:
        world.browsers["admin"].get("/login?lang=zh")
    assert not wrong, "\n".join(wrong)
    assert links


def test_the_workbench_says_its_to_dos_in_english(world):
    wrong, seen = [], 0
    for user in world.browsers:
        try:
            response = world.browsers[user].get("/workbench?lang=en")
        finally:
            world.browsers[user].get("/login?lang=zh")
        if response.status_code != 200:
            continue
        todo = _section(response.get_data(as_text=True), r'<section class="card" id="wb-todo">(.*?)</section>')
        for item in re.findall(r"<li>(.*?)</li>", todo, re.S):
            title = _text(_section(item, r"<a [^>]*>(.*?)</a>"))
            subject = _text(_section(item, r'<span class="muted">(.*?)</span>'))
            seen += 1
            if CHINESE.search(title) or set(CHINESE.findall(subject)) & TEMPLATE_WORDS:
                wrong.append(f"{user}: {title.strip()!r} / {subject.strip()!r}")
    assert not wrong, "\n".join(wrong)
    assert seen


def test_the_timeline_of_a_task_page_says_its_field_titles_in_the_forms_english(world, one_task_per_process):
    wrong, seen = [], 0
    try:
        for key, task_id in sorted(one_task_per_process.items()):
            history = _section(_page(world, "admin", f"/tasks/{task_id}"), r'<section class="card" id="history">(.*)</section>')
            fields = [_text(t).strip() for t in re.findall(r"<dt>(.*?)</dt>", history, re.S)]
            seen += len(fields)
            wrong += [f"{key} /tasks/{task_id}: {t!r}" for t in fields if CHINESE.search(t)]
    finally:
        world.browsers["admin"].get("/login?lang=zh")
    assert not wrong, "\n".join(wrong)
    assert seen


def test_the_api_task_detail_says_the_title_and_summary_in_the_language_asked(world, one_task_per_process):
    """GET /api/v1/tasks/{id}: `title` and the summary in English with ?lang=en, as the task page."""
    client = world.api()
    headers = {"Authorization": f"Bearer {world.tokens['admin']}"}
    wrong = []
    for key, task_id in sorted(one_task_per_process.items()):
        english = client.get(f"/api/v1/tasks/{task_id}?lang=en", headers=headers).get_json()["data"]
        chinese = client.get(f"/api/v1/tasks/{task_id}", headers=headers).get_json()["data"]
        labels = " ".join(fact["label"] for fact in english["summary"])
        if not english["title"] or CHINESE.search(english["title"]) or CHINESE.search(labels):
            wrong.append(f"{key}: {english['title']!r}, labels {labels!r}")
        if chinese["title"] != chinese["task"]["title"] or not CHINESE.search(chinese["title"]):
            wrong.append(f"{key} (Chinese): {chinese['title']!r}")
    assert not wrong, "\n".join(wrong)
