"""The sidecar against a real Mosquitto (persistence on): delivery, crash, broker restart.

Duplicates are allowed at this layer (the ingest service drops them by data_id); losses are not.
Each test counts the duplicates it saw and reports them as a user property of the test.
"""
from __future__ import annotations

import contextlib
import json
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

import paho.mqtt.client as mqtt
import pytest

from app.infra.mqtt import mqtt_endpoint, parse_mqtt_url
from devices.messages import RawMessage
from devices.settings import SidecarConfig
from devices.sidecar import Sidecar
from tests.support.services import MosquittoBroker

CHILD = Path(__file__).with_name("sidecar_child.py")
ROOT = Path(__file__).resolve().parents[3]
TIMEOUT = 30.0


def wait_until(predicate: Callable[[], bool], timeout: float = TIMEOUT, what: str = "") -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what or predicate}")
        time.sleep(0.05)


def message(data_id: str, device: str = "DUST-1") -> tuple[str, bytes]:
    doc = {"data_id": data_id, "project_code": "P1", "device_code": device, "device_type": "dust",
           "collected_at": "2026-05-01T10:00:00+08:00", "metrics": {"pm10_ug_m3": 80}}
    return f"sitecase/P1/dust/{device}/data", json.dumps(doc).encode()


@contextlib.contextmanager
def publisher(broker: MosquittoBroker) -> Iterator[Callable[[list[str]], None]]:
    """A QoS 1 publisher; ``publish(ids)`` returns once the broker acknowledged every one."""
    client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, protocol=mqtt.MQTTv5)
    client.connect(broker.host, broker.port)
    client.loop_start()

    def publish(ids: list[str]) -> None:
        infos = [client.publish(*message(i), qos=1) for i in ids]
        for info in infos:
            info.wait_for_publish(TIMEOUT)
            assert info.is_published()

    try:
        yield publish
    finally:
        client.disconnect()
        client.loop_stop()


class Collector:
    """A thread-safe handler that remembers every data_id it was given, in order."""

    def __init__(self, gate: threading.Event | None = None) -> None:
        self.ids: list[str] = []
        self.batches = 0
        self.entered = threading.Event()
        self._gate = gate
        self._lock = threading.Lock()

    def __call__(self, batch: list[RawMessage]) -> None:
        self.entered.set()
        if self._gate is not None:
            assert self._gate.wait(TIMEOUT)
        with self._lock:
            self.ids.extend(json.loads(m.payload)["data_id"] for m in batch)
            self.batches += 1

    def distinct(self) -> set[str]:
        with self._lock:
            return set(self.ids)


@contextlib.contextmanager
def running_sidecar(config: SidecarConfig, handler: Callable[[list[RawMessage]], None]
                    ) -> Iterator[Sidecar]:
    sidecar = Sidecar(config, handler)
    stop = threading.Event()
    thread = threading.Thread(target=sidecar.run, args=(stop,), daemon=True)
    thread.start()
    try:
        assert sidecar.subscribed.wait(TIMEOUT), "sidecar never subscribed"
        yield sidecar
    finally:
        stop.set()
        thread.join(TIMEOUT)
        assert not thread.is_alive()


def config_for(broker: MosquittoBroker, client_id: str, **kw: object) -> SidecarConfig:
    kw.setdefault("batch_size", 10)
    kw.setdefault("batch_interval_ms", 50)
    return SidecarConfig.for_endpoint(parse_mqtt_url(broker.url), client_id=client_id, reconnect_max_s=2,
                                     **kw)


def test_qos1_messages_reach_the_handler_in_batches_and_are_acked(
        mqtt_broker: MosquittoBroker) -> None:
    ids = [f"a-{i}" for i in range(60)]
    collector = Collector()
    with running_sidecar(config_for(mqtt_broker, "it-deliver"), collector) as sidecar, \
            publisher(mqtt_broker) as publish:
        publish(ids)
        wait_until(lambda: collector.distinct() == set(ids), what="all messages handled")
        # The batcher counts a batch after the handler returned and the acks went out: wait for it.
        wait_until(lambda: sidecar.stats.handled >= len(ids), what="the last batch counted")
        assert sidecar.stats.handled == len(collector.ids)
    assert sorted(collector.ids) == sorted(ids)  # no duplicates without a failure
    assert 1 < collector.batches < len(ids)

    # Same client id again: a session whose messages were all acked redelivers nothing.
    again = Collector()
    with running_sidecar(config_for(mqtt_broker, "it-deliver"), again):
        time.sleep(1.5)
    assert again.ids == []


