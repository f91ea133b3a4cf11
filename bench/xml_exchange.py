"""XML beside JSON: what the XML answer and the XML device upload cost against their JSON twins.

    .venv/bin/python bench/xml_exchange.py [--records 500] [--runs 30]

Pure functions, no database: an envelope of --records alarm records (the shape of
GET /api/v1/alarms at its largest page) serialised as JSON (Flask's provider: json.dumps) and as
XML (app.api.xml_answers.to_xml); and a device upload of --records readings parsed as JSON
(json.loads) and as XML (defusedxml check + lxml parse + device_data.xsd validation +
conversion, app.services.ingestion.xml_payloads.parse_device_xml). p50 / p95 of --runs each; the
JSON twin is the baseline of the same run, so the ratios hold across machines and loads.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def alarm(i: int) -> dict:
    return {"id": i, "project_code": "JS-2026-001", "project_name": "金水区示范项目", "device_id": 7,
            "device_code": "JS001-TC-01", "device_name": "1号塔吊", "device_type": "tower_crane",
            "device_type_label": "塔式起重机", "alarm_type": "overload", "alarm_label": "超载",
            "source": "threshold", "level": "alarm", "level_label": "报警", "status": "open",
            "threshold": 100.0, "unit": "%", "message": None, "count": 3, "first_value": 104.5,
            "first_at": "2026-05-04T02:00:00+00:00", "last_value": 106.0,
            "last_at": "2026-05-04T02:10:00+00:00", "cleared_at": None, "instance_id": 12, "case_error": None}


def readings_json(n: int) -> bytes:
    return json.dumps([{"data_id": f"d-{i}", "project_code": "JS-2026-001", "device_code": "JS001-TC-01",
                        "device_type": "tower_crane", "collected_at": "2026-05-04T10:00:00+08:00",
                        "metrics": {"load_pct": 50.5, "moment_pct": 40.0}} for i in range(n)]).encode()


def readings_xml(n: int) -> bytes:
    one = ("<reading><data_id>d-{i}</data_id><project_code>JS-2026-001</project_code>"
           "<device_code>JS001-TC-01</device_code><device_type>tower_crane</device_type>"
           "<collected_at>2026-05-04T10:00:00+08:00</collected_at><metrics>"
           '<metric name="load_pct">50.5</metric><metric name="moment_pct">40.0</metric></metrics></reading>')
    return ("<device_data>" + "".join(one.format(i=i) for i in range(n)) + "</device_data>").encode()


def timed(fn, runs: int) -> tuple[float, float]:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    return statistics.median(samples), samples[int(0.95 * (len(samples) - 1))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=500)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    from app.api.xml_answers import to_xml
    from app.services.ingestion.xml_payloads import parse_device_xml

    envelope = {"data": [alarm(i) for i in range(args.records)], "meta": {"total": args.records}}
    upload_json, upload_xml = readings_json(args.records), readings_xml(args.records)
    assert len(parse_device_xml(upload_xml)) == args.records
    rows = [("answer", "JSON (json.dumps)", timed(lambda: json.dumps(envelope, ensure_ascii=False), args.runs)),
            ("answer", "XML (to_xml)", timed(lambda: to_xml(envelope, "alarm"), args.runs)),
            ("upload", "JSON (json.loads)", timed(lambda: json.loads(upload_json), args.runs)),
            ("upload", "XML (parse_device_xml)", timed(lambda: parse_device_xml(upload_xml), args.runs))]
    print(f"load average {os.getloadavg()[0]:.2f}; {args.records} records, {args.runs} runs")
    base = {}
    for kind, name, (p50, p95) in rows:
        base.setdefault(kind, p50)
        print(f"{kind:7} {name:26} p50 {p50:7.2f} ms  p95 {p95:7.2f} ms  ×{p50 / base[kind]:.1f}")


if __name__ == "__main__":
    main()
