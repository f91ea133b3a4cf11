"""Celery tasks: thin, ids in, one service call each. Named `module.verb`."""
from app.tasks import devices, health_check, insight, messages, notices, notifications, outbox, timers  # noqa: F401
