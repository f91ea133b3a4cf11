"""Statistics upkeep (Celery beat): recompute the daily alarm rollups of the days that changed."""
from app.extensions import celery


@celery.task(name="insight.rollups")
def rollups() -> dict:
    from app.services.insight.rollups import refresh_dirty

    return vars(refresh_dirty())
