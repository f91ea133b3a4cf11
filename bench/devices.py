"""Device pipeline benchmark: real Mosquitto, the shipped sidecar, SQLite and PostgreSQL.

    .venv/bin/python bench/devices.py [--readings 60000] [--rate 5000] [--seconds 60]
                                      [--sidecars 2] [--latency-samples 60] [--storm-seconds 60]
                                      [--backends sqlite,postgresql]

Per backend (a fresh SQLite file / a throw-away PostgreSQL cluster, demo data, the real
device_alarm_disposal diagram), everything through Mosquitto and `python -m devices --processes N`
(batches of 500 / 50 ms, receive maximum 1,000, acks after commit):
1. service — `ingest_messages` called in-process with batches of 500 (no MQTT): the ceiling of
   one process;
2. throughput — N readings published at once, drained by 1 and by --sidecars processes:
   N / (last stored − first published), with the CPU seconds each kind of process used;
3. sustained — --rate readings/s offered for --seconds to --sidecars processes: stored rate,
   largest backlog (published − stored, sampled every 0.5 s) and the lag once publishing ends;
   meanwhile one over-threshold reading of a fresh device per second: publish → its disposal
   inbox task (p50/p95/p99); the same latency idle;
4. storm — one device over threshold on every reading (10/s) for --storm-seconds → cases.

Devices publish from their own hardware, so the load generator must not eat the two cores the
system under test has: bench/mqtt_load.py writes pre-encoded QoS 1 packets (≈0.3 µs of CPU per
reading). Its CPU is reported beside the rest.
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import cpu_usage  # noqa: E402
from bench.device_site import (  # noqa: E402
    build_site,
    count_tagged,
    inbox_task_for,
    last_reading_id,
    over_threshold,
    readings,
)
from bench.mqtt_load import RawPublisher, encode  # noqa: E402
from bench.sidecar_pool import SidecarPool  # noqa: E402
from tests.support.services import MosquittoBroker, running_mosquitto, running_postgres  # noqa: E402

BATCH = 500
POLL_S = 0.05


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


def bench_service(app, n: int) -> float:
    from app.services.ingestion.ingest import ingest_messages
    from devices.messages import RawMessage
    raw = [RawMessage(t, b).to_dict() for t, b in readings(app, n, seed=1, tag="service")]
    with app.app_context():
        start = time.perf_counter()
        for i in range(0, n, BATCH):
            ingest_messages(raw[i:i + BATCH])
        return n / (time.perf_counter() - start)


def wait_stored(app, tag: str, n: int, base_id: int, begin: float, limit_s: float = 900) -> float:
    """Poll max(id) until ``n`` more rows exist, then confirm with an exact count of the tag."""
    while True:
        if last_reading_id(app) - base_id >= n and count_tagged(app, tag) >= n:
            return time.monotonic()
        if time.monotonic() - begin > limit_s:
            raise RuntimeError(f"only {count_tagged(app, tag)} of {n} {tag} readings after {limit_s} s")
        time.sleep(POLL_S)


def cpu_per_reading(before: dict, n: int) -> dict[str, float]:
    """µs of CPU per reading, per kind of process."""
    return {kind: round(seconds * 1e6 / n, 1) for kind, seconds in
            sorted(cpu_usage.used_since(before).items(), key=lambda kv: -kv[1]) if kind != "other"}


def bench_throughput(app, broker, n: int, processes: int, work: Path) -> dict:
    tag = f"burst{processes}"
    packets = encode(readings(app, n, seed=10 + processes, tag=tag))
    base_id = last_reading_id(app)
    with SidecarPool(app, broker, processes, f"burst{processes}", work):
        publisher = RawPublisher(broker.host, broker.port, f"bench-burst-{processes}")
        cpu_before = cpu_usage.snapshot()
        begin = time.monotonic()
        publisher.send(packets)
        end = wait_stored(app, tag, n, base_id, begin)
        cpu = cpu_per_reading(cpu_before, n)
        publisher.close()
    return {"readings_per_s": round(n / (end - begin)), "cpu_us_per_reading": cpu}


class LatencyProbe:
    """One over-threshold reading of a fresh device every ``interval`` s → seconds to its inbox task."""

    def __init__(self, app, broker, first_device: int, samples: int, interval: float = 1.0) -> None:
        self.app, self.samples, self.interval = app, samples, interval
        self.first_device = first_device
        self.publisher = RawPublisher(broker.host, broker.port, f"bench-probe-{first_device}")
        self.seconds: list[float] = []

    def run(self, stop: threading.Event | None = None) -> list[float]:
        for i in range(self.samples):
            if stop is not None and stop.is_set():
                break
            tick = time.monotonic()
            data_id = f"probe-{self.first_device + i}"
            topic, body = over_threshold(f"BENCH-TC-{self.first_device + i:03d}", data_id)
            start = time.monotonic()
            self.publisher.send(encode([(topic, body)]))
            while not inbox_task_for(self.app, data_id):
                if time.monotonic() - start > 60:
                    raise RuntimeError(f"no inbox task for {data_id} after 60 s")
                time.sleep(0.02)
            self.seconds.append(time.monotonic() - start)
            time.sleep(max(0.0, self.interval - (time.monotonic() - tick)))
        self.publisher.close()
        return self.seconds


def bench_sustained(app, broker, rate: float, seconds: float, processes: int, samples: int,
                    work: Path) -> dict:
    n = int(rate * seconds)
    packets = encode(readings(app, n, seed=99, tag="sustained"))
    base_id = last_reading_id(app)
    backlog: list[int] = []
    with SidecarPool(app, broker, processes, "sustained", work):
        publisher = RawPublisher(broker.host, broker.port, "bench-sustained")
        probe = LatencyProbe(app, broker, 200, samples)
        sent = threading.Thread(target=publisher.send, args=(packets, rate))
        probing = threading.Thread(target=probe.run)
        cpu_before = cpu_usage.snapshot()
        begin = time.monotonic()
        sent.start()
        probing.start()
        while sent.is_alive():
            elapsed = time.monotonic() - begin
            backlog.append(max(0, min(n, int(elapsed * rate)) - (last_reading_id(app) - base_id)))
            time.sleep(0.5)
        published = time.monotonic()
        end = wait_stored(app, "sustained", n, base_id, begin)
        probing.join()
        cpu = cpu_per_reading(cpu_before, n)
        publisher.close()
    return {"offered_per_s": rate, "readings": n, "stored_per_s": round(n / (end - begin)),
            "max_backlog": max(backlog or [0]), "lag_after_last_publish_s": round(end - published, 2),
            "cpu_us_per_reading": cpu, "alarm_to_inbox_ms": percentiles(probe.seconds)}


def bench_idle_latency(app, broker, samples: int, processes: int, work: Path) -> dict:
    with SidecarPool(app, broker, processes, "idle", work):
        return percentiles(LatencyProbe(app, broker, 0, samples, interval=0.2).run())


def bench_storm(app, broker, seconds: float, processes: int, work: Path, rate: float = 10.0) -> dict:
    from sqlalchemy import func, select

    from app.extensions import db
    from app.models import DeviceAlarm, ProcessInstance
    device = "BENCH-TC-399"
    n = int(seconds * rate)
    with SidecarPool(app, broker, processes, "storm", work):
        publisher = RawPublisher(broker.host, broker.port, "bench-storm")
        for i in range(n):
            publisher.send(encode([over_threshold(device, f"storm-{i}", 101 + i % 9)]))
            time.sleep(1 / rate)
        deadline = time.monotonic() + 60
        with app.app_context():
            while True:
                db.session.remove()
                alarm = db.session.scalar(select(DeviceAlarm).where(DeviceAlarm.device.has(code=device)))
                if (alarm is not None and alarm.count == n) or time.monotonic() > deadline:
                    break
                time.sleep(0.2)
            cases = db.session.scalar(select(func.count()).select_from(ProcessInstance).where(
                ProcessInstance.business_key.contains(device)))
        publisher.close()
    return {"readings": n, "alarm_count": alarm.count if alarm else 0, "cases": cases}


def percentiles(values: list[float]) -> dict[str, int]:
    if not values:
        return {}
    ordered = sorted(values)

    def at(p: float) -> int:
        return round(ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))] * 1000)
    return {"n": len(values), "p50": at(50), "p95": at(95), "p99": at(99), "max": round(ordered[-1] * 1000)}


def run_backend(name: str, url: str, folder: Path, broker, args) -> dict:
    app = build_site(url, folder)
    work = folder / "logs"
    result: dict = {"backend": name, "service_readings_per_s": round(bench_service(app, 20000))}
    for processes in sorted({1, args.sidecars}):
        result[f"throughput_{processes}_sidecars"] = bench_throughput(app, broker, args.readings,
                                                                      processes, work)
        print(json.dumps(result, ensure_ascii=False), flush=True)
    result["sustained"] = bench_sustained(app, broker, args.rate, args.seconds, args.sidecars,
                                          args.latency_samples, work)
    result["alarm_to_inbox_idle_ms"] = bench_idle_latency(app, broker, args.latency_samples,
                                                          args.sidecars, work)
    result["storm"] = bench_storm(app, broker, args.storm_seconds, args.sidecars, work)
    with app.app_context():
        from app.extensions import db
        db.engine.dispose()
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--readings", type=int, default=60000, help="readings per throughput run")
    parser.add_argument("--rate", type=float, default=5000, help="offered readings/s, sustained run")
    parser.add_argument("--seconds", type=float, default=60, help="length of the sustained run")
    parser.add_argument("--sidecars", type=int, default=2, help="sidecar processes (--processes)")
    parser.add_argument("--latency-samples", type=int, default=60)
    parser.add_argument("--storm-seconds", type=float, default=60)
    parser.add_argument("--backends", default="sqlite,postgresql")
    args = parser.parse_args()
    with running_mosquitto() as broker, tempfile.TemporaryDirectory() as tmp:
        unlimited_queue(broker)
        for name in args.backends.split(","):
            folder = Path(tmp) / name
            if name == "sqlite":
                result = run_backend(name, f"sqlite:///{folder}.sqlite", folder, broker, args)
            else:
                with running_postgres() as pg_url:
                    result = run_backend(name, pg_url, folder, broker, args)
            print(json.dumps(result, ensure_ascii=False), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
