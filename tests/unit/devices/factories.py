"""gen_* factories: a valid device message with sensible defaults; a test states only what matters."""
from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from itertools import count

NOW = datetime(2026, 5, 1, 10, 0, tzinfo=timezone(timedelta(hours=8)))
_ids = count(1)


def gen_payload(kind: str = "data", **overrides: object) -> dict:
    """A valid payload dict for a tower crane (or whatever the overrides say)."""
    doc: dict = {
        "data_id": f"d-{next(_ids)}",
        "project_code": "ZZ2026001",
        "device_code": "TC-01",
        "device_type": "tower_crane",
        "collected_at": NOW.isoformat(),
        "metrics": {"load_pct": 42.5, "wind_speed": 3},
    }
    if kind == "alarm":
        doc.update(alarm_type="overload", level="alarm", message="load 105%")
    doc.update(overrides)
    return {k: v for k, v in doc.items() if v is not _DROP}


def gen_topic(doc: dict, kind: str = "data") -> str:
    return f"sitecase/{doc['project_code']}/{doc['device_type']}/{doc['device_code']}/{kind}"


def gen_message(kind: str = "data", **overrides: object) -> tuple[str, bytes]:
    """(topic, raw bytes) of a valid message whose topic matches its payload."""
    doc = gen_payload(kind, **overrides)
    return gen_topic(doc, kind), json.dumps(doc).encode()


class _Drop:
    def __repr__(self) -> str:
        return "DROP"


_DROP = _Drop()
DROP: object = _DROP
"""Pass ``field=DROP`` to leave a field out of the payload."""
