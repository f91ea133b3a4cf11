"""The audit log's monthly archive: signed, verified, then and only then removed from the table —
and the database refuses every other delete."""
from __future__ import annotations

import datetime as dt
import gzip

import pytest
from sqlalchemy import delete, func, select
from sqlalchemy.exc import DatabaseError

from app import settings
from app.domain.actors import SYSTEM
from app.errors import ConflictError, ValidationError
from app.extensions import db
from app.infra.uow import transaction
from app.models import AuditArchive, AuditLog
from app.services.backup import audit_archive
from tests.support.settings import change_settings

UTC = dt.UTC
# 2026-02 in Asia/Shanghai: 2026-01-31 16:00Z .. 2026-02-28 16:00Z
FEBRUARY = [dt.datetime(2026, 1, 31, 17, 0, tzinfo=UTC), dt.datetime(2026, 2, 10, 8, 0, tzinfo=UTC),
            dt.datetime(2026, 2, 28, 15, 59, tzinfo=UTC)]
JANUARY = dt.datetime(2026, 1, 31, 15, 0, tzinfo=UTC)
MARCH = dt.datetime(2026, 2, 28, 16, 0, tzinfo=UTC)
NOW = dt.datetime(2026, 3, 15, tzinfo=UTC)


def _entries() -> None:
    with transaction(SYSTEM):
        for n, at in enumerate([JANUARY, *FEBRUARY, MARCH]):
            db.session.add(AuditLog(at=at, action="login", username=f"u{n}", success=True,
                                    after={"n": n, "名": "张三"}))


def _actions() -> list[str]:
    return list(db.session.scalars(select(AuditLog.username).where(AuditLog.action == "login")
                                   .order_by(AuditLog.id)))


def _delete_all_logins() -> None:
    with transaction(SYSTEM):
        db.session.execute(delete(AuditLog).where(AuditLog.action == "login"))


def test_rows_of_an_unarchived_month_cannot_be_deleted(app):
    _entries()
    with pytest.raises(DatabaseError, match="append-only"):
        _delete_all_logins()
    assert len(_actions()) == 5


def test_archive_month_signs_verifies_then_removes_only_that_month(app):
    _entries()
    done = audit_archive.archive_month(SYSTEM, "2026-02", now=NOW)
    assert done.row_count == 3 and done.path.name == "audit-2026-02.jsonl.gz"
    assert _actions() == ["u0", "u4"]  # January and March stay
    archive = db.session.scalar(select(AuditArchive))
    assert archive.month == "2026-02" and archive.verified_at is not None and archive.row_count == 3
    # the procedure is audited
    entry = db.session.scalar(select(AuditLog).where(AuditLog.action == "audit_archive"))
    assert entry.entity_id == "2026-02" and entry.after["rows"] == 3
    # the file verifies, and holds the rows as they were
    result = app.test_cli_runner().invoke(args=["audit", "verify-archive", str(done.path)])
    assert result.exit_code == 0, result.output
    assert "2026-02, 3 rows" in result.output
    text = gzip.decompress(done.path.read_bytes()).decode()
    assert '"username":"u1"' in text and "张三" in text
    # rows of other months still cannot be deleted
    with pytest.raises(DatabaseError, match="append-only"):
        _delete_all_logins()


def test_a_month_not_over_or_already_archived_is_refused(app):
    _entries()
    with pytest.raises(ValidationError) as not_over:
        audit_archive.archive_month(SYSTEM, "2026-03", now=NOW)
    assert not_over.value.code == "audit_month_not_over"
    audit_archive.archive_month(SYSTEM, "2026-02", now=NOW)
    with pytest.raises(ConflictError) as again:
        audit_archive.archive_month(SYSTEM, "2026-02", now=NOW)
    assert again.value.code == "audit_month_archived"
    with pytest.raises(ValidationError) as empty:
        audit_archive.archive_month(SYSTEM, "2025-12", now=NOW)
    assert empty.value.code == "audit_month_empty"
    assert db.session.scalar(select(func.count()).select_from(AuditArchive)) == 1


def test_verify_archive_refuses_an_altered_file_or_another_key(app, monkeypatch, tmp_path):
    _entries()
    done = audit_archive.archive_month(SYSTEM, "2026-02", now=NOW)
    altered = tmp_path / "altered.jsonl.gz"
    altered.write_bytes(gzip.compress(gzip.decompress(done.path.read_bytes()).replace(b'"u1"', b'"u9"')))
    runner = app.test_cli_runner()
    result = runner.invoke(args=["audit", "verify-archive", str(altered)])
    assert result.exit_code == 2 and "audit_archive_signature_mismatch" in result.output
    truncated = tmp_path / "truncated.jsonl.gz"
    truncated.write_bytes(done.path.read_bytes()[:-20])
    result = runner.invoke(args=["audit", "verify-archive", str(truncated)])
    assert result.exit_code == 2 and "audit_archive_" in result.output
    signed_with = settings.of(app).audit_archive_key
    change_settings(monkeypatch, app, audit_archive_key="another deployment's key")
    result = runner.invoke(args=["audit", "verify-archive", str(done.path)])
    assert result.exit_code == 2 and "audit_archive_signature_mismatch" in result.output
    # A rotated key: the old one, listed as previous, still verifies the archives it signed.
    change_settings(monkeypatch, app, audit_archive_previous_keys=("unrelated", signed_with))
    result = runner.invoke(args=["audit", "verify-archive", str(done.path)])
    assert result.exit_code == 0, result.output


def test_the_daily_task_archives_the_months_past_the_online_period(app, monkeypatch):
    from app.infra import wallclock
    from app.tasks.backup import archive_due

    assert app.config["CELERY_BEAT_SCHEDULE"]["audit-archive-due"]["task"] == "audit.archive_due"
    _entries()
    change_settings(monkeypatch, app, audit_online_months=2)
    with wallclock.frozen(dt.datetime(2026, 5, 15, tzinfo=UTC)):  # keeps March, April, May online
        assert archive_due.apply().get() == ["audit-2026-01.jsonl.gz", "audit-2026-02.jsonl.gz"]
        assert archive_due.apply().get() == []
    assert _actions() == ["u4"]  # March
    assert list(db.session.scalars(select(AuditArchive.month).order_by(AuditArchive.month))) == ["2026-01", "2026-02"]


def test_a_backup_carries_the_archived_months_and_restores_them(app, empty_target):
    from app import settings
    from app.services.backup import records

    _entries()
    done = audit_archive.archive_month(SYSTEM, "2026-02", now=NOW)
    row = records.create_backup()
    path = settings.current().backup_dir / row.filename
    with empty_target.app_context():
        assert empty_target.test_cli_runner().invoke(args=["backup", "restore", str(path)]).exit_code == 0
        restored = settings.current().audit_archive_dir / done.path.name
        assert restored != done.path and restored.read_bytes() == done.path.read_bytes()
        result = empty_target.test_cli_runner().invoke(args=["audit", "verify-archive", str(restored)])
        assert result.exit_code == 0, result.output
        assert db.session.scalar(select(AuditArchive.month)) == "2026-02"
        assert _actions() == ["u0", "u4"]
