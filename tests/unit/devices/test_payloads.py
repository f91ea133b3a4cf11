"""payloads.parse_message: the valid shapes, and every rejection code of the vendor contract."""
from __future__ import annotations

import base64
import json
from datetime import timedelta

import pytest

from app.services.ingestion.payloads import (
    REASON_CODES,
    PayloadPolicy,
    Reading,
    Rejection,
    parse_message,
    parse_raw_message,
    safe_text,
)
from devices.messages import RawMessage
from tests.unit.devices.factories import DROP, NOW, gen_message, gen_payload, gen_topic


def parse(topic: str, raw: bytes | str, **policy: object) -> Reading | Rejection:
    return parse_message(topic, raw, now=NOW, policy=PayloadPolicy(**policy))


def rejected(result: Reading | Rejection) -> str:
    assert isinstance(result, Rejection), result
    assert result.reason_code in REASON_CODES
    return result.reason_code


def test_valid_data_reading() -> None:
    topic, raw = gen_message(data_id="abc", metrics={"load_pct": 91, "collision_distance_m": 4.5})
    reading = parse(topic, raw)
    assert isinstance(reading, Reading)
    assert (reading.data_id, reading.kind, reading.device_type) == ("abc", "data", "tower_crane")
    assert reading.metrics == {"load_pct": 91.0, "collision_distance_m": 4.5}
    assert reading.collected_at == NOW and reading.collected_at.utcoffset() == timedelta(hours=8)
    assert reading.alarm_type is None and reading.level is None


def test_valid_alarm_from_ai_camera_without_metrics() -> None:
    topic, raw = gen_message("alarm", device_type="ai_camera", device_code="CAM-3", metrics=DROP,
                             alarm_type="no_helmet", level="warning", message="")
    reading = parse(topic, raw)
    assert isinstance(reading, Reading)
    assert (reading.kind, reading.alarm_type, reading.level, reading.message) == \
        ("alarm", "no_helmet", "warning", "")
    assert reading.metrics == {}


def test_ai_camera_data_may_have_no_metrics_but_a_crane_may_not() -> None:
    assert isinstance(parse(*gen_message(device_type="ai_camera", metrics=DROP)), Reading)
    assert rejected(parse(*gen_message(metrics=DROP))) == "missing_field"
    assert rejected(parse(*gen_message(metrics={}))) == "missing_field"


def test_z_suffix_and_fractions_are_accepted() -> None:
    reading = parse(*gen_message(collected_at="2026-05-01T01:59:59.250Z"))
    assert isinstance(reading, Reading) and reading.collected_at.utcoffset() == timedelta(0)


@pytest.mark.parametrize("raw", [b"not json", b"\xff\xfe{}", b'{"a": NaN}', b'{"a": 1'])
def test_not_json(raw: bytes) -> None:
    assert rejected(parse("sitecase/P/dust/D/data", raw)) == "not_json"


@pytest.mark.parametrize("raw", [b"[]", b"42", b'"text"', b"null"])
def test_not_object(raw: bytes) -> None:
    assert rejected(parse("sitecase/P/dust/D/data", raw)) == "not_object"


@pytest.mark.parametrize("field", ["data_id", "project_code", "device_code", "device_type",
                                   "collected_at"])
def test_missing_field(field: str) -> None:
    doc = gen_payload()
    topic = gen_topic(doc)
    del doc[field]
    result = parse(topic, json.dumps(doc))
    assert rejected(result) == "missing_field" and field in result.detail


@pytest.mark.parametrize("field", ["alarm_type", "level", "message"])
def test_missing_alarm_field(field: str) -> None:
    assert rejected(parse(*gen_message("alarm", **{field: DROP}))) == "missing_field"


def test_null_counts_as_missing() -> None:
    assert rejected(parse(*gen_message(collected_at=None))) == "missing_field"


@pytest.mark.parametrize("overrides", [
    {"data_id": 12345},
    {"data_id": "x" * 65},
    {"data_id": "  "},
    {"collected_at": 1714528800},
    {"collected_at": "yesterday"},
    {"metrics": [1, 2]},
    {"metrics": {"load_pct": "95"}},
    {"metrics": {"load_pct": True}},
    {"metrics": {"load_pct": None}},
])
def test_wrong_type(overrides: dict) -> None:
    doc = gen_payload(**overrides)
    topic = "sitecase/ZZ2026001/tower_crane/TC-01/data"
    assert rejected(parse(topic, json.dumps(doc))) == "wrong_type"


def test_infinite_number_is_wrong_type() -> None:
    raw = gen_message()[1].replace(b"42.5", b"1e999")
    assert rejected(parse("sitecase/ZZ2026001/tower_crane/TC-01/data", raw)) == "wrong_type"


def test_alarm_level_outside_warning_alarm_is_wrong_type() -> None:
    assert rejected(parse(*gen_message("alarm", level="critical"))) == "wrong_type"


def test_unknown_device_type_in_payload_and_topic() -> None:
    doc = gen_payload(device_type="crane")
    assert rejected(parse("sitecase/ZZ2026001/tower_crane/TC-01/data", json.dumps(doc))) == \
        "unknown_device_type"
    assert rejected(parse(gen_topic(doc), json.dumps(doc))) == "unknown_device_type"


def test_unknown_metric_for_the_device_type() -> None:
    result = parse(*gen_message(metrics={"load_pct": 1, "pm10_ug_m3": 80}))
    assert rejected(result) == "unknown_metric" and "pm10_ug_m3" in result.detail


