"""Chaos: the real embedded run (`python -m app.runner`) under a device stream while each child
is killed with SIGKILL in turn. Every reading the broker acknowledged to the device is stored
exactly once or rejected (published = stored + rejected), and each child answers again.

The stream is bounded (one QoS 1 reading every ~25 ms from one registered device, every tenth
with an unknown metric so rejections are counted too); the test takes about a minute.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import paho.mqtt.client as mqtt
import pytest

from app.extensions import db
from tests.support.apps import build_app
from tests.support.factories import gen_device, gen_project
from tests.support.services import free_port

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "chaos-token"
DEVICE, PROJECT = "DUST-CHAOS", "P-CHAOS"
TOPIC = f"sitecase/{PROJECT}/dust/{DEVICE}/data"


class Stream:
    """Publishes readings in a thread; remembers the data_ids whose PUBACK arrived."""

    def __init__(self, port: int) -> None:
        self.acked: list[str] = []
        self.stop = threading.Event()
        self.client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id="chaos-device",
                                  protocol=mqtt.MQTTv311)
        self.client.username_pw_set(DEVICE, TOKEN)
        self.client.connect("127.0.0.1", port)
        self.client.loop_start()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        n = 0
        while not self.stop.is_set() and n < 5000:
            n += 1
            data_id = f"chaos-{n}"
            metrics = {"bogus_metric": 1} if n % 10 == 0 else {"pm10_ug_m3": 40 + n % 30}
            doc = {"data_id": data_id, "project_code": PROJECT, "device_code": DEVICE,
                   "device_type": "dust", "collected_at": datetime.now(UTC).isoformat(),
                   "metrics": metrics}
            info = self.client.publish(TOPIC, json.dumps(doc).encode(), qos=1)
            info.wait_for_publish(30)
            if info.is_published():
                self.acked.append(data_id)
            time.sleep(0.025)

    def close(self) -> None:
        self.stop.set()
        self.thread.join(60)
        self.client.disconnect()
        self.client.loop_stop()


def _prepare_instance(sqlite_template: Path, instance: Path) -> None:
    instance.mkdir(parents=True)
    database = instance / "sitecase.sqlite"
    shutil.copyfile(sqlite_template, database)
    app = build_app(f"sqlite:///{database}", instance)
    with app.app_context():
        project = gen_project(code=PROJECT)
        gen_device(project, "dust", code=DEVICE,
                   token_sha256=hashlib.sha256(TOKEN.encode()).hexdigest())
        db.session.remove()
        db.engine.dispose()


def _counts(database: Path) -> tuple[list[str], set[str]]:
    """data_ids of the stored readings (with repeats, if any) and of the rejected messages."""
    with sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=30) as conn:
        stored = [r[0] for r in conn.execute("SELECT data_id FROM device_reading")]
        raws = [r[0] for r in conn.execute("SELECT raw FROM rejected_message")]
    return stored, {json.loads(raw)["data_id"] for raw in raws}


def test_killing_each_child_loses_and_doubles_no_acknowledged_reading(sqlite_template, tmp_path) -> None:
    instance = tmp_path / "instance"
    _prepare_instance(sqlite_template, instance)
    env = {k: v for k, v in os.environ.items() if k not in ("MQTT_URL", "DATABASE_URL", "REDIS_URL")}
    env.update(SITECASE_INSTANCE_DIR=str(instance), PYTHONUNBUFFERED="1", SECRET_KEY="chaos",
               WEBHOOK_SECRET_KEYS="IkFqDCvrz-Id3oB6QOQ7Wj4OiOnytdfr4Ch6pGsx5Dk=")  # required with SECRET_KEY
    web, mqtt_port = free_port(), free_port()
    log = tmp_path / "runner.log"
    with open(log, "wb") as out:
        runner = subprocess.Popen([sys.executable, "-m", "app.runner", "--port", str(web),
                                   "--mqtt-port", str(mqtt_port)], cwd=ROOT, env=env, stdout=out,
                                  stderr=subprocess.STDOUT, start_new_session=True)
    text = lambda: log.read_text("utf-8", "replace")  # noqa: E731
    stream = None
    try:
        _wait(lambda: "Press Ctrl-C to stop." in text() and "MQTT subscribed" in text(), 300, runner, log)
        stream = Stream(mqtt_port)
        stream.thread.start()
        _wait(lambda: len(stream.acked) >= 40, 60, runner, log)
        # each child, then proof that it serves again: a new subscription, a ready worker, /healthz
        for name, answers in (("mqtt-sidecar", _count(log, r"MQTT subscribed")),
                              ("worker", _count(log, r"sitecase@\S+ ready\.")),
                              ("web", lambda: int(_healthz(web)))):
            _kill_and_wait_for_restart(runner, log, name, answers)
            published = len(stream.acked)
            _wait(lambda: len(stream.acked) >= published + 40, 60, runner, log)  # noqa: B023
        stream.close()
        acked = set(stream.acked)
        database = instance / "sitecase.sqlite"
        _wait(lambda: set(_counts(database)[0]) | _counts(database)[1] >= acked, 90, runner, log)
        stored, rejected = _counts(database)
        assert len(stored) == len(set(stored)), "a reading was stored twice"
        assert set(stored) | rejected == acked, "stored or rejected something never acknowledged"
        assert len(set(stored)) + len(rejected) == len(acked)
        assert rejected == {i for i in acked if int(i.split("-")[1]) % 10 == 0}
        assert "exited with code -9; restarting in" in text()
        print(f"chaos: published(acked)={len(acked)} stored={len(stored)} rejected={len(rejected)}")
        runner.send_signal(signal.SIGINT)
        assert runner.wait(90) == 0, _tail(log)
    finally:
        if stream is not None and not stream.stop.is_set():
            stream.close()
        if runner.poll() is None:
            os.killpg(runner.pid, signal.SIGKILL)
            runner.wait()


def _kill_and_wait_for_restart(runner: subprocess.Popen, log: Path, name: str,
                               answers: Callable[[], int]) -> None:
    """SIGKILL the child `name`; wait until the runner restarted it and `answers` grew."""
    before, pid = answers(), _pids(log.read_text("utf-8", "replace"), name)[-1]
    if name == "web":
        before = 0  # /healthz answered before the kill; after it, wait for it to answer again
    os.kill(pid, signal.SIGKILL)
    _wait(lambda: _pids(log.read_text("utf-8", "replace"), name)[-1] != pid, 60, runner, log)
    _wait(lambda: answers() > before, 120, runner, log)


def _count(log: Path, pattern: str) -> Callable[[], int]:
    return lambda: len(re.findall(pattern, log.read_text("utf-8", "replace")))


def _pids(text: str, name: str) -> list[int]:
    return [int(p) for p in re.findall(rf"started {re.escape(name)} \(pid (\d+)\)", text)]


def _healthz(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as response:
            return response.status == 200
    except OSError:
        return False


def _wait(ready, timeout: float, proc: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + timeout
    while not ready():
        if proc.poll() is not None:
            pytest.fail(f"runner exited with code {proc.returncode}\n{_tail(log)}")
        if time.monotonic() > deadline:
            pytest.fail(f"not ready after {timeout}s\n{_tail(log)}")
        time.sleep(0.2)


def _tail(log: Path) -> str:
    return log.read_text("utf-8", "replace")[-8000:] if log.exists() else ""
