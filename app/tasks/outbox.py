"""The periodic outbox relay (Celery beat): re-send messages a crash left pending."""
from app.extensions import celery


@celery.task(name="outbox.relay")
def relay() -> int:
    from app.infra.outbox import relay_pending

    return relay_pending()
