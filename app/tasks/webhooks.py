"""The webhook delivery pass (Celery beat, every WEBHOOK_POLL_SECONDS)."""
from app.extensions import celery


@celery.task(name="webhooks.deliver")
def deliver() -> dict:
    from app.services.exchange.webhook_delivery import run_pass

    return run_pass()


@celery.task(name="webhooks.prune")
def prune() -> dict:
    from app.services.exchange.webhook_pruning import prune

    return prune()
