"""The scheduled backup (Celery beat, daily): a new verified archive, then retention; a manual\nbackup asked for through the API."""
from app.extensions import celery


@celery.task(name="backup.scheduled")
def scheduled() -> dict:
    from app.services.backup.records import run_scheduled

    return run_scheduled()


@celery.task(name="backup.create")
def create(requested_by: str = "") -> str:
    """A manual backup an administrator asked for through the API (records.request_backup)."""
    from app.services.backup.records import create_backup

    return create_backup(kind="manual").filename


@celery.task(name="audit.archive_due")
def archive_due() -> list[str]:
    from app.domain.actors import SYSTEM
    from app.services.backup.audit_archive import archive_due as run

    return [done.path.name for done in run(SYSTEM)]
