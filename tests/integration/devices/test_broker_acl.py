"""The embedded broker (amqtt + devices/broker_acl.py) with device logins checked against the
real device registry: who may connect, publish, subscribe; QoS 1 queued for an offline sidecar."""
from __future__ import annotations

import asyncio
import contextlib
import hashlib
import queue
import subprocess
import sys
import threading
from collections.abc import Iterator

import paho.mqtt.client as mqtt

from app.extensions import db
from devices.broker import app_authority, running_broker
from tests.support.factories import gen_device, gen_project
from tests.support.services import free_port

TIMEOUT = 20.0
SERVICE = ("sitecase-sidecar", "service-secret")


@contextlib.contextmanager
def embedded_broker(app) -> Iterator[int]:
    """The embedded broker's configuration, served from a thread of this test."""
    app.config.update(MQTT_SERVICE_USERNAME=SERVICE[0], MQTT_SERVICE_PASSWORD=SERVICE[1])
    port, started = free_port(), threading.Event()
    loop = asyncio.new_event_loop()
    stop: asyncio.Event | None = None

    async def serve() -> None:
        nonlocal stop
        stop = asyncio.Event()
        async with running_broker("127.0.0.1", port, app_authority(app)):
            started.set()
            await stop.wait()

    thread = threading.Thread(target=loop.run_until_complete, args=(serve(),), daemon=True)
    thread.start()
    assert started.wait(TIMEOUT)
    try:
        yield port
    finally:
        loop.call_soon_threadsafe(stop.set)
        thread.join(TIMEOUT)


class Client:
    """A paho MQTT 3.1.1 client that records its CONNACK code, SUBACKs and messages."""

    def __init__(self, port: int, username: str | None, password: str | None,
                 client_id: str = "", clean_session: bool = True) -> None:
        self.connack: queue.Queue = queue.Queue()
        self.subacks: queue.Queue = queue.Queue()
        self.messages: queue.Queue = queue.Queue()
        self.mqtt = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=client_id,
                                protocol=mqtt.MQTTv311, clean_session=clean_session)
        if username is not None:
            self.mqtt.username_pw_set(username, password)
        self.mqtt.on_connect = lambda _c, _u, _f, rc, _p: self.connack.put(rc.value)
        self.mqtt.on_subscribe = lambda _c, _u, _m, rcs, _p: self.subacks.put([rc.value for rc in rcs])
        self.mqtt.on_message = lambda _c, _u, msg: self.messages.put((msg.topic, msg.payload))
        self.mqtt.connect("127.0.0.1", port)
        self.mqtt.loop_start()
        self.rc = self.connack.get(timeout=TIMEOUT)

    def subscribe(self, topic: str) -> list[int]:
        self.mqtt.subscribe(topic, qos=1)
        return self.subacks.get(timeout=TIMEOUT)

    def publish(self, topic: str, *payloads: bytes) -> None:
        """Publish at QoS 1; return once the broker acknowledged every one."""
        infos = [self.mqtt.publish(topic, payload, qos=1) for payload in payloads]
        for info in infos:
            info.wait_for_publish(TIMEOUT)
            assert info.is_published()

    def close(self) -> None:
        self.mqtt.disconnect()
        self.mqtt.loop_stop()


def device_with_token(token: str, **kw):
    project = gen_project(code=kw.pop("project_code", "P-ACL"))
    return gen_device(project, "dust", token_sha256=hashlib.sha256(token.encode()).hexdigest(), **kw)


def topic(device, kind: str = "data") -> str:
    return f"sitecase/{device.project.code}/{device.device_type}/{device.code}/{kind}"


def test_only_devices_with_their_token_and_the_service_account_may_connect(app) -> None:
    device_with_token("tok-1", code="DUST-1")
    device_with_token("tok-2", code="DUST-OFF", project_code="P-OFF", active=False)
    db.session.commit()
    with embedded_broker(app) as port:
        refused = [(None, None), ("DUST-1", "wrong"), ("DUST-1", ""), ("NOBODY", "tok-1"),
                   ("DUST-OFF", "tok-2"), (SERVICE[0], "wrong"), (SERVICE[0], "tok-1")]
        for username, password in refused:
            client = Client(port, username, password)
            assert client.rc != 0, (username, password)
            client.close()
        for username, password in [("DUST-1", "tok-1"), SERVICE]:
            client = Client(port, username, password)
            assert client.rc == 0, (username, password)
            client.close()


