"""The monthly assessment (Celery beat): last month's results of every district and enterprise."""
from app.extensions import celery


@celery.task(name="assessment.monthly")
def monthly(month: str | None = None) -> dict:
    from app.infra.months import previous_month
    from app.services.assessment.scoring import compute_month

    return vars(compute_month(month or previous_month()))