@pytest.mark.parametrize("topic", [
    "sitecase/OTHER/tower_crane/TC-01/data",   # publishing for another project
    "sitecase/ZZ2026001/hoist/TC-01/data",
    "sitecase/ZZ2026001/tower_crane/TC-02/data",
])
def test_topic_mismatch(topic: str) -> None:
    assert rejected(parse(topic, gen_message()[1])) == "topic_mismatch"


def test_naive_timestamp() -> None:
    assert rejected(parse(*gen_message(collected_at="2026-05-01T10:00:00"))) == "naive_timestamp"


def test_future_timestamp_is_configurable() -> None:
    ahead = (NOW + timedelta(minutes=6)).isoformat()
    assert rejected(parse(*gen_message(collected_at=ahead))) == "future_timestamp"
    assert isinstance(parse(*gen_message(collected_at=ahead), max_future=timedelta(minutes=10)),
                      Reading)
    assert isinstance(parse(*gen_message(collected_at=(NOW + timedelta(minutes=4)).isoformat())),
                      Reading)


@pytest.mark.parametrize("metrics", [
    {"load_pct": 1e308},                 # a parseable float no crane can carry
    {"load_pct": 1001},
    {"wind_speed": -3},
    {"collision_distance_m": -0.5},
    {"tilt_permille": 10 ** 30},
])
def test_readings_outside_the_physical_range(metrics: dict) -> None:
    result = parse(*gen_message(metrics=metrics))
    assert rejected(result) == "out_of_range" and next(iter(metrics)) in result.detail


def test_readings_at_the_edges_of_the_physical_range_are_accepted() -> None:
    reading = parse(*gen_message(metrics={"load_pct": 1000, "wind_speed": 0, "tilt_permille": -1000}))
    assert isinstance(reading, Reading)


@pytest.mark.parametrize("collected_at", [
    "1970-01-01T00:00:00Z", "0001-01-01T00:00:00+08:00", (NOW - timedelta(days=31)).isoformat()])
def test_stale_timestamps(collected_at: str) -> None:
    assert rejected(parse(*gen_message(collected_at=collected_at))) == "stale_timestamp"


def test_far_future_timestamp_does_not_overflow() -> None:
    far = "9999-12-31T23:59:59-08:00"  # converting it to UTC would overflow
    assert rejected(parse(*gen_message(collected_at=far))) == "future_timestamp"


def test_max_age_is_configurable() -> None:
    old = (NOW - timedelta(days=29)).isoformat()
    assert isinstance(parse(*gen_message(collected_at=old)), Reading)
    assert rejected(parse(*gen_message(collected_at=old), max_age=timedelta(days=7))) == \
        "stale_timestamp"


def test_payload_too_large() -> None:
    topic, raw = gen_message(message="x")
    assert rejected(parse(topic, raw + b" " * 20_000)) == "payload_too_large"
    assert rejected(parse(topic, raw, max_bytes=len(raw) - 1)) == "payload_too_large"


@pytest.mark.parametrize("topic", [
    "sitecase/ZZ2026001/tower_crane/TC-01",
    "sitecase/ZZ2026001/tower_crane/TC-01/status",
    "other/ZZ2026001/tower_crane/TC-01/data",
    "sitecase/ZZ2026001/tower_crane/TC-01/data/extra",
    "sitecase//tower_crane/TC-01/data",
])
def test_bad_topic(topic: str) -> None:
    assert rejected(parse(topic, gen_message()[1])) == "bad_topic"


class FakeDirectory:
    def __init__(self, devices: dict[tuple[str, str], str]) -> None:
        self.devices = devices

    def device_type_of(self, project_code: str, device_code: str) -> str | None:
        return self.devices.get((project_code, device_code))


def test_directory_checks_registration_and_type() -> None:
    directory = FakeDirectory({("ZZ2026001", "TC-01"): "tower_crane", ("ZZ2026001", "H-1"): "tower_crane"})
    assert isinstance(parse(*gen_message(), directory=directory), Reading)
    assert rejected(parse(*gen_message(device_code="TC-99"), directory=directory)) == "unknown_device"
    assert rejected(parse(*gen_message(device_code="H-1", device_type="hoist", metrics={"load_pct": 1}),
                          directory=directory)) == "device_type_mismatch"


def test_rejection_keeps_a_safe_truncated_excerpt() -> None:
    result = parse("sitecase/P/dust/D/data", b"\x00\x1b[31m" + b"A" * 2000)
    assert rejected(result) == "not_json"
    assert "\x00" not in result.raw and "\x1b" not in result.raw
    assert len(result.raw) <= 520 and result.raw.endswith("…")
    assert safe_text("短文本") == "短文本"


def test_raw_message_dict_round_trip_utf8_and_base64() -> None:
    topic, raw = gen_message(data_id="r1")
    as_dict = RawMessage(topic, raw).to_dict()
    assert as_dict["payload_encoding"] == "utf-8"
    json.dumps(as_dict)  # the contract is JSON-serialisable
    reading = parse_raw_message(as_dict, now=NOW)
    assert isinstance(reading, Reading) and reading.data_id == "r1"

    binary = RawMessage(topic, b"\xff" + raw).to_dict()
    assert binary["payload_encoding"] == "base64"
    assert base64.b64decode(binary["payload"]) == b"\xff" + raw
    assert rejected(parse_raw_message(binary, now=NOW)) == "not_json"
