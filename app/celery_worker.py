"""The Celery worker's entry point: ``celery -A app.celery_worker worker -B --pool=solo``.

create_app configures the shared Celery object (app/celery_setup.py) and registers every task.
"""
from __future__ import annotations

from app import create_app
from app.extensions import celery

flask_app = create_app()

__all__ = ["celery", "flask_app"]
