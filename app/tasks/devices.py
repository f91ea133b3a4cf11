"""The daily special-operator compliance sweep of cranes and hoists (Celery beat)."""
from app.extensions import celery


@celery.task(name="devices.compliance")
def compliance() -> dict:
    from app.services.monitoring.compliance import sweep

    return vars(sweep())
