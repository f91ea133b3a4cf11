"""Device pipeline benchmark against a real Mosquitto (started here via tests/support/services.py).

    .venv/bin/python bench/devices.py [--readings 30000] [--latency-samples 60] [--storm-seconds 60]
                                      [--backends sqlite,postgresql] [--publishers 3] [--sidecars 2]

Per backend (a fresh SQLite file / a throw-away PostgreSQL cluster, demo data, the real
device_alarm_disposal diagram):
1. service: `ingest_messages` called directly with batches of 500 prepared messages —
   validation, registry check, dedupe, threshold evaluation, bulk storage;
2. sustained: a publisher process sends N QoS 1 readings as fast as the broker takes them; the
   real sidecar (in-process thread, batches of 500, acks after commit) ingests them; readings/s
   = N / (last stored − first published);
2b. scale-out (--publishers P --sidecars S): P publisher processes, S sidecar processes on one
   `$share/…` group, ingesting for real (sustained_P pub_S sidecars), then the same with
   sidecars that only count (mqtt_only: the MQTT path alone), then publishers alone with nobody
   subscribed (publish_only);
3. latency: publish → open inbox task of a NEW alarm (a fresh device per sample), measured
   from the publish call to the inbox row's creation (polled every 5 ms), idle and while a
   background publisher streams ~1,000 readings/s;
4. storm: one device over threshold on every reading (10/s) for --storm-seconds → cases.
"""
from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import paho.mqtt.client as mqtt  # noqa: E402
from sqlalchemy import func, select  # noqa: E402

from tests.support.services import MosquittoBroker, running_mosquitto, running_postgres  # noqa: E402

BATCH = 500


def unlimited_queue(broker: MosquittoBroker) -> None:
    """Mosquitto drops QoS 1 messages beyond max_queued_messages (default 1000) for a subscriber
    that lags; a benchmark that floods must lift that limit (as production should)."""
    make = broker._make

    def patched(port: int):
        server = make(port)
        conf = broker._workdir / "mosquitto.conf"
        conf.write_text(conf.read_text() + "max_queued_messages 0\nmax_inflight_messages 0\n")
        return server

    broker._make = patched  # type: ignore[method-assign]
    broker.restart()


def publish_process(host: str, port: int, messages: list[tuple[str, bytes]], rate: float,
                    started: mp.Event, go: mp.Event | None = None) -> None:
    client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, protocol=mqtt.MQTTv5)
    client.max_inflight_messages_set(1000)
    client.max_queued_messages_set(0)
    client.connect(host, port)
    client.loop_start()
    started.set()
    if go is not None:
        go.wait(60)
    begin = time.monotonic()
    info = None
    for i, (topic, body) in enumerate(messages):
        info = client.publish(topic, body, qos=1)
        if rate:
            delay = begin + (i + 1) / rate - time.monotonic()
            if delay > 0:
                time.sleep(delay)
    if info is not None:
        info.wait_for_publish(120)
    client.disconnect()
    client.loop_stop()


def build_site(url: str, folder: Path):
    from app.extensions import db
    from app.models import Device, Project
    from app.services import demo
    from app.services.deployments import deploy
    from tests.integration.alarms.conftest import disposal_bundle
    from tests.support.apps import build_app, create_schema

    app = build_app(url, folder)
    create_schema(app)
    with app.app_context():
        demo.seed(app.config["DEMO_PASSWORD"])
        deploy(disposal_bundle())
        project = db.session.scalar(select(Project).where(Project.code == "JS-2026-001"))
        for i in range(400):  # latency samples need a device without an open alarm each
            db.session.add(Device(code=f"BENCH-TC-{i:03d}", device_type="tower_crane",
                                  name=f"压测塔吊{i}", project_id=project.id))
        db.session.commit()
    return app


def readings(count: int, devices: list, *, excursion: float = 0.0, seed: int = 7) -> list[tuple[str, bytes]]:
    import random

    from app.services import device_simulator as sim
    from app.services.device_thresholds import catalogue
    rng, cat = random.Random(seed), catalogue()
    out = []
    for i in range(count):
        topic, doc = sim.reading(devices[i % len(devices)], cat, excursion_probability=excursion, rng=rng)
        out.append((topic, json.dumps(doc).encode()))
    return out


