"""Backup and restore under volume: 1,000,000 device readings and 100,000 cases.

    .venv/bin/python bench/backup.py [--readings 1000000] [--cases 100000] [--files 200]
                                     [--backend sqlite|postgresql|both]

Per backend: a fresh database (SQLite file; PostgreSQL: a throw-away cluster started through
tests/support/services.py) with the demo data, then --readings device readings and --cases
process instances (each with a ~1 KB state and one timeline event) inserted by bulk SQL, and
--files stored files of 64 KB. Timed: `archive.create` (consistent copy + tar + manifest),
`archive.verify` (read back, sha256 of every part), and `archive.restore` into an empty database
and files folder (verify again, load, compare every table's count). Baselines, in the same run:
a plain file copy of the archive's bytes (shutil.copyfile), and the database tool alone (the
SQLite backup API / pg_dump -Fc to a file; the same into another empty database), so the
ratios hold across loads and show what the archive, hashes and checks add.
"""
from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import os
import random
import shutil
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

CHUNK = 20000


def _app(url: str, folder: Path):
    from app import create_app
    from app.config import TestConfig

    return create_app(TestConfig, SQLALCHEMY_DATABASE_URI=url, INSTANCE_DIR=folder, FILES_DIR=folder / "files",
                      CELERY_DATA_DIR=folder / "celery")


def seed(app, readings: int, cases: int, files: int) -> None:
    from sqlalchemy import insert, select

    from app.extensions import db
    from app.infra import file_store
    from app.models import Device, DeviceReading, InstanceEvent, ProcessDefinition, ProcessInstance, Project
    from app.services.demo import seed as demo

    with app.app_context():
        db.create_all()
        demo.load_demo(app.config["DEMO_PASSWORD"])
        devices = list(db.session.scalars(select(Device.id)))
        projects = list(db.session.scalars(select(Project.id)))
        definition = ProcessDefinition(key="rectification_order", version=99, content_hash="0" * 64,
                                       spec_json="{}", sources={})
        db.session.add(definition)
        db.session.commit()
        rng, start = random.Random(7), datetime(2026, 1, 1, tzinfo=UTC)
        for first in range(0, readings, CHUNK):
            rows = [{"data_id": f"bench-{n}", "device_id": devices[n % len(devices)], "kind": "data",
                     "collected_at": start + timedelta(seconds=n), "received_at": start + timedelta(seconds=n),
                     "metrics": {"load_pct": round(rng.uniform(10, 95), 1), "wind_speed": round(rng.uniform(0, 20), 1)},
                     "level": "none"} for n in range(first, min(first + CHUNK, readings))]
            db.session.execute(insert(DeviceReading), rows)
            db.session.commit()
        state = json.dumps({"data": {"remark": "x" * 900}, "tasks": []})
        first_id = (db.session.scalar(select(ProcessInstance.id).order_by(ProcessInstance.id.desc()).limit(1)) or 0) + 1
        for first in range(0, cases, CHUNK):
            ids = range(first_id + first, first_id + min(first + CHUNK, cases))
            db.session.execute(insert(ProcessInstance), [
                {"id": i, "definition_id": definition.id, "process_key": "rectification_order",
                 "project_id": projects[i % len(projects)], "title": f"整改案件 {i}", "state": state,
                 "status": "running" if i % 3 else "completed", "started_at": start, "data_summary": {}}
                for i in ids])
            db.session.execute(insert(InstanceEvent), [
                {"instance_id": i, "kind": "case_started", "at": start, "data": {}} for i in ids])
            db.session.commit()
        for _n in range(files):
            blob = rng.randbytes(64 * 1024)
            file_store.store(blob, hashlib.sha256(blob).hexdigest())
        if db.engine.dialect.name == "postgresql":  # ids were given explicitly
            from sqlalchemy import text
            db.session.execute(text("SELECT setval('process_instance_id_seq', (SELECT max(id) FROM process_instance))"))
            db.session.commit()
        db.session.remove()


def _timed(fn):
    t0 = time.perf_counter()
    result = fn()
    return result, time.perf_counter() - t0


def run(backend: str, url: str, target_url: str, raw_url: str, work: Path, args) -> dict:
    from app.extensions import db
    from app.services.backup import _database, archive

    app = _app(url, work / "source")
    _, seeding = _timed(lambda: seed(app, args.readings, args.cases, args.files))
    with app.app_context():
        rows = sum(_database.table_counts().values())
        written, create_s = _timed(lambda: archive.create("manual"))
        _, verify_s = _timed(lambda: archive.verify(written.path))
        raw_part = work / f"raw-{archive.DATABASE_PART[backend]}"
        _, dump_s = _timed(lambda: _database.dump(raw_part))  # the database tool alone
        db.engine.dispose()
    copy = work / "copy.tar"
    _, copy_s = _timed(lambda: shutil.copyfile(written.path, copy))
    copy.unlink()
    target = _app(target_url, work / "target")
    with target.app_context():
        manifest, restore_s = _timed(lambda: archive.restore(written.path))
        assert sum(manifest["tables"].values()) == rows
        db.engine.dispose()
    raw = _app(raw_url, work / "raw")
    with raw.app_context():
        _, load_s = _timed(lambda: _database.restore(raw_part))  # the database tool alone
        db.engine.dispose()
    return {"dump_s": dump_s, "load_s": load_s, "backend": backend, "rows": rows, "size_mb": written.size / 1e6, "seed_s": seeding,
            "create_s": create_s, "verify_s": verify_s, "restore_s": restore_s, "copy_s": copy_s}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--readings", type=int, default=1_000_000)
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--files", type=int, default=200)
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    args = parser.parse_args()
    print(f"load average before: {os.getloadavg()}", flush=True)
    results = []
    with tempfile.TemporaryDirectory(prefix="bench-backup-") as tmp:
        work = Path(tmp)
        if args.backend in ("sqlite", "both"):
            (work / "sqlite").mkdir()
            results.append(run("sqlite", f"sqlite:///{work / 'sqlite' / 'source.sqlite'}",
                               f"sqlite:///{work / 'sqlite' / 'target.sqlite'}",
                               f"sqlite:///{work / 'sqlite' / 'raw.sqlite'}", work / "sqlite", args))
            print(results[-1], flush=True)
        if args.backend in ("postgresql", "both"):
            from tests.support.services import create_database, running_postgres

            (work / "pg").mkdir()
            with running_postgres() as url, contextlib.ExitStack():
                results.append(run("postgresql", url, create_database(url), create_database(url), work / "pg", args))
            print(results[-1], flush=True)
    print(f"load average after: {os.getloadavg()}")
    print("| backend | rows | archive | create | verify | restore | plain copy of the archive | "
          "database tool alone: dump / load | create ÷ dump | restore ÷ load |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for r in results:
        print(f"| {r['backend']} | {r['rows']:,} | {r['size_mb']:.0f} MB | {r['create_s']:.1f} s | "
              f"{r['verify_s']:.1f} s | {r['restore_s']:.1f} s | {r['copy_s']:.2f} s | "
              f"{r['dump_s']:.1f} s / {r['load_s']:.1f} s | {r['create_s'] / r['dump_s']:.1f} | "
              f"{r['restore_s'] / r['load_s']:.1f} |")


if __name__ == "__main__":
    main()
