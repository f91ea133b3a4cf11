"""Testing supervision's daily sweep (Celery beat): warning reminders of expired agency
certificates, personnel qualifications and equipment calibrations, and of expired concrete
producer certificates."""
from app.extensions import celery


@celery.task(name="quality.sweep_expiries")
def sweep_expiries() -> int:
    from app.services.quality.warnings import sweep_expiries as sweep

    return sweep()