def bench_service(app, n: int) -> float:
    from app.services import device_simulator as sim
    from app.services.device_ingest import ingest_messages
    from devices.messages import RawMessage
    with app.app_context():
        devices = [d for d in sim.demo_devices() if not d.code.startswith("BENCH")]
        raw = [RawMessage(t, b).to_dict() for t, b in readings(n, devices, seed=1)]
        start = time.perf_counter()
        for i in range(0, n, BATCH):
            ingest_messages(raw[i:i + BATCH])
        return n / (time.perf_counter() - start)


class SidecarRunner:
    def __init__(self, app, broker: MosquittoBroker, client_id: str) -> None:
        from app.services.device_ingest import ingest_messages
        from devices.__main__ import build_handler
        from devices.settings import SidecarConfig
        from devices.sidecar import Sidecar
        config = SidecarConfig.from_url(broker.url, client_id=client_id, batch_size=BATCH,
                                        batch_interval_ms=50, receive_maximum=1000)
        self.sidecar = Sidecar(config, build_handler(app, ingest_messages))
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.sidecar.run, args=(self.stop,), daemon=True)

    def __enter__(self):
        self.thread.start()
        assert self.sidecar.subscribed.wait(30)
        return self.sidecar

    def __exit__(self, *exc) -> None:
        self.stop.set()
        self.thread.join(30)


def count_readings(app) -> int:
    from app.extensions import db
    from app.models import DeviceReading
    with app.app_context():
        n = db.session.scalar(select(func.count()).select_from(DeviceReading))
        db.session.remove()
    return n


def start_publisher(broker, messages, rate: float = 0.0, go: mp.Event | None = None) -> mp.Process:
    started = mp.Event()
    proc = mp.Process(target=publish_process, args=(broker.host, broker.port, messages, rate, started, go))
    proc.start()
    started.wait(30)
    return proc


def start_publishers(broker, messages, count: int) -> tuple[list[mp.Process], mp.Event]:
    """`count` connected publisher processes, each with an interleaved share of `messages`;
    they start sending when the returned event is set."""
    go = mp.Event()
    return [start_publisher(broker, messages[i::count], go=go) for i in range(count)], go


def sidecar_process(url: str, folder: str, broker_url: str, client_id: str, group: str | None,
                    noop: bool, ready, stop, handled) -> None:
    """One sidecar in its own interpreter (spawned): the deployment's scale-out unit."""
    sys.path.insert(0, str(ROOT))
    from app.services.device_ingest import ingest_messages
    from devices.__main__ import build_handler
    from devices.settings import SidecarConfig
    from devices.sidecar import Sidecar
    from tests.support.apps import build_app
    app = build_app(url, Path(folder))
    # Session expiry 0: the broker forgets these sessions (and their $share membership) on
    # disconnect; a kept session would have Mosquitto queue a share of every later message
    # for a sidecar that never comes back, loading the broker during the later runs.
    config = SidecarConfig.from_url(broker_url, client_id=client_id, shared_group=group,
                                    batch_size=BATCH, batch_interval_ms=50, receive_maximum=1000,
                                    session_expiry_s=0)

    def count_only(batch) -> None:
        with handled.get_lock():
            handled.value += len(batch)

    handler = build_handler(app, ingest_messages)
    sidecar = Sidecar(config, count_only if noop else lambda b: (handler(b), count_only(b)))
    stop_flag = threading.Event()
    thread = threading.Thread(target=sidecar.run, args=(stop_flag,), daemon=True)
    thread.start()
    sidecar.subscribed.wait(30)
    ready.set()
    stop.wait()
    stop_flag.set()
    thread.join(30)


