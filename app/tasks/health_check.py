"""The monthly site health check (Celery beat): last month's scores, then the rectification
cases of projects below the pass mark."""
from app.extensions import celery


@celery.task(name="health_check.monthly")
def monthly(month: str | None = None) -> dict:
    from app.services.health_check.rectification import start_rectifications
    from app.services.health_check.scoring import compute_month, previous_month

    run = compute_month(month or previous_month())
    return dict(vars(run), rectifications_started=start_rectifications(run.month))
