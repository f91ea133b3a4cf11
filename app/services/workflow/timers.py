"""The timer sweep: wake every instance whose next timer is due.

Called by Celery beat (or the embedded scheduler) and by tests with the controllable clock.
Idempotent: each instance is locked (PostgreSQL: `FOR UPDATE SKIP LOCKED`, so parallel
sweepers share the work) and its due time re-checked under the lock; on SQLite the version
check makes a second sweeper lose the race, roll back, and then find nothing due.
"""
from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import select

from app.errors import ConflictError
from app.extensions import db
from app.infra import wallclock
from app.models import ProcessInstance
from app.services.access.actors import SYSTEM
from app.services.workflow import case_steps as rt
from app.services.workflow import incidents

log = logging.getLogger(__name__)


def due_instance_ids(now: datetime) -> list[int]:
    """Instances with a timer due at or before `now`, earliest first."""
    ids = list(db.session.scalars(select(ProcessInstance.id).where(
        ProcessInstance.next_timer_due <= now, ProcessInstance.status.in_(rt.ACTIVE))
        .order_by(ProcessInstance.next_timer_due, ProcessInstance.id)))
    db.session.commit()  # end the read; each wake-up is its own transaction
    return ids


def fire_due_timers(now: datetime | None = None) -> int:
    """Fire every due timer; returns how many instances this sweep advanced.

    A failing instance gets an incident (action `timers`), which takes it out of the sweep until
    the incident is retried, and the sweep goes on. That holds for any failure of the step, not
    only the engine's: otherwise the same instance, always due first, would fail every sweep.
    """
    now = now or wallclock.now()
    woken = 0
    for instance_id in due_instance_ids(now):
        try:
            with incidents.reporting(SYSTEM):
                woken += rt.run_in_transaction(SYSTEM, lambda i=instance_id: _wake(i, now))
        except incidents.CaseFailedError as exc:
            log.warning("timer step of instance %s failed: incident %s", instance_id, exc.incident_id)
            woken += 1
        except ConflictError as exc:  # lost every race: another worker has it, next sweep retries
            log.info("timer step of instance %s skipped: %s", instance_id, exc.code)
        except Exception as exc:
            incident_id = incidents.record_failure(instance_id, {"action": "timers"}, exc, SYSTEM)
            log.exception("timer step of instance %s failed: incident %s", instance_id, incident_id)
            woken += 1
    return woken


def _wake(instance_id: int, now: datetime) -> int:
    instance = rt.lock_instance(instance_id, skip_locked=True, due_before=now)
    if instance is None:  # another sweeper holds it or already fired it
        return 0
    rt.perform(instance, SYSTEM, {"action": "timers"}, now=now)
    return 1
