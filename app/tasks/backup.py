"""The scheduled backup (Celery beat, daily): a new verified archive, then retention."""
from app.extensions import celery


@celery.task(name="backup.scheduled")
def scheduled() -> dict:
    from app.services.backup.records import run_scheduled

    return run_scheduled()


@celery.task(name="audit.archive_due")
def archive_due() -> list[str]:
    from app.domain.actors import SYSTEM
    from app.services.backup.audit_archive import archive_due as run

    return [done.path.name for done in run(SYSTEM)]
