"""Safety education's daily sweep (Celery beat): projects without education for 30 days."""
from app.extensions import celery


@celery.task(name="safety_education.remind")
def remind() -> int:
    from app.services.safety_education.reminders import sweep

    return sweep()
