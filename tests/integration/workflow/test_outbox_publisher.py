"""The outbox off the step's path (issue 19): after the commit a step hands its messages to the
process's publisher thread and returns; the thread publishes them to the real broker (Redis here)
and marks them sent, several at once when they gathered; a broker that is down keeps no step
waiting and leaves the messages pending; a publisher that dies before publishing leaves them to
the relay, which delivers them. Asserts on state, never on time."""
from __future__ import annotations

import base64
import json
import socket
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
import redis
from sqlalchemy import select

from app.extensions import celery, db
from app.infra import outbox
from app.infra.uow import transaction
from app.models import InboxTask, Notification, OutboxMessage
from app.services.workflow import cases
from tests.support.factories import gen_project, gen_user

from .conftest import as_actor, gen_work

QUEUE = "celery"  # Celery's default queue: a Redis list of the published messages


def _drop_pools() -> None:
    # Celery builds its connection and producer pools once, for the broker of that moment.
    celery._pool = None
    celery.amqp._producer_pool = None


def _queued(broker_url: str) -> Iterator[None]:
    """Celery as deployed (not eager) on `broker_url`; the pools of the previous broker dropped."""
    before = celery.conf.broker_url
    celery.conf.update(broker_url=broker_url, task_always_eager=False)
    _drop_pools()
    try:
        yield
    finally:
        outbox.flush(60)
        celery.conf.update(broker_url=before, task_always_eager=True)
        _drop_pools()


@pytest.fixture
def broker(app, redis_url) -> Iterator[redis.Redis]:
    client = redis.Redis.from_url(redis_url)
    client.delete(QUEUE)
    gen = _queued(redis_url)
    next(gen)
    yield client
    next(gen, None)
    client.delete(QUEUE)
    client.close()


@pytest.fixture
def broker_down(app) -> Iterator[None]:
    with socket.socket() as probe:  # a loopback port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    gen = _queued(f"redis://127.0.0.1:{port}/0")
    next(gen)
    yield
    next(gen, None)


def _published(client: redis.Redis) -> list[tuple[str, dict]]:
    out = []
    for raw in reversed(client.lrange(QUEUE, 0, -1)):  # LPUSH: the oldest is last
        message = json.loads(raw)
        _args, kwargs, _embed = json.loads(base64.b64decode(message["body"]))
        out.append((message["headers"]["task"], kwargs))
    return out


def _started_case(deploy) -> tuple[object, int]:
    """A case of the review chain started by its contractor: one open task, one bell message."""
    deploy("review_loop.bpmn")
    project = gen_project()
    pm = as_actor(gen_user("contractor_pm", project=project))
    data = {"work_id": gen_work(project).id, "compile_days": 2, "history": None}
    db.session.commit()
    return pm, cases.start_case(pm, "review_loop", project_code=project.code, data=data)


