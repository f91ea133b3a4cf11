"""Testing agencies' report intake: `reports.receive_report` for N reports, against the cost of
recording a witness sample in the same run (the baseline: one small scoped write of this
capability).

Run from the project root:
    .venv/bin/python bench/quality_reports.py [--reports 500]

On a throw-away SQLite file with the demo data (no demo cases): one agency (5 people, 5
instruments), N witness samples recorded by the demo supervisor (*baseline*, per sample), one
commission of them all, then N qualified reports of one sample each posted with the agency's
token (*accept*: token, shape, sample checks, store, warning checks incl. the daily capacity
count), then the same N reports sent again with another item value (*modify*: before/after kept,
warning raised, quality officers told). Prints the median and p95 per call and the ratios to
the baseline.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import select  # noqa: E402

from app import create_app  # noqa: E402
from app.config import TestConfig  # noqa: E402
from app.extensions import db  # noqa: E402
from app.models import User  # noqa: E402
from app.services.access.actors import actor_for  # noqa: E402
from app.services.demo import seed  # noqa: E402
from app.services.quality import commissions, registries, reports, samples  # noqa: E402
from tests.integration.quality.support import agency_body, report_body, sample_body  # noqa: E402


def _actor(username: str):
    return actor_for(db.session.scalar(select(User).where(User.username == username)))


def _timed(calls) -> list[float]:
    out = []
    for call in calls:
        start = time.perf_counter()
        call()
        out.append((time.perf_counter() - start) * 1000)
    return out


def _summary(name: str, ms: list[float], base: float | None) -> str:
    median, p95 = statistics.median(ms), sorted(ms)[int(len(ms) * 0.95) - 1]
    ratio = f"{median / base:.2f}×" if base else "1.00×"
    return f"| {name} | {len(ms)} | {median:.1f} ms | {p95:.1f} ms | {ratio} |"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--reports", type=int, default=500)
    n = parser.parse_args().reports
    folder = Path(tempfile.mkdtemp(prefix="bench-quality-"))
    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=f"sqlite:///{folder / 'b.sqlite'}", INSTANCE_DIR=folder,
                     FILES_DIR=folder / "files", CELERY_DATA_DIR=folder / "celery")
    with app.app_context():
        db.create_all()
        seed.load_demo(app.config["DEMO_PASSWORD"])
        keeper, supervisor = _actor("district_quality"), _actor("supervisor")
        agency = registries.create_agency(keeper, agency_body())
        for i in range(5):
            registries.add_person(keeper, agency.id, {"name": f"检{i}", "qualification": "检测人员",
                                                      "certificate_no": f"JC-{i}", "valid_until": "2099-12-31"})
            registries.add_equipment(keeper, agency.id, {"name": f"试验机{i}", "serial_no": f"WE-{i}",
                                                         "calibrated_until": "2099-12-31"})
        codes: list[str] = []
        sample_ms = _timed(lambda: codes.append(samples.record_sample(supervisor, "JS-2026-001", sample_body()))
                           for _ in range(n))
        commissions.create_commission(supervisor, "JS-2026-001", {"agency_id": agency.id, "sample_codes": codes})
        header = f"Agency {agency.token}"
        bodies = [report_body([c], report_no=f"BG-{i:05d}") for i, c in enumerate(codes)]
        accept_ms = _timed((lambda b=b: reports.receive_report(header, b)) for b in bodies)
        changed = [{**b, "items": [{"name": "屈服强度", "value": 401, "standard": "≥400MPa", "result": "合格"}]}
                   for b in bodies]
        modify_ms = _timed((lambda b=b: reports.receive_report(header, b)) for b in changed)
    base = statistics.median(sample_ms)
    print(f"load average {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f}; SQLite; {n} reports")
    print("| call | n | median | p95 | / baseline |\n|---|---|---|---|---|")
    print(_summary("record_sample (baseline)", sample_ms, None))
    print(_summary("receive_report, accepted", accept_ms, base))
    print(_summary("receive_report, modified", modify_ms, base))


if __name__ == "__main__":
    main()
