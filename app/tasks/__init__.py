"""Celery tasks: thin, ids in, one service call each. Named `module.verb`."""
from app.tasks import timers  # noqa: F401
