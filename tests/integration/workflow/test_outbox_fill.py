"""The outbox after the commit: what the flush wrote is sent without reading it back, a payload
asking for its own id (`"outbox_id": None`) gets it, and the sent messages are marked at once."""
from __future__ import annotations

from sqlalchemy import select

from app.extensions import celery, db
from app.infra import outbox
from app.infra.uow import transaction
from app.models import OutboxMessage


def test_a_payload_asking_for_its_id_gets_it_when_sent(app):
    seen = []
    name = "outbox_probe.record"

    def record(**kwargs):
        seen.append(kwargs)

    celery.task(name=name)(record)
    try:
        with transaction():
            db.session.add_all([OutboxMessage(task_name=name, payload={"n": 1, "outbox_id": None}),
                                OutboxMessage(task_name=name, payload={"n": 2})])
        rows = list(db.session.scalars(select(OutboxMessage).where(OutboxMessage.task_name == name)
                                       .order_by(OutboxMessage.id)))
        assert seen == [{"n": 1, "outbox_id": rows[0].id}, {"n": 2}]
        assert [r.status for r in rows] == ["sent", "sent"]
        assert rows[0].payload == {"n": 1, "outbox_id": None}  # the relay fills it in the same way
        assert outbox.send([rows[0].id]) == 0  # sent already: nothing goes out twice from here
    finally:
        celery.tasks.pop(name, None)
