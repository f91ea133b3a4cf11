"""The inbox table's rows, written in Python (app/web/inbox_table.py) rather than by the template:
every text a contractor or a diagram can set (title, subject) and the page's own address (the
claim form's return path) comes out escaped; the marks, the claim button and the words are those
the template wrote, in both languages. The rows' HTML does not depend on the database (one
backend; the inbox's queries are tested on both)."""
from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from app.extensions import db
from tests.support.browsers import signed_in
from tests.support.factories import (
    PASSWORD,
    gen_district,
    gen_inbox_task,
    gen_instance,
    gen_project,
    gen_user,
)

MARKUP = '<b onmouseover="x()">方案</b> & \'审查\''


@pytest.fixture
def inbox(sqlite_app):
    """A district officer's inbox: an urgent overdue row with markup in its title and subject, an
    unclaimed row due tomorrow, a row claimed by him, a completed row."""
    with sqlite_app.app_context():
        district = gen_district()
        officer = gen_user("district_safety_officer", org_unit=district, username="officer")
        other = gen_user("district_safety_officer", org_unit=district)
        instance = gen_instance(gen_project(district))
        now = datetime.now(UTC)
        rows = {
            "marked": gen_inbox_task(instance, "district_safety_officer", title=MARKUP, subject_title="<script>s()</script>",
                                     priority=80, due_at=now - timedelta(hours=2)),
            "open": gen_inbox_task(instance, "district_safety_officer", title="复核整改", due_at=now + timedelta(days=1)),
            "mine": gen_inbox_task(instance, "district_safety_officer", title="我签收的", assignee_id=officer.id),
            "done": gen_inbox_task(instance, "district_safety_officer", title="已经办完", status="completed",
                                   assignee_id=officer.id, completed_by_id=officer.id,
                                   completed_at=now - timedelta(hours=1)),
        }
        gen_inbox_task(instance, "district_safety_officer", title="别人签收的", assignee_id=other.id)
        ids = {name: row.id for name, row in rows.items()}
        db.session.remove()
    return signed_in(sqlite_app, "officer", PASSWORD), ids


def _row(html: str, task_id: int) -> str:
    found = re.search(rf'<tr class="[^"]*" data-task="{task_id}">.*?</tr>', html, re.S)
    assert found, f"no row of task {task_id}"
    return found.group(0)


def test_texts_and_the_return_path_come_out_escaped(inbox):
    client, ids = inbox
    html = client.get('/inbox?project="><i>p</i>').get_data(as_text=True)
    assert "<script>s()</script>" not in html and "<b " not in html and "<i>p</i>" not in html
    html = client.get("/inbox?sort=due").get_data(as_text=True)
    row = _row(html, ids["marked"])
    assert ("&lt;b onmouseover=&#34;x()&#34;&gt;方案&lt;/b&gt; &amp; &#39;审查&#39;" in row
            and "&lt;script&gt;s()&lt;/script&gt;" in row), row
    claim = _row(client.get('/inbox?sort=due&x="><i>').get_data(as_text=True), ids["open"])
    assert 'name="next" value="/inbox?sort=due&amp;x=&#34;&gt;&lt;i&gt;"' in claim, claim


def test_marks_claim_buttons_and_states(inbox):
    client, ids = inbox
    html = client.get("/inbox").get_data(as_text=True)
    marked, open_row, mine = (_row(html, ids[k]) for k in ("marked", "open", "mine"))
    assert marked.startswith('<tr class="overdue"') and '<span class="badge prio">急</span>' in marked
    assert '<span class="badge overdue">超期</span>' in marked and '<td data-th="状态">待签收</td>' in marked
    assert open_row.startswith('<tr class=""') and "badge" not in open_row
    token = re.search(r'<meta name="csrf-token" content="([^"]+)"', html).group(1)
    assert (f'<form method="post" action="/tasks/{ids["open"]}/claim"><input type="hidden" name="csrf_token" '
            f'value="{token}">') in open_row and '<button type="submit" class="small">签收</button>' in open_row
    assert f'<a href="/tasks/{ids["open"]}">复核整改</a>' in open_row
    assert "<form" not in mine and '<td data-th="状态">已签收</td>' in mine
    assert "别人签收的" not in html  # another's claimed row is not in his "all"
    done = _row(client.get("/inbox?scope=done").get_data(as_text=True), ids["done"])
    assert re.search(r'<td data-th="状态">已办 \d{4}-\d\d-\d\d \d\d:\d\d</td>', done) and "<form" not in done


def test_the_rows_read_in_english(inbox):
    client, ids = inbox
    html = client.get("/inbox?lang=en").get_data(as_text=True)
    marked, open_row = _row(html, ids["marked"]), _row(html, ids["open"])
    assert 'class="badge prio">Urgent<' in marked and 'class="badge overdue">Overdue<' in marked, marked
    assert '<td data-th="Status">Unclaimed</td>' in open_row and ">Claim</button>" in open_row, open_row
    assert "待签收" not in html and "签收</button>" not in html


def test_an_empty_inbox_says_so(sqlite_app):
    with sqlite_app.app_context():
        gen_user("district_safety_officer", org_unit=gen_district(), username="idle")
    html = signed_in(sqlite_app, "idle", PASSWORD).get("/inbox").get_data(as_text=True)
    assert '<tr><td colspan="6" class="muted">没有符合条件的事项</td></tr>' in html and "data-task=" not in html
