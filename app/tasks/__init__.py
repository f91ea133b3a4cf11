"""Celery tasks: thin, ids in, one service call each. Named `module.verb`."""
from app.tasks import devices, health_check, messages, notices, notifications, outbox, quality, timers  # noqa: F401