def _start_child(broker: MosquittoBroker, db: Path, log: Path, group: str | None) -> subprocess.Popen:
    argv = [sys.executable, str(CHILD), broker.url, "it-crash", str(db), *([group] if group else [])]
    with open(log, "ab") as out:
        return subprocess.Popen(argv, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT,
                                start_new_session=True)


def _handled(db: Path) -> list[str]:
    if not db.exists():
        return []
    with contextlib.closing(sqlite3.connect(db, timeout=10)) as conn:
        try:
            return [row[0] for row in conn.execute("SELECT data_id FROM handled")]
        except sqlite3.OperationalError:  # table not created yet
            return []


def _log_mentions(log: Path, text: str, occurrences: int) -> bool:
    return log.exists() and log.read_text(errors="replace").count(text) >= occurrences


@pytest.mark.parametrize("group", [None, "sitecase"], ids=["plain", "shared"])
def test_kill_minus_9_mid_stream_loses_no_message(mqtt_broker: MosquittoBroker, tmp_path: Path,
                                                  group: str | None,
                                                  record_property: Callable) -> None:
    db, log = tmp_path / "handled.sqlite", tmp_path / "child.log"
    ids = [f"k-{i}" for i in range(400)]
    child = _start_child(mqtt_broker, db, log, group)
    try:
        wait_until(lambda: _log_mentions(log, "MQTT subscribed", 1), what="child subscribed")
        with publisher(mqtt_broker) as publish:
            sender = threading.Thread(target=lambda: [publish(ids[i:i + 5]) or time.sleep(0.01)
                                                      for i in range(0, len(ids), 5)])
            sender.start()
            wait_until(lambda: len(_handled(db)) >= 100, what="100 handled before the kill")
            os.killpg(child.pid, signal.SIGKILL)
            child.wait(TIMEOUT)
            killed_at = len(set(_handled(db)))
            sender.join(TIMEOUT * 2)
            assert not sender.is_alive()
        assert killed_at < len(ids), "the kill came after the stream; it proves nothing"
        child = _start_child(mqtt_broker, db, log, group)
        wait_until(lambda: set(_handled(db)) == set(ids), timeout=60, what="every id handled")
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(child.pid, signal.SIGKILL)
        child.wait(TIMEOUT)
    counts = Counter(_handled(db))
    duplicates = sum(n - 1 for n in counts.values())
    record_property("duplicates", duplicates)
    print(f"kill -9 ({group or 'plain'}): {len(ids)} published, {killed_at} handled before the "
          f"kill, {duplicates} duplicate(s)")
    assert set(counts) == set(ids)


def test_broker_restart_is_survived_and_stale_acks_are_not_sent(
        mqtt_broker: MosquittoBroker, record_property: Callable) -> None:
    gate = threading.Event()
    collector = Collector(gate)
    before, after = [f"b-{i}" for i in range(20)], [f"c-{i}" for i in range(20)]
    with running_sidecar(config_for(mqtt_broker, "it-restart"), collector) as sidecar:
        with publisher(mqtt_broker) as publish:
            publish(before)
        assert collector.entered.wait(TIMEOUT)  # the first batch is in the handler, un-acked
        mqtt_broker.restart()  # graceful: mosquitto persists the session and its in-flight msgs
        gate.set()  # the handler returns after the connection that delivered the batch is gone
        wait_until(sidecar.subscribed.is_set, what="sidecar reconnected")
        with publisher(mqtt_broker) as publish:
            publish(after)
        wait_until(lambda: collector.distinct() == set(before + after), what="all handled")
        assert sidecar.stale_acks_skipped > 0
    record_property("duplicates", len(collector.ids) - len(collector.distinct()))

    again = Collector()  # and in the end everything was acked on the new connection
    with running_sidecar(config_for(mqtt_broker, "it-restart"), again):
        time.sleep(1.5)
    assert again.ids == []


