"""Supervising engineers' records, the daily sweep (Celery beat): projects under construction
without a supervision log for N working days warn their chief supervisor and district officers."""
from app.extensions import celery


@celery.task(name="site_records.remind_missing_logs")
def remind_missing_logs() -> int:
    from app.services.site_records.reminders import remind_missing_logs as remind

    return remind()
