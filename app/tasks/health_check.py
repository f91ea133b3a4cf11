"""The monthly site health check (Celery beat): last month's scores, each project's report,
then the rectification cases of projects below the pass mark."""
from app.extensions import celery


@celery.task(name="health_check.monthly")
def monthly(month: str | None = None) -> dict:
    from app.infra.months import previous_month
    from app.services.health_check.rectification import start_rectifications
    from app.services.health_check.report import issue_reports
    from app.services.health_check.scoring import compute_month

    run = compute_month(month or previous_month())
    return dict(vars(run), reports_issued=issue_reports(run.month),
                rectifications_started=start_rectifications(run.month))