class SidecarProcesses:
    """`count` sidecar processes on one `$share/bench-<tag>/…` group (or one plain subscription)."""

    def __init__(self, url: str, folder: Path, broker, count: int, tag: str, noop: bool = False):
        ctx = mp.get_context("spawn")
        self.stop, self.handled = ctx.Event(), ctx.Value("q", 0)
        # A group of its own per run: kept sessions of earlier runs' sidecars stay members of
        # their group, and Mosquitto would queue a share of the messages for them.
        group = f"bench-{tag}" if count > 1 else None
        self.ready = [ctx.Event() for _ in range(count)]
        self.procs = [ctx.Process(target=sidecar_process, args=(
            url, str(folder), broker.url, f"bench-{tag}-{i}", group, noop, self.ready[i], self.stop,
            self.handled)) for i in range(count)]

    def __enter__(self):
        for proc in self.procs:
            proc.start()
        for ready in self.ready:
            if not ready.wait(90):
                raise RuntimeError("a sidecar process did not subscribe in 90 s")
        return self

    def __exit__(self, *exc) -> None:
        self.stop.set()
        for proc in self.procs:
            proc.join(60)


def wait_until(done, n: int, begin: float) -> float:
    while done() < n:
        if time.monotonic() - begin > 600:
            raise RuntimeError("run did not finish in 10 minutes")
        time.sleep(0.05)
    return time.monotonic() - begin


def bench_sustained(app, broker, n: int, publishers: int = 1, sidecars: int = 0,
                    url: str = "", folder: Path | None = None, noop: bool = False) -> tuple[float, float]:
    """End to end: publishers → Mosquitto → sidecar(s) → stored rows. `sidecars=0` is the
    in-process sidecar thread of the original benchmark; `noop` sidecars only count messages
    (the MQTT part alone)."""
    from app.services import device_simulator as sim
    with app.app_context():
        devices = [d for d in sim.demo_devices() if not d.code.startswith("BENCH")]
        messages = readings(n, devices, seed=2 + publishers * 10 + sidecars)
    before = count_readings(app)
    if sidecars == 0:
        with SidecarRunner(app, broker, "bench-sustained"):
            procs, go = start_publishers(broker, messages, publishers)
            begin = time.monotonic()
            go.set()
            elapsed = wait_until(lambda: count_readings(app) - before, n, begin)
    else:
        with SidecarProcesses(url, folder, broker, sidecars, f"s{publishers}{int(noop)}", noop) as side:
            procs, go = start_publishers(broker, messages, publishers)
            begin = time.monotonic()
            go.set()
            elapsed = wait_until(lambda: side.handled.value, n, begin)
    for proc in procs:
        proc.join(60)
    return n / elapsed, elapsed


def bench_publish_only(broker, n: int, publishers: int) -> float:
    """Publishers alone (nobody subscribed): QoS 1 messages acknowledged by the broker per second."""
    messages = [(f"bench/void/{i % 50}", b'{"x": 1}' * 20) for i in range(n)]
    procs, go = start_publishers(broker, messages, publishers)
    begin = time.monotonic()
    go.set()
    for proc in procs:
        proc.join(600)
    return n / (time.monotonic() - begin)


def bench_latency(app, broker, samples: int, background_rate: float, offset: int) -> list[float]:
    from app.extensions import db
    from app.models import DeviceAlarm, InboxTask
    from app.services import device_simulator as sim
    with app.app_context():
        devices = [d for d in sim.demo_devices() if not d.code.startswith("BENCH")]
        noise = readings(int(background_rate * 60) or 1, devices, seed=3)
    client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, protocol=mqtt.MQTTv5)
    client.connect(broker.host, broker.port)
    client.loop_start()
    out = []
    background = start_publisher(broker, noise, background_rate) if background_rate else None
    with SidecarRunner(app, broker, f"bench-latency-{offset}"), app.app_context():
        for i in range(samples):
            code = f"BENCH-TC-{offset + i:03d}"
            doc = {"data_id": f"lat-{offset}-{i}", "project_code": "JS-2026-001", "device_code": code,
                   "device_type": "tower_crane", "collected_at": sim.local_iso(__import__("datetime").datetime.now(__import__("datetime").UTC)),
                   "metrics": {"load_pct": 105}}
            start = time.monotonic()
            client.publish(f"sitecase/JS-2026-001/tower_crane/{code}/data", json.dumps(doc), qos=1)
            while True:
                db.session.remove()
                found = db.session.scalar(select(InboxTask.id).join(
                    DeviceAlarm, DeviceAlarm.instance_id == InboxTask.instance_id).where(
                    DeviceAlarm.first_data_id == doc["data_id"]))
                if found:
                    out.append(time.monotonic() - start)
                    break
                if time.monotonic() - start > 30:
                    raise RuntimeError(f"no inbox task for {code} after 30 s")
                time.sleep(0.005)
            time.sleep(0.1)
    if background:
        background.terminate()
        background.join(10)
    client.disconnect()
    client.loop_stop()
    return out


