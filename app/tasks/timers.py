"""The periodic timer sweep (Celery beat): wake instances whose next timer is due."""
from app.extensions import celery


@celery.task(name="timers.sweep")
def sweep() -> int:
    from app.services.workflow.timers import fire_due_timers

    return fire_due_timers()