def test_a_device_publishes_only_on_its_own_topics_and_subscribes_to_nothing(app) -> None:
    own = device_with_token("tok-own", code="DUST-OWN")
    other = device_with_token("tok-other", code="DUST-OTHER", project_code="P-OTHER")
    db.session.commit()
    own_topics, other_topic = [topic(own), topic(own, "alarm")], topic(other)
    with embedded_broker(app) as port:
        sidecar = Client(port, *SERVICE)
        assert sidecar.subscribe("sitecase/+/+/+/data") == [1]
        assert sidecar.subscribe("sitecase/+/+/+/alarm") == [1]
        device = Client(port, "DUST-OWN", "tok-own")
        assert device.subscribe("sitecase/#") == [0x80]
        assert device.subscribe(topic(own)) == [0x80]
        for refused in (other_topic, "sitecase/P-OTHER/dust/DUST-OWN/data",
                        "sitecase/P-ACL/dust/DUST-OWN/command", "elsewhere"):
            device.publish(refused, b"refused")
        for allowed in own_topics:
            device.publish(allowed, b"allowed")
        got = [sidecar.messages.get(timeout=TIMEOUT) for _ in own_topics]
        assert got == [(t, b"allowed") for t in own_topics]
        assert sidecar.messages.empty()  # the refused ones, published first, never arrived
        device.close()
        sidecar.close()


def test_qos1_messages_published_while_the_sidecar_is_away_are_queued_for_it(app) -> None:
    device = device_with_token("tok-q", code="DUST-Q")
    db.session.commit()
    with embedded_broker(app) as port:
        first = Client(port, *SERVICE, client_id="sidecar-q", clean_session=False)
        assert first.subscribe("sitecase/+/+/+/data") == [1]
        first.close()  # the sidecar goes away; its session stays
        publisher = Client(port, "DUST-Q", "tok-q")
        payloads = [f"r-{i}".encode() for i in range(300)]
        publisher.publish(topic(device), *payloads)
        # right after the last PUBACK: plain amqtt dropped what it had not yet broadcast
        publisher.close()
        back = Client(port, *SERVICE, client_id="sidecar-q", clean_session=False)
        # QoS 1 is at least once: a PUBACK later than amqtt's 5 s (a loaded machine) puts the
        # message back on the queue and it comes again (ingestion drops it by data_id). Every
        # payload must arrive; one that never does ends the wait with queue.Empty.
        got: list[bytes] = []
        while set(got) != set(payloads):
            got.append(back.messages.get(timeout=TIMEOUT)[1])
        assert len(got) < 2 * len(payloads)
        back.close()


NEVER_ACKS = """
import sys, paho.mqtt.client as mqtt
port, user, password = int(sys.argv[1]), sys.argv[2], sys.argv[3]
c = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id="sidecar-k", protocol=mqtt.MQTTv311,
                clean_session=False, manual_ack=True)
c.username_pw_set(user, password)
c.on_connect = lambda cl, *_: cl.subscribe("sitecase/+/+/+/data", qos=1)
c.on_subscribe = lambda *_: print("subscribed", flush=True)
c.on_message = lambda _c, _u, m: print("got", m.payload.decode(), flush=True)  # never acked
c.connect("127.0.0.1", port)
c.loop_forever()
"""


def test_a_message_in_flight_to_a_killed_sidecar_is_delivered_after_its_restart(app) -> None:
    device = device_with_token("tok-k", code="DUST-K")
    db.session.commit()
    with embedded_broker(app) as port:
        child = subprocess.Popen([sys.executable, "-c", NEVER_ACKS, str(port), *SERVICE],
                                 stdout=subprocess.PIPE, text=True)
        try:
            assert child.stdout.readline().strip() == "subscribed"
            publisher = Client(port, "DUST-K", "tok-k")
            publisher.publish(topic(device), b"in-flight")
            assert child.stdout.readline().strip() == "got in-flight"  # delivered, never acked
            child.kill()  # SIGKILL: amqtt cancelled the unacknowledged delivery and forgot it
        finally:
            child.kill()
            child.wait()
        back = Client(port, *SERVICE, client_id="sidecar-k", clean_session=False)
        assert back.messages.get(timeout=TIMEOUT) == (topic(device), b"in-flight")
        back.close()
        publisher.close()