def _messages() -> list[OutboxMessage]:
    db.session.expire_all()
    return list(db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def test_a_step_hands_its_message_to_the_publisher_which_publishes_and_marks_it(app, deploy, broker):
    pm, instance_id = _started_case(deploy)
    assert outbox.flush(60)
    [message] = _messages()
    assert message.task_name == "notifications.task_ready" and message.status == "sent"
    assert message.sent_at is not None
    [(task, kwargs)] = _published(broker)
    assert task == "notifications.task_ready"
    assert kwargs["instance_id"] == instance_id and kwargs["outbox_id"] == message.id  # its own id filled in
    assert db.session.scalar(select(Notification.id)) is None  # a worker's job, not the step's


def test_messages_that_gathered_go_in_one_pass_with_one_mark_sent(app, broker):
    publisher = outbox.publisher_for(db.engine)
    passes = publisher.passes
    with publisher.held():
        for n in range(3):
            with transaction():
                db.session.add(OutboxMessage(task_name="outbox.relay", payload={}))
            assert _messages()[n].status == "pending"  # the commit returned before any publish
    assert outbox.flush(60)
    assert [m.status for m in _messages()] == ["sent"] * 3
    assert publisher.passes == passes + 1
    assert [task for task, _ in _published(broker)] == ["outbox.relay"] * 3


def test_a_broker_that_is_down_keeps_no_step_waiting_and_the_messages_pending(app, deploy, broker_down):
    pm, instance_id = _started_case(deploy)  # committed and returned: the publisher tries alone
    [task] = db.session.scalars(select(InboxTask).where(InboxTask.instance_id == instance_id))
    assert task.status == "open"
    assert outbox.flush(60)  # its attempt failed ...
    [message] = _messages()
    assert message.status == "pending"  # ... and the message waits for the relay
    cases.complete_task(pm, task.id, {"plan_name": "v1"})  # the next step does not wait either
    assert outbox.flush(60)
    assert [m.status for m in _messages()] == ["pending", "pending"]


def test_a_publisher_killed_before_publishing_leaves_its_message_to_the_relay(app, deploy, broker):
    publisher = outbox.publisher_for(db.engine)
    with publisher.held():
        pm, instance_id = _started_case(deploy)
        publisher.abandon()  # what a killed process leaves: the commit, nothing published
    [message] = _messages()
    assert message.status == "pending" and _published(broker) == []
    now = datetime.now(UTC)
    assert outbox.relay_pending(now=now) == 0  # too young: its own commit may still be sending it
    celery.conf.task_always_eager = True  # the relay's tasks run here, as a worker would run them
    assert outbox.relay_pending(now=now + timedelta(minutes=2)) == 1
    [message] = _messages()
    assert message.status == "sent"
    [bell] = db.session.scalars(select(Notification).where(Notification.outbox_id == message.id))
    assert bell.instance_id == instance_id
    assert outbox.relay_pending(now=now + timedelta(minutes=5)) == 0


_EXITING_PROCESS = """
import sys
from pathlib import Path
sys.path.insert(0, {root!r})
from tests.support.apps import build_app
from app.extensions import db
from app.infra.uow import transaction
from app.models import OutboxMessage
app = build_app({url!r}, Path({folder!r}), CELERY_ALWAYS_EAGER=False, CELERY_BROKER_URL={broker!r})
with app.app_context():
    with transaction():
        db.session.add(OutboxMessage(task_name="outbox.relay", payload={{}}))
sys.exit(0)  # at once: what the publisher thread holds is flushed at exit
"""


def test_a_process_that_exits_right_after_its_commit_still_publishes(sqlite_app, redis_url, tmp_path):
    import subprocess
    import sys
    from pathlib import Path

    client = redis.Redis.from_url(redis_url)
    client.delete(QUEUE)
    root = str(Path(__file__).resolve().parents[3])
    script = _EXITING_PROCESS.format(root=root, url=sqlite_app.config["SQLALCHEMY_DATABASE_URI"],
                                     folder=str(tmp_path / "child"), broker=redis_url)
    subprocess.run([sys.executable, "-c", script], check=True, cwd=root, timeout=120)
    [message] = _messages()
    assert message.status == "sent"
    assert [task for task, _ in _published(client)] == ["outbox.relay"]
    client.delete(QUEUE)
    client.close()


def test_a_forked_child_publishes_with_its_own_thread(app, broker):
    import multiprocessing
    import os

    with transaction():
        db.session.add(OutboxMessage(task_name="outbox.relay", payload={}))
    assert outbox.flush(60)
    parents = outbox.publisher_for(db.engine)  # its thread runs in this process only

    def child() -> None:  # as a gunicorn worker or a Celery prefork child after the fork
        db.engine.dispose(close=False)  # the parent's connections stay the parent's
        with transaction():
            db.session.add(OutboxMessage(task_name="outbox.relay", payload={}))
        own = outbox.publisher_for(db.engine)
        os._exit(0 if outbox.flush(60) and own is not parents and own._thread.is_alive() else 1)

    process = multiprocessing.get_context("fork").Process(target=child)
    process.start()
    process.join(120)
    assert process.exitcode == 0
    assert [m.status for m in _messages()] == ["sent", "sent"]
    assert [task for task, _ in _published(broker)] == ["outbox.relay"] * 2
