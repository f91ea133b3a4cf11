"""Supervising engineers' records, the daily sweeps (Celery beat): projects under construction
without a supervision log for N working days warn their chief supervisor and district officers;
records waiting for review or revision without a review case (written before the chain) get one."""
from app.extensions import celery


@celery.task(name="site_records.remind_missing_logs")
def remind_missing_logs() -> int:
    from app.services.site_records.reminders import remind_missing_logs as remind

    return remind()


@celery.task(name="site_records.start_missing_reviews")
def start_missing_reviews() -> int:
    from app.services.site_records.review_case import start_missing_cases

    return start_missing_cases()
