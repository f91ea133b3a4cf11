"""A sidecar process for the crash tests: records every handled data_id in SQLite, then acks.

Run as ``python sidecar_child.py URL CLIENT_ID DB_PATH [SHARED_GROUP]``. The handler commits
before it returns (like the real ingest service), and sleeps a little afterwards so a kill -9
often lands between "stored" and "acked" — the window that produces duplicates, not losses.
"""
from __future__ import annotations

import json
import logging
import os
import sqlite3
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))  # the project root

from app.infra.mqtt import parse_mqtt_url  # noqa: E402
from devices.messages import RawMessage  # noqa: E402
from devices.settings import SidecarConfig  # noqa: E402
from devices.sidecar import run_sidecar  # noqa: E402


def main() -> None:
    url, client_id, db_path = sys.argv[1:4]
    group = sys.argv[4] if len(sys.argv) > 4 else None
    logging.basicConfig(level=logging.INFO, stream=sys.stderr)
    db = sqlite3.connect(db_path, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("CREATE TABLE IF NOT EXISTS handled (data_id TEXT, pid INTEGER)")

    def handle(batch: list[RawMessage]) -> None:
        rows = [(json.loads(m.payload)["data_id"], os.getpid()) for m in batch]
        with db:
            db.executemany("INSERT INTO handled VALUES (?, ?)", rows)
        time.sleep(0.02)

    config = SidecarConfig.for_endpoint(parse_mqtt_url(url), client_id=client_id, shared_group=group,
                                        batch_size=10, batch_interval_ms=50, reconnect_max_s=2)
    run_sidecar(config, handle)


if __name__ == "__main__":
    main()
