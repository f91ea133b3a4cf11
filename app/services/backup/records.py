"""Backups as records: create (and verify) one, the scheduled run with retention, the list the
administrators' page shows."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import select

from app import settings
from app.domain.actors import SYSTEM, Actor
from app.errors import DomainError
from app.extensions import db
from app.infra import audit_trail, wallclock
from app.infra.uow import transaction
from app.models import AuditArchive, BackupArchive, OutboxMessage
from app.services.access.permissions import require_any_role
from app.services.backup import archive, retention


def create_backup(actor: Actor = SYSTEM, kind: str = "manual",
                  now: dt.datetime | None = None) -> BackupArchive:
    """Write an archive, read it back against its manifest, and record both (audited)."""
    now = now or wallclock.now()
    written = archive.create(kind, now)
    ok, error = True, None
    try:
        archive.verify(written.path)
    except DomainError as exc:
        ok, error = False, exc.code
    manifest = written.manifest
    with transaction(actor):
        row = BackupArchive(filename=written.path.name, kind=kind, created_at=now,
                            size_bytes=written.size, sha256=written.sha256,
                            table_rows=sum(manifest["tables"].values()),
                            file_count=sum(1 for p in manifest["parts"] if p["name"].startswith("files/")),
                            counts=manifest["tables"], verified_at=wallclock.now(),
                            verified_ok=ok, verify_error=error)
        db.session.add(row)
    return row


def request_backup(actor: Actor) -> None:
    """Queue a manual backup (`backup.create`, sent after the commit): writing one can take
    minutes, longer than a request may. Raises PermissionDeniedError (administrators only)."""
    require_any_role(actor)
    with transaction(actor):
        db.session.add(OutboxMessage(task_name="backup.create", payload={"requested_by": actor.username}))


def verify_file(actor: Actor, path: Path) -> dict:
    """Verify an archive file; when it is one of ours, record the result. Raises on failure."""
    row = db.session.scalar(select(BackupArchive).where(BackupArchive.filename == path.name))
    try:
        manifest = archive.verify(path)
    except DomainError as exc:
        if row is not None and path.resolve().parent == settings.current().backup_dir.resolve():
            with transaction(actor):
                row.verified_at, row.verified_ok, row.verify_error = wallclock.now(), False, exc.code
        raise
    if row is not None and path.resolve().parent == settings.current().backup_dir.resolve():
        with transaction(actor):
            row.verified_at, row.verified_ok, row.verify_error = wallclock.now(), True, None
    return manifest


def restore(path: Path) -> dict:
    """Restore an archive into the empty database and files folder (`archive.restore`), then
    record the restore in the restored audit log."""
    manifest = archive.restore(path)
    with transaction(SYSTEM):
        audit_trail.record(SYSTEM, "backup_restore", entity_type="backup_archive", entity_id=path.name,
                           after={"created_at": manifest["created_at"],
                                  "rows": sum(manifest["tables"].values())})
    return manifest


def prune(now: dt.datetime | None = None) -> list[str]:
    """Apply the retention policy to scheduled backups: delete the files of those not kept.
    Manual backups are never removed. Returns the removed file names."""
    conf = settings.current()
    zone = ZoneInfo(conf.timezone)
    rows = list(db.session.scalars(select(BackupArchive).where(
        BackupArchive.kind == "scheduled", BackupArchive.pruned_at.is_(None))))
    kept = retention.keep(rows, lambda r: r.created_at.astimezone(zone), daily=conf.backup_keep_daily,
                          weekly=conf.backup_keep_weekly, monthly=conf.backup_keep_monthly)
    gone = [r for r in rows if r not in kept]
    with transaction(SYSTEM):
        for row in gone:
            (conf.backup_dir / row.filename).unlink(missing_ok=True)
            row.pruned_at = now or wallclock.now()
    return [r.filename for r in gone]


def run_scheduled(now: dt.datetime | None = None) -> dict:
    """The beat's daily run: a new backup, then retention."""
    row = create_backup(SYSTEM, "scheduled", now)
    return {"backup": row.filename, "verified": row.verified_ok, "pruned": prune(now)}


@dataclass(frozen=True)
class Listed:
    filename: str
    kind: str
    created_at: dt.datetime
    size_bytes: int
    table_rows: int
    file_count: int
    verified_at: dt.datetime | None
    state: str  # ok / failed / missing / unverified


def list_backups(actor: Actor) -> list[Listed]:
    """The backups still on disk, newest first, with their verification state (administrators)."""
    require_any_role(actor)
    folder = settings.current().backup_dir
    rows = db.session.scalars(select(BackupArchive).where(BackupArchive.pruned_at.is_(None))
                              .order_by(BackupArchive.created_at.desc(), BackupArchive.id.desc()))
    out = []
    for r in rows:
        present = (folder / r.filename).is_file()
        state = ("missing" if not present else "unverified" if r.verified_ok is None
                 else "ok" if r.verified_ok else "failed")
        out.append(Listed(r.filename, r.kind, r.created_at, r.size_bytes, r.table_rows, r.file_count,
                          r.verified_at, state))
    return out


def list_audit_archives(actor: Actor) -> list[AuditArchive]:
    """The months of the audit log archived so far, newest first (administrators)."""
    require_any_role(actor)
    return list(db.session.scalars(select(AuditArchive).order_by(AuditArchive.month.desc())))


def retention_policy() -> tuple[int, int, int]:
    """(days, weeks, months) of scheduled backups kept."""
    conf = settings.current()
    return conf.backup_keep_daily, conf.backup_keep_weekly, conf.backup_keep_monthly
