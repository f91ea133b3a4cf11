"""Notice tests: issue through the real service, read the stored PDF back with pdftotext."""
from __future__ import annotations

import re
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from app import settings
from app.extensions import celery, db
from app.infra import outbox
from app.infra.uow import transaction
from app.models import IssuedDocument, Project, User
from app.rendering import sample_fields
from app.services.access.actors import Actor, actor_for
from app.services.definitions.deployments import Bundle
from app.services.definitions.deployments import deploy as deploy_bundle
from app.services.notices.issuing import issue_notice

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def pdf_text(path: Path) -> str:
    """The text of a PDF in content order (-raw keeps a table cell together), whitespace removed
    (cells wrap anywhere)."""
    out = subprocess.run(["pdftotext", "-raw", "-enc", "UTF-8", str(path), "-"], check=True,
                         capture_output=True, text=True).stdout
    return squash(out)


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def stored_path(app: Flask, document: IssuedDocument) -> Path:
    return settings.of(app).files_dir / document.file_path


def actor(username: str) -> Actor:
    return actor_for(db.session.scalar(select(User).where(User.username == username)))


def project(code: str) -> Project:
    return db.session.scalar(select(Project).where(Project.code == code))


def issue(who: Actor, template: str, proj: Project | None, **params: Any) -> int:
    """Issue one notice in its own transaction (the render follows the commit); returns its id.
    Without params the sample's fields are used: a notice is issued only when it is complete."""
    with transaction(who):
        document = issue_notice(who, template, project=proj, params=params or sample_fields(template))
    return document.id


def reload(document_id: int) -> IssuedDocument:
    db.session.expire_all()
    return db.session.get(IssuedDocument, document_id)


@pytest.fixture
def deploy_notice_case(app) -> Callable[[], None]:
    def run() -> None:
        forms = {p.name: p.read_bytes() for p in FIXTURES.glob("*.json")}
        deploy_bundle(Bundle({"notice_case.bpmn": (FIXTURES / "notice_case.bpmn").read_bytes()}, forms))
    return run


@pytest.fixture
def queued_rendering():
    """Tasks go to the broker instead of running inline (as from a web process)."""
    celery.conf.task_always_eager = False
    try:
        yield
    finally:
        outbox.flush(60)  # the publisher thread's passes end before the database goes
        celery.conf.task_always_eager = True
