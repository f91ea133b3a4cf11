"""Celery tasks: thin, ids in, one service call each. Named `module.verb`."""
from app.tasks import (  # noqa: F401
    assessment,
    backup,
    devices,
    health_check,
    insight,
    messages,
    notices,
    notifications,
    outbox,
    quality,
    safety_education,
    site_records,
    timers,
    webhooks,
)
