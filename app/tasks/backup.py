"""The scheduled backup (Celery beat, daily): a new verified archive, then retention."""
from app.extensions import celery


@celery.task(name="backup.scheduled")
def scheduled() -> dict:
    from app.services.backup.records import run_scheduled

    return run_scheduled()
