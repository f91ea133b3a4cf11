"""flask backup … and flask audit …: backups, restores, and the monthly audit-log archives."""
from __future__ import annotations

from pathlib import Path

import click
from flask import Flask

from app.errors import DomainError

EXIT_REFUSED = 2


def _refused(exc: DomainError) -> None:
    click.echo(f"refused [{exc.code}]: {exc.message}", err=True)
    raise SystemExit(EXIT_REFUSED)


def register_backup_commands(app: Flask) -> None:
    @app.cli.group()
    def backup() -> None:
        """Backups of the database and the stored files."""

    @backup.command("create")
    @click.option("--kind", type=click.Choice(["manual", "scheduled"]), default="manual")
    def create(kind: str) -> None:
        """Write one archive (database, stored files, manifest) into BACKUP_DIR and verify it."""
        from app import settings
        from app.services.backup import records

        try:
            row = records.create_backup(kind=kind)
        except DomainError as exc:
            _refused(exc)
        click.echo(f"{settings.current().backup_dir / row.filename}\t{row.size_bytes} bytes\t"
                   f"{row.table_rows} rows\t{row.file_count} files\tverified={row.verified_ok}")
        if not row.verified_ok:
            raise SystemExit(EXIT_REFUSED)

    @backup.command("verify")
    @click.argument("archive", type=click.Path(path_type=Path))
    def verify(archive: Path) -> None:
        """Check every part of ARCHIVE against its manifest; exit 2 when it is not whole."""
        from app.domain.actors import SYSTEM
        from app.services.backup import records

        try:
            manifest = records.verify_file(SYSTEM, archive)
        except DomainError as exc:
            _refused(exc)
        click.echo(f"ok: {len(manifest['parts'])} parts, {sum(manifest['tables'].values())} rows, "
                   f"created {manifest['created_at']}")

    @backup.command("restore")
    @click.argument("archive", type=click.Path(path_type=Path))
    def restore(archive: Path) -> None:
        """Restore ARCHIVE into the EMPTY database and files folder (verified first)."""
        from app.services.backup import records

        try:
            manifest = records.restore(archive)
        except DomainError as exc:
            _refused(exc)
        click.echo(f"restored: {sum(manifest['tables'].values())} rows in {len(manifest['tables'])} "
                   f"tables, {len(manifest['parts']) - 1} files")

    @backup.command("prune")
    def prune() -> None:
        """Apply the retention policy to the scheduled backups now."""
        from app.services.backup import records

        for name in records.prune():
            click.echo(f"removed {name}")

    @app.cli.group()
    def audit() -> None:
        """The audit log: monthly signed archives."""

    @audit.command("archive")
    @click.argument("month")
    def archive_month(month: str) -> None:
        """Archive MONTH (YYYY-MM, a past month) of the audit log to a signed file, verify it,
        then remove the archived rows (the only way rows ever leave the audit log)."""
        from app.domain.actors import SYSTEM
        from app.services.backup import audit_archive

        try:
            done = audit_archive.archive_month(SYSTEM, month)
        except DomainError as exc:
            _refused(exc)
        click.echo(f"{done.path}\t{done.row_count} rows\tsha256 {done.sha256}")

    @audit.command("verify-archive")
    @click.argument("file", type=click.Path(path_type=Path))
    def verify_archive(file: Path) -> None:
        """Check FILE's signature and contents; exit 2 when it was altered or is not ours."""
        from app.services.backup import audit_archive

        try:
            header = audit_archive.verify_file(file)
        except DomainError as exc:
            _refused(exc)
        click.echo(f"ok: {header['month']}, {header['row_count']} rows, ids "
                   f"{header['first_id']}-{header['last_id']}")