def bench_storm(app, broker, seconds: float, rate: float = 10.0) -> dict:
    from app.extensions import db
    from app.models import DeviceAlarm, ProcessInstance
    from app.services import device_simulator as sim
    storm_device = sim.SimDevice("BENCH-TC-399", "tower_crane", "JS-2026-001")
    n = int(seconds * rate)
    import datetime as dt
    messages = []
    for i in range(n):
        doc = {"data_id": f"storm-{i}", "project_code": "JS-2026-001", "device_code": storm_device.code,
               "device_type": "tower_crane", "collected_at": sim.local_iso(dt.datetime.now(dt.UTC)),
               "metrics": {"load_pct": 101 + i % 9}}
        messages.append((f"sitecase/JS-2026-001/tower_crane/{storm_device.code}/data", json.dumps(doc).encode()))
    with SidecarRunner(app, broker, "bench-storm"), app.app_context():
        proc = start_publisher(broker, messages, rate)
        proc.join(seconds + 60)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            db.session.remove()
            alarm = db.session.scalar(select(DeviceAlarm).join(DeviceAlarm.device).where(
                DeviceAlarm.device.has(code=storm_device.code)))
            if alarm is not None and alarm.count == n:
                break
            time.sleep(0.2)
        cases = db.session.scalar(select(func.count()).select_from(ProcessInstance).where(
            ProcessInstance.business_key.contains(storm_device.code)))
        return {"readings": n, "alarm_count": alarm.count if alarm else 0, "cases": cases}


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))] * 1000


def run_backend(name: str, url: str, folder: Path, broker, args) -> dict:
    app = build_site(url, folder)
    result = {"backend": name}
    result["service_rps"] = bench_service(app, min(args.readings, 20000))
    result["sustained_rps"], result["sustained_s"] = bench_sustained(app, broker, args.readings)
    if args.sidecars:
        label = f"{args.publishers}pub_{args.sidecars}sidecars"
        result[f"sustained_{label}_rps"], _ = bench_sustained(
            app, broker, args.readings, args.publishers, args.sidecars, url, folder / "side")
        result[f"mqtt_only_{label}_rps"], _ = bench_sustained(
            app, broker, args.readings, args.publishers, args.sidecars, url, folder / "side", noop=True)
        result[f"publish_only_{args.publishers}pub_rps"] = bench_publish_only(broker, args.readings,
                                                                              args.publishers)
    idle = bench_latency(app, broker, args.latency_samples, 0, 0)
    loaded = bench_latency(app, broker, args.latency_samples, 1000, 200)
    for label, values in (("idle", idle), ("loaded", loaded)):
        result[f"latency_{label}"] = {p: round(pct(values, p)) for p in (50, 95, 99)}
        result[f"latency_{label}"]["max"] = round(max(values) * 1000)
    result["storm"] = bench_storm(app, broker, args.storm_seconds)
    with app.app_context():
        from app.extensions import db
        db.engine.dispose()
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--readings", type=int, default=30000)
    parser.add_argument("--latency-samples", type=int, default=60)
    parser.add_argument("--storm-seconds", type=float, default=60)
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--publishers", type=int, default=3,
                        help="publisher processes for the scale-out runs (default 3)")
    parser.add_argument("--sidecars", type=int, default=2,
                        help="sidecar processes on one $share group for the scale-out runs "
                             "(default 2; 0 skips the scale-out runs)")
    args = parser.parse_args()
    results = []
    with running_mosquitto() as broker, tempfile.TemporaryDirectory() as tmp:
        unlimited_queue(broker)
        for name in args.backends.split(","):
            folder = Path(tmp) / name
            if name == "sqlite":
                results.append(run_backend(name, f"sqlite:///{folder}.sqlite", folder, broker, args))
            else:
                with running_postgres() as pg_url:
                    results.append(run_backend(name, pg_url, folder, broker, args))
            print(json.dumps(results[-1], ensure_ascii=False), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
