"""Celery tasks: thin, ids in, one service call each. Named `module.verb`."""
from app.tasks import backup, devices, health_check, messages, notices, notifications, outbox, timers  # noqa: F401
