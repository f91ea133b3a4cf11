"""The service fixtures give working servers: a round trip through each one."""
from __future__ import annotations

import queue
import uuid

import paho.mqtt.client as mqtt
import psycopg
import pytest
import redis
import sqlalchemy as sa

from tests.support.services import MosquittoBroker

TIMEOUT = 10


def test_postgres_sql_round_trip(postgres_url: str) -> None:
    engine = sa.create_engine(postgres_url)
    try:
        with engine.begin() as conn:
            conn.execute(sa.text("CREATE TEMPORARY TABLE probe (name text)"))
            conn.execute(sa.text("INSERT INTO probe VALUES (:name)"), {"name": "塔吊"})
            assert conn.execute(sa.text("SELECT name FROM probe")).scalar_one() == "塔吊"
    finally:
        engine.dispose()


def test_fresh_postgres_db_is_empty_and_separate(postgres_url: str, fresh_postgres_db: str) -> None:
    assert fresh_postgres_db != postgres_url
    plain = fresh_postgres_db.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(plain) as conn:
        tables = conn.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'").fetchone()
        assert tables == (0,)


def test_redis_set_get(redis_url: str) -> None:
    client = redis.Redis.from_url(redis_url)
    try:
        key = f"probe:{uuid.uuid4().hex}"
        client.set(key, "ok", ex=60)
        assert client.get(key) == b"ok"
    finally:
        client.close()


def _client(url: str, client_id: str = "", clean: bool = True) -> tuple[mqtt.Client, queue.Queue]:
    """A connected paho client whose received messages land in the returned queue."""
    host, port = url.removeprefix("mqtt://").split(":")
    received: queue.Queue = queue.Queue()
    client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=client_id, clean_session=clean)
    client.on_message = lambda _c, _u, msg: received.put((msg.topic, msg.payload, msg.qos))
    client.connect(host, int(port))
    client.loop_start()
    return client, received


def _subscribe(client: mqtt.Client, topic: str) -> None:
    subscribed: queue.Queue = queue.Queue()
    client.on_subscribe = lambda *_args: subscribed.put(True)
    client.subscribe(topic, qos=1)
    subscribed.get(timeout=TIMEOUT)


def _publish(url: str, topic: str, payload: bytes) -> None:
    client, _ = _client(url)
    try:
        client.publish(topic, payload, qos=1).wait_for_publish(TIMEOUT)
    finally:
        client.loop_stop()
        client.disconnect()


def _close(client: mqtt.Client) -> None:
    client.disconnect()
    client.loop_stop()


def test_mqtt_qos1_publish_subscribe(mqtt_url: str) -> None:
    topic = f"sitecase/test/{uuid.uuid4().hex}"
    subscriber, received = _client(mqtt_url)
    try:
        _subscribe(subscriber, topic)
        _publish(mqtt_url, topic, b'{"alarm": 1}')
        assert received.get(timeout=TIMEOUT) == (topic, b'{"alarm": 1}', 1)
    finally:
        _close(subscriber)


def test_persistent_session_message_survives_broker_restart(mqtt_broker: MosquittoBroker) -> None:
    topic, client_id = "sitecase/test/persistent", f"sidecar-{uuid.uuid4().hex[:8]}"
    subscriber, _ = _client(mqtt_broker.url, client_id, clean=False)
    _subscribe(subscriber, topic)
    _close(subscriber)

    _publish(mqtt_broker.url, topic, b"queued while away")
    port = mqtt_broker.port
    mqtt_broker.restart()
    assert mqtt_broker.port == port

    subscriber, received = _client(mqtt_broker.url, client_id, clean=False)
    try:
        assert received.get(timeout=TIMEOUT) == (topic, b"queued while away", 1)
    finally:
        _close(subscriber)


def test_users_of_a_service_fixture_get_its_marker(request: pytest.FixtureRequest, redis_url: str) -> None:
    # so that `-m "not redis"` deselects every test that needs Redis
    assert request.node.get_closest_marker("redis") is not None
