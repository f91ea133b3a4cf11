"""The embedded run: the supervisor, the embedded MQTT broker, and `python -m app.runner` end to end."""
from __future__ import annotations

import json
import os
import queue
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import paho.mqtt.client as mqtt
import pytest

from app.infra.health import mqtt_connack
from app.runner import Backoff, Child, Supervisor, port_open
from tests.support.services import free_port

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
SLEEPER = [PYTHON, "-c", "import time; time.sleep(120)"]


def test_a_dying_child_is_restarted_with_backoff_and_the_rest_keep_running(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    starts = tmp_path / "starts"
    sleeper = Child("sleeper", SLEEPER)
    crasher = Child("crasher", [PYTHON, "-c", f"open({str(starts)!r}, 'a').write('x'); raise SystemExit(3)"])
    supervisor = Supervisor([sleeper, crasher], dict(os.environ), Backoff(min_s=0.1, max_s=0.4))
    sleeper_pid: list[int] = []

    def stop_later() -> None:
        sleeper_pid.append(sleeper.proc.pid)
        threading.Timer(2.5, os.kill, (os.getpid(), signal.SIGTERM)).start()

    assert supervisor.run(stop_later) == 0
    err = capsys.readouterr().err
    delays = [float(d) for d in re.findall(r"crasher \(pid \d+\) exited with code 3; restarting in ([\d.]+)s", err)]
    assert delays[:4] == [0.1, 0.2, 0.4, 0.4], err  # doubling, capped: never a tight loop
    assert starts.read_text().count("x") == supervisor.restarts + 1
    assert sleeper.proc.pid == sleeper_pid[0] and "stopping sleeper" in err  # never restarted
    assert sleeper.proc.returncode is not None


def test_backoff_doubles_up_to_its_cap() -> None:
    backoff = Backoff(min_s=1, max_s=30)
    assert [backoff.delay(n) for n in range(1, 8)] == [1, 2, 4, 8, 16, 30, 30]


def test_a_signal_stops_children_in_reverse_order(capsys: pytest.CaptureFixture[str]) -> None:
    first, second = Child("first", SLEEPER), Child("second", SLEEPER)
    code = Supervisor([first, second], dict(os.environ)).run(lambda: os.kill(os.getpid(), signal.SIGTERM))
    assert code == 0
    err = capsys.readouterr().err
    assert err.index("stopping second") < err.index("stopping first")
    assert first.proc.returncode is not None and second.proc.returncode is not None


def test_embedded_broker_delivers_qos1_and_stops_cleanly(tmp_path: Path) -> None:
    port = free_port()
    env = dict(os.environ, SITECASE_INSTANCE_DIR=str(tmp_path), MQTT_SERVICE_USERNAME="svc",
               MQTT_SERVICE_PASSWORD="svc-secret")
    broker = subprocess.Popen([PYTHON, "-m", "devices.broker", "--port", str(port)], cwd=ROOT,
                              env=env, stdout=subprocess.DEVNULL, start_new_session=True)
    try:
        _wait_for(lambda: port_open("127.0.0.1", port), 60, broker)
        assert not mqtt_connack("127.0.0.1", port)  # no credentials, no entry
        assert mqtt_connack("127.0.0.1", port, username="svc", password="svc-secret")
        received: queue.Queue = queue.Queue()
        client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, protocol=mqtt.MQTTv311)
        client.username_pw_set("svc", "svc-secret")
        client.on_message = lambda _c, _u, msg: received.put((msg.topic, msg.payload, msg.qos))
        client.connect("127.0.0.1", port)
        client.loop_start()
        try:
            client.subscribe("sitecase/p1/crane/d1/alarm", qos=1)
            time.sleep(0.3)
            client.publish("sitecase/p1/crane/d1/alarm", b"{}", qos=1).wait_for_publish(10)
            assert received.get(timeout=10) == ("sitecase/p1/crane/d1/alarm", b"{}", 1)
        finally:
            client.loop_stop()
            client.disconnect()
        broker.send_signal(signal.SIGTERM)
        assert broker.wait(15) == 0
    finally:
        _kill(broker)


def test_runner_serves_healthz_and_stops_on_ctrl_c(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("MQTT_URL", "DATABASE_URL", "REDIS_URL")}
    env.update(SITECASE_INSTANCE_DIR=str(tmp_path / "instance"), PYTHONUNBUFFERED="1",
               TIMER_SWEEP_SECONDS="1")
    subprocess.run([PYTHON, "-m", "flask", "--app", "wsgi", "db", "upgrade"], cwd=ROOT, env=env,
                   check=True, capture_output=True, timeout=300)
    web, mqtt_port = free_port(), free_port()
    log = tmp_path / "runner.log"
    with open(log, "wb") as out:
        runner = subprocess.Popen([PYTHON, "-m", "app.runner", "--port", str(web), "--mqtt-port", str(mqtt_port)],
                                  cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
                                  start_new_session=True)
    try:
        _wait_for(lambda: "Press Ctrl-C to stop." in log.read_text("utf-8", "replace"), 300, runner, log)
        with urllib.request.urlopen(f"http://127.0.0.1:{web}/healthz", timeout=30) as response:
            health = json.load(response)
        assert {"database", "broker", "mqtt"} <= health.keys(), health
        assert all(health[part]["ok"] for part in ("database", "broker", "mqtt")), health
        # The sidecar has no port to probe; its connect line proves it reached the embedded broker
        # (amqtt speaks MQTT 3.1.1 only, so a sidecar on MQTT 5 would retry there forever).
        connected = f"MQTT connected to 127.0.0.1:{mqtt_port}"
        _wait_for(lambda: connected in log.read_text("utf-8", "replace"), 120, runner, log)
        # The embedded beat's timer sweep travels through the filesystem queue to the worker.
        _wait_for(lambda: "Task timers.sweep[" in log.read_text("utf-8", "replace"), 60, runner, log)

        runner.send_signal(signal.SIGINT)
        assert runner.wait(90) == 0, _tail(log)
        assert not port_open("127.0.0.1", web) and not port_open("127.0.0.1", mqtt_port)
    finally:
        _kill(runner)


def _wait_for(ready, timeout: float, proc: subprocess.Popen, log: Path | None = None) -> None:
    deadline = time.monotonic() + timeout
    while not ready():
        if proc.poll() is not None:
            pytest.fail(f"process exited with code {proc.returncode}\n{_tail(log)}")
        if time.monotonic() > deadline:
            pytest.fail(f"not ready after {timeout}s\n{_tail(log)}")
        time.sleep(0.2)


def _tail(log: Path | None) -> str:
    return log.read_text("utf-8", "replace")[-6000:] if log and log.exists() else ""


def _kill(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
