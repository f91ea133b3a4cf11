"""Rendering through the outbox: once, after the commit, relayed after a crash, never again."""
from __future__ import annotations

import subprocess
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from app.extensions import celery, db
from app.infra import outbox
from app.infra.uow import transaction
from app.models import IssuedDocument, OutboxMessage
from app.rendering import render_pdf, sample_context, sample_fields
from app.rendering.samples import many_problems
from app.services.access.actors import actor_for
from app.services.notices.context import NoticeIssueError
from app.services.notices.issuing import issue_notice, render_document
from tests.support.factories import gen_org_unit, gen_participant, gen_project, gen_user

from .conftest import issue, pdf_text, reload, squash, stored_path


@pytest.fixture
def site(app):
    district = gen_org_unit(gen_org_unit(gen_org_unit()), notice_prefix="测建")
    project = gen_project(district, name="测试工程")
    gen_participant(project, "contractor")
    return project, actor_for(gen_user("district_safety_officer", org_unit=district))


def _outbox(document_id: int) -> OutboxMessage:
    db.session.expire_all()
    return next(m for m in db.session.scalars(select(OutboxMessage))
                if m.payload == {"document_id": document_id})


def test_a_rendered_notice_is_never_rendered_again(app, site):
    project, official = site
    document_id = issue(official, "rectification_notice", project)
    first = reload(document_id)
    assert first.status == "rendered" and _outbox(document_id).status == "sent"
    sha, rendered_at, path = first.sha256, first.rendered_at, stored_path(app, first)
    stamp = path.stat().st_mtime_ns
    assert render_document(document_id) == "rendered"
    assert celery.tasks["notices.render"].apply(kwargs={"document_id": document_id}).get() == "rendered"
    again = reload(document_id)
    assert (again.sha256, again.rendered_at) == (sha, rendered_at)
    assert path.stat().st_mtime_ns == stamp


def test_a_crash_after_the_commit_is_healed_by_the_relay(app, site):
    project, official = site
    issue_notice(official, "urging_notice", project=project, params=sample_fields("urging_notice"))  # committed without the outbox hook:
    db.session.commit()                                        # as if the process died right here
    db.session.remove()
    [document] = db.session.scalars(select(IssuedDocument))
    assert document.status == "pending" and _outbox(document.id).status == "pending"
    now = datetime.now(UTC)
    assert outbox.relay_pending(now=now) == 0  # too young: its own commit is still sending it
    assert outbox.relay_pending(now=now + timedelta(minutes=2)) == 1
    assert reload(document.id).status == "rendered" and _outbox(document.id).status == "sent"
    assert outbox.relay_pending(now=now + timedelta(minutes=5)) == 0


def test_nothing_is_sent_for_a_rolled_back_transaction(app, site):
    project, official = site
    with pytest.raises(RuntimeError), transaction(official):
        issue_notice(official, "rectification_notice", project=project,
                     params=sample_fields("rectification_notice"))
        raise RuntimeError("boom")
    assert db.session.scalar(select(IssuedDocument.id)) is None
    assert db.session.scalar(select(OutboxMessage.id)) is None
    issue(official, "rectification_notice", project)  # the next commit sends only its own message
    assert [m.status for m in db.session.scalars(select(OutboxMessage))] == ["sent"]


def test_a_message_without_a_task_stays_pending(app, site):
    with transaction():
        db.session.add(OutboxMessage(task_name="nobody.listens", payload={"id": 1}))
    assert db.session.scalar(select(OutboxMessage.status)) == "pending"
    assert outbox.relay_pending(now=datetime.now(UTC) + timedelta(minutes=2)) == 0


def test_overlong_fields_render_and_missing_ones_are_refused_before_issuing(app, site, tmp_path):
    project, official = site
    problems = many_problems(40)
    problems[0]["description"] = "超长描述" * 400
    with pytest.raises(NoticeIssueError) as refused, transaction(official):
        issue_notice(official, "stop_work_notice", project=project,
                     params={**sample_fields("stop_work_notice"), "deadline": None, "inspected_unit": ""})
    assert refused.value.code == "notice_incomplete" and set(refused.value.fields) == {"deadline", "inspected_unit"}
    blank = tmp_path / "blank.pdf"  # the renderer itself still prints a placeholder, never a gap
    blank.write_bytes(render_pdf("stop_work_notice", {**sample_context("stop_work_notice"), "deadline": None}))
    assert "（未填写）" in pdf_text(blank)
    document_id = issue(official, "stop_work_notice", project, **{**sample_fields("stop_work_notice"),
                                                                  "problems": problems, "stop_scope": "全场" * 300})
    document = reload(document_id)
    assert document.status == "rendered", document.error
    path = stored_path(app, document)
    text = pdf_text(path)
    assert "（未填写）" not in text and document.number in text
    assert squash(problems[39]["description"]) in text and "超长描述超长描述" in text
    pages = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    assert int(next(ln.split()[-1] for ln in pages.splitlines() if ln.startswith("Pages:"))) >= 3
