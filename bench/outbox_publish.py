"""CPU per outbox message of the ways to publish it (issue 19, lane outbox). From the project root:

    .venv/bin/python bench/outbox_publish.py [--messages 2000] [--batch 20]

On both brokers SiteCase uses (kombu's filesystem transport, Redis), CPU of this process per
message (`time.process_time`), nothing consuming:
  apply_async           what main did in the step's thread: `task.apply_async` per message;
  (a) held producer     Celery's own message builder and sender, one producer held for the lot;
  (a) hand-built        a protocol-2 message built here, `producer.publish` without Celery;
  (b) thread pass       what the publisher thread does per pass (`Publisher.publish`: one producer,
                        the messages, one mark-sent UPDATE on SQLite), per message;
  (c) one per batch     one message carrying `--batch` ids (its share per id).
and the mark-sent UPDATE on SQLite and PostgreSQL: one per message vs one per `--batch` messages.
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TASK = "notifications.task_ready"
PAYLOAD = {"instance_id": 1234, "message": "新待办：审批", "role": "contractor_pm", "user": None,
           "outbox_id": 5678, "title": "六步审批"}


def _per_message(call: Callable[[int], None], n: int) -> float:
    for i in range(min(50, n)):  # warm the pools and caches
        call(i)
    cpu = time.process_time()
    for i in range(n):
        call(i)
    return (time.process_time() - cpu) / n * 1000


def publishes(n: int, batch: int) -> list[tuple[str, float]]:
    from app.extensions import celery

    task = celery.tasks[TASK]
    amqp = celery.amqp
    out = [("apply_async (main: in the step's thread)", _per_message(
        lambda i: task.apply_async(kwargs=PAYLOAD, argsrepr="()", kwargsrepr=f"{{outbox message {i}}}"), n))]
    with celery.producer_or_acquire() as producer:
        def builder(i: int) -> None:
            task_id = str(uuid.uuid4())
            message = amqp.create_task_message(task_id, TASK, (), PAYLOAD, argsrepr="()",
                                               kwargsrepr=f"{{outbox message {i}}}", root_id=task_id,
                                               ignore_result=True)
            amqp.send_task_message(producer, TASK, message, routing_key="celery", exchange="")
        out.append(("(a) Celery's builder, one producer held", _per_message(builder, n)))

        def raw(i: int) -> None:
            task_id = str(uuid.uuid4())
            headers = {"lang": "py", "task": TASK, "id": task_id, "shadow": None, "eta": None,
                       "expires": None, "group": None, "group_index": None, "retries": 0,
                       "timelimit": [None, None], "root_id": task_id, "parent_id": None,
                       "argsrepr": "()", "kwargsrepr": f"{{outbox message {i}}}", "origin": "bench",
                       "ignore_result": True}
            producer.publish(((), PAYLOAD, {"callbacks": None, "errbacks": None, "chain": None, "chord": None}),
                             exchange="", routing_key="celery", serializer="json", headers=headers,
                             correlation_id=task_id, delivery_mode=2, retry=False)
        out.append(("(a) hand-built message, raw publish", _per_message(raw, n)))

    from app.extensions import db
    from app.infra import outbox

    publisher = outbox.Publisher(db.engine)  # its `publish`, called here: no thread in between
    rows = [(i, TASK, dict(PAYLOAD)) for i in range(batch)]
    out.append((f"(b) Publisher.publish, a pass of {batch} with its mark-sent UPDATE", _per_message(
        lambda i: outbox._mark_sent(publisher.publish(rows)), n // batch) / batch))
    out.append(("(b) Publisher.publish, a pass of 1 with its mark-sent UPDATE", _per_message(
        lambda i: outbox._mark_sent(publisher.publish(rows[:1])), n)))
    out.append(("(b) Publisher.publish, a pass of 1, its UPDATE shared by 20", _per_message(
        lambda i: publisher.publish(rows[:1]) if i % batch else outbox._mark_sent(publisher.publish(rows[:1])), n)))
    ids = list(range(batch))
    out.append((f"(c) one message of {batch} ids, its share per id", _per_message(
        lambda i: celery.send_task("outbox.deliver", kwargs={"ids": ids}, add_to_parent=False,
                                   ignore_result=True, argsrepr="()", kwargsrepr="{ids}"), n // batch) / batch))
    return out


def mark_sent(n: int, batch: int) -> list[tuple[str, float]]:
    from datetime import UTC, datetime

    from app.extensions import db
    from app.infra import outbox

    now = datetime.now(UTC)
    with db.engine.begin() as conn:
        ids = conn.execute(outbox._INSERT, [{"task_name": TASK, "payload": PAYLOAD, "status": "pending",
                                             "created_at": now}] * n).scalars().all()

    def one(i: int) -> None:
        outbox._mark_sent([ids[i % n]])

    def per_batch(i: int) -> None:
        if i % batch == 0:
            outbox._mark_sent(ids[i % n:i % n + batch])
    return [("mark-sent UPDATE, one per message", _per_message(one, n)),
            (f"mark-sent UPDATE, one per {batch} messages (per message)", _per_message(per_batch, n // batch * batch))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=2000)
    parser.add_argument("--batch", type=int, default=20)
    args = parser.parse_args()
    from tests.support.apps import build_app, create_schema
    from tests.support.services import running_postgres, running_redis

    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    with tempfile.TemporaryDirectory() as tmp, running_redis() as redis_url:
        for label, broker in (("filesystem transport", {}), ("Redis", {"CELERY_BROKER_URL": redis_url})):
            app = build_app(f"sqlite:///{tmp}/{len(broker)}.sqlite", Path(tmp) / f"i{len(broker)}",
                            CELERY_ALWAYS_EAGER=False, **broker)
            create_schema(app)
            from app.extensions import celery

            celery._pool = None  # the pools of the previous broker
            celery.amqp._producer_pool = None
            with app.app_context():
                print(f"{label}:")
                for name, ms in publishes(args.messages, args.batch):
                    print(f"  {name}: {ms:.3f} ms CPU per message")
                if not broker:
                    print("SQLite:")
                    for name, ms in mark_sent(args.messages, args.batch):
                        print(f"  {name}: {ms:.3f} ms CPU per message")
        with running_postgres() as url:
            app = build_app(url, Path(tmp) / "pg", CELERY_ALWAYS_EAGER=False)
            create_schema(app)
            with app.app_context():
                print("PostgreSQL:")
                for name, ms in mark_sent(args.messages, args.batch):
                    print(f"  {name}: {ms:.3f} ms CPU per message")
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