def test_shared_subscription_hands_each_message_to_one_sidecar(mqtt_broker: MosquittoBroker) -> None:
    ids = [f"s-{i}" for i in range(60)]
    first, second = Collector(), Collector()
    with running_sidecar(config_for(mqtt_broker, "it-share-1", shared_group="g"), first), \
            running_sidecar(config_for(mqtt_broker, "it-share-2", shared_group="g"), second), \
            publisher(mqtt_broker) as publish:
        publish(ids)
        wait_until(lambda: first.distinct() | second.distinct() == set(ids), what="all handled")
    assert sorted(first.ids + second.ids) == sorted(ids)
    assert first.ids and second.ids


def test_embedded_amqtt_broker_with_mqtt_311(tmp_path: Path) -> None:
    """The one-command setup: devices/broker.py (amqtt, MQTT 3.1.1, no $share) + the sidecar."""
    from tests.support.services import free_port

    port = free_port()
    # logins required: the sidecar and this publisher use the service account
    env = dict(os.environ, SITECASE_INSTANCE_DIR=str(tmp_path), MQTT_SERVICE_USERNAME="svc",
               MQTT_SERVICE_PASSWORD="svc-pw")
    with open(tmp_path / "broker.log", "wb") as out:
        broker = subprocess.Popen([sys.executable, "-m", "devices.broker", "--port", str(port)],
                                  cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
                                  start_new_session=True)
    try:
        wait_until(lambda: _log_mentions(tmp_path / "broker.log", "listening", 1), what="amqtt")
        app_config = {"MQTT_URL": f"mqtt://svc:svc-pw@127.0.0.1:{port}", "MQTT_SHARED_GROUP": "sitecase",
                      "MQTT_EMBEDDED": True, "MQTT_CLIENT_ID": "it-amqtt"}
        config = SidecarConfig.from_app_config(mqtt_endpoint(app_config), app_config)
        collector, ids = Collector(), [f"e-{i}" for i in range(30)]
        with running_sidecar(config, collector):
            client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, protocol=mqtt.MQTTv311)
            client.username_pw_set("svc", "svc-pw")
            client.connect("127.0.0.1", port)
            client.loop_start()
            try:
                for info in [client.publish(*message(i), qos=1) for i in ids]:
                    info.wait_for_publish(TIMEOUT)
                wait_until(lambda: collector.distinct() == set(ids), what="all handled")
            finally:
                client.disconnect()
                client.loop_stop()
    finally:
        os.killpg(broker.pid, signal.SIGTERM)
        broker.wait(TIMEOUT)


def test_sidecar_started_before_the_broker_connects_when_it_comes(
        mqtt_broker: MosquittoBroker, monkeypatch: pytest.MonkeyPatch,
        caplog: pytest.LogCaptureFixture) -> None:
    monkeypatch.setattr("devices.sidecar.NOT_CONNECTED_WARNING_S", 0.5)
    mqtt_broker.stop()
    collector = Collector()
    sidecar = Sidecar(config_for(mqtt_broker, "it-early"), collector)
    stop = threading.Event()
    thread = threading.Thread(target=sidecar.run, args=(stop,), daemon=True)
    with caplog.at_level("WARNING", logger="devices.sidecar"):
        thread.start()
        try:
            # the warning comes ~0.5 s after the start: waited for, not slept for (two test workers load the machine)
            wait_until(lambda: "not connected and subscribed" in caplog.text, what="the not-connected warning")
            mqtt_broker.start()
            wait_until(sidecar.subscribed.is_set, what="first connection after the broker came")
            with publisher(mqtt_broker) as publish:
                publish(["early-1", "early-2"])
            wait_until(lambda: collector.distinct() == {"early-1", "early-2"}, what="handled")
        finally:
            stop.set()
            thread.join(TIMEOUT)
    assert not thread.is_alive()
