"""Login answers take the same time whether the username exists or not (no enumeration by timing).

Run from the project root:  .venv/bin/python bench/login_timing.py [--runs 30]

POST /api/v1/auth/token with the production argon2 cost (app.config.Config) on a temporary
SQLite file, interleaving four cases so that load on the machine hits them alike: a wrong
password, an unknown username, a disabled account, and a blocked (username, address) pair.
Each attempt comes from its own address, so the back-off never starts except where wanted.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from itertools import count
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from app import create_app  # noqa: E402
from app.config import Config  # noqa: E402
from app.extensions import db  # noqa: E402
from app.models import User  # noqa: E402
from app.services.access.passwords import hash_password  # noqa: E402

_address = count(1)


def _attempt(client, username: str, ip: str | None = None) -> tuple[float, str]:
    ip = ip or f"10.{next(_address) // 250 % 250}.{next(_address) % 250}.1"
    start = time.perf_counter()
    r = client.post("/api/v1/auth/token", json={"username": username, "password": "Wrong#2026x"},
                    environ_base={"REMOTE_ADDR": ip})
    return (time.perf_counter() - start) * 1000, r.get_json()["error"]["code"]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=30)
    runs = parser.parse_args().runs
    folder = Path(tempfile.mkdtemp())
    app = create_app(Config, SQLALCHEMY_DATABASE_URI=f"sqlite:///{folder / 'bench.sqlite'}",
                     INSTANCE_DIR=folder, FILES_DIR=folder / "files", CELERY_DATA_DIR=folder / "celery")
    with app.app_context():
        db.create_all()
        for name, active in (("known", True), ("disabled", False)):
            db.session.add(User(username=name, display_name=name, is_active=active,
                                password_hash=hash_password("Right#2026x")))
        db.session.commit()
        client = app.test_client()
        for _ in range(5):
            _attempt(client, "known", ip="10.250.0.1")  # this pair is blocked from now on
        cases = {"wrong password": "known", "unknown user": "nobody-{n}", "disabled account": "disabled"}
        times: dict[str, list[float]] = {k: [] for k in (*cases, "blocked pair")}
        codes: dict[str, set[str]] = {k: set() for k in times}
        _attempt(client, "warm-up")
        for n in range(runs):
            for case, username in cases.items():
                ms, code = _attempt(client, username.format(n=n))
                times[case].append(ms)
                codes[case].add(code)
            ms, code = _attempt(client, "known", ip="10.250.0.1")
            times["blocked pair"].append(ms)
            codes["blocked pair"].add(code)
    print(f"argon2 time_cost={Config.ARGON2_TIME_COST} memory_cost={Config.ARGON2_MEMORY_COST} KiB, n={runs}")
    for case, values in times.items():
        q = statistics.quantiles(values, n=4)
        print(f"{case:17} median {statistics.median(values):7.1f} ms  IQR {q[0]:6.1f}–{q[2]:6.1f}  "
              f"codes {sorted(codes[case])}")


if __name__ == "__main__":
    main()
