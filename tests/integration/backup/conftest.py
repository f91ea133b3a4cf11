"""A second app on the same backend as `app`, with an empty database and an empty files folder:
the place a backup is restored into."""
from __future__ import annotations

import pytest

from app.extensions import db
from tests.support.apps import build_app
from tests.support.settings import change_settings


@pytest.fixture(autouse=True)
def own_folders(app, monkeypatch, tmp_path):
    """Backups, audit archives and stored files of this test only (the PostgreSQL app is shared
    by the session, and so is its instance folder)."""
    change_settings(monkeypatch, app, backup_dir=tmp_path / "backups", files_dir=tmp_path / "files",
                    audit_archive_dir=tmp_path / "audit-archive")


@pytest.fixture
def empty_target(app, request, tmp_path):
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        url = f"sqlite:///{tmp_path / 'restored.sqlite'}"
    else:
        url = request.getfixturevalue("fresh_postgres_db")
    target = build_app(url, tmp_path / "restored-instance", BACKUP_DIR=str(tmp_path / "elsewhere"))
    yield target
    with target.app_context():
        db.session.remove()
        db.engine.dispose()
