"""Parse and validate one device message (topic + raw payload) into a Reading or a Rejection.

Pure: no I/O, no clock unless ``now`` is omitted. The ingest service calls it per message and
stores rejections with their stable ``reason_code`` (vendors get told which rule they broke).
Checks run cheapest-first so a flood of garbage costs little. Whether the device is registered
is the service's business; it may pass a :class:`DeviceDirectory` to have it checked here.
"""
from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Literal, Protocol

from app.services.ingestion import payload_checks
from app.services.ingestion.payload_checks import Reject
from app.services.ingestion.ranges import out_of_range

TOPIC_ROOT = "sitecase"
KINDS = ("data", "alarm")
DEVICE_TYPES = frozenset({"tower_crane", "hoist", "unloading_platform", "deep_pit",
                          "high_formwork", "dust", "noise", "ai_camera"})
# Types whose periodic data may carry no metrics (a camera mostly reports alarms).
METRICLESS_TYPES = frozenset({"ai_camera"})
REASON_CODES = ("not_json", "not_object", "missing_field", "wrong_type", "unknown_device_type",
                "unknown_metric", "topic_mismatch", "future_timestamp", "naive_timestamp",
                "payload_too_large", "bad_topic", "stale_timestamp", "out_of_range",
                # only with a DeviceDirectory:
                "unknown_device", "device_type_mismatch")
RAW_TEXT_LIMIT = 512


class DeviceDirectory(Protocol):
    """What the app's device registry must answer for the optional registry checks."""

    def device_type_of(self, project_code: str, device_code: str) -> str | None:
        """The registered type of the device, or None if it is not registered."""


@dataclass(frozen=True)
class Reading:
    """A valid message. ``collected_at`` keeps the device's offset; ``metrics`` may be empty."""

    data_id: str
    project_code: str
    device_code: str
    device_type: str
    kind: Literal["data", "alarm"]
    collected_at: datetime
    metrics: Mapping[str, float] = field(hash=False)
    alarm_type: str | None = None
    level: Literal["warning", "alarm"] | None = None
    message: str | None = None


@dataclass(frozen=True)
class Rejection:
    """An invalid message: a stable code, a human detail, and a printable excerpt of the raw."""

    reason_code: str
    detail: str
    topic: str
    raw: str


@dataclass(frozen=True)
class PayloadPolicy:
    """Limits a deployment may tune. ``units_by_type=None`` means: the thresholds CSV.

    ``max_age``: a device may send buffered readings after an outage, but not a 1970 clock.
    """

    max_bytes: int = 16 * 1024
    max_future: timedelta = timedelta(minutes=5)
    max_age: timedelta = timedelta(days=30)
    units_by_type: Mapping[str, Mapping[str, str]] | None = None
    directory: DeviceDirectory | None = None

    def units_for(self, device_type: str) -> Mapping[str, str]:
        """{metric: unit} of the metrics a device of this type may report."""
        if self.units_by_type is not None:
            return self.units_by_type.get(device_type, {})
        from app.services.monitoring.threshold_catalogue import (
            load_catalogue,  # lazy: only when the CSV is needed
        )
        return load_catalogue().units_for(device_type)


DEFAULT_POLICY = PayloadPolicy()


def parse_message(topic: str, payload: bytes | str, *, now: datetime | None = None,
                  policy: PayloadPolicy = DEFAULT_POLICY) -> Reading | Rejection:
    """Validate one message; never raises for bad input (a Rejection says what was wrong)."""
    raw = payload.encode("utf-8", "surrogateescape") if isinstance(payload, str) else payload
    try:
        return _parse(topic, raw, now or datetime.now(UTC), policy)
    except Reject as rej:
        return Rejection(rej.code, rej.detail, safe_text(topic), safe_text(raw))


def parse_raw_message(message: Mapping[str, object], *, now: datetime | None = None,
                      policy: PayloadPolicy = DEFAULT_POLICY) -> Reading | Rejection:
    """Validate one dict as sent to ``ingest_messages`` (see devices.sidecar.RawMessage)."""
    topic = str(message.get("topic", ""))
    payload = message.get("payload", b"")
    if message.get("payload_encoding") == "base64":
        try:
            payload = base64.b64decode(str(payload), validate=True)
        except binascii.Error:
            return Rejection("not_json", "payload is not valid base64", safe_text(topic), "")
    if not isinstance(payload, (bytes, str)):
        return Rejection("not_json", "payload is not text", safe_text(topic), "")
    return parse_message(topic, payload, now=now, policy=policy)


def _parse(topic: str, raw: bytes, now: datetime, policy: PayloadPolicy) -> Reading:
    if len(raw) > policy.max_bytes:
        raise Reject("payload_too_large", f"{len(raw)} bytes > {policy.max_bytes}")
    project, topic_type, device, kind = _split_topic(topic)
    doc = payload_checks.load_object(raw)
    alarm = kind == "alarm"
    payload_checks.require(doc, ("data_id", "project_code", "device_code", "device_type", "collected_at",
                         *(("alarm_type", "level", "message") if alarm else ())))
    device_type = payload_checks.string(doc, "device_type", max_len=64)
    needs_metrics = not alarm and device_type not in METRICLESS_TYPES
    if needs_metrics:
        payload_checks.require(doc, ("metrics",))
    reading = Reading(
        data_id=payload_checks.string(doc, "data_id", max_len=64),
        project_code=payload_checks.string(doc, "project_code", max_len=64),
        device_code=payload_checks.string(doc, "device_code", max_len=64),
        device_type=device_type,
        kind="alarm" if alarm else "data",
        collected_at=payload_checks.timestamp(doc, "collected_at"),
        metrics=payload_checks.metrics(doc, required=needs_metrics),
        alarm_type=payload_checks.string(doc, "alarm_type", max_len=64) if alarm else None,
        level=payload_checks.choice(doc, "level", ("warning", "alarm")) if alarm else None,  # type: ignore[arg-type]
        message=payload_checks.string(doc, "message", max_len=1000, empty_ok=True) if alarm else None,
    )
    if reading.device_type not in DEVICE_TYPES:
        raise Reject("unknown_device_type", f"device_type {reading.device_type!r} is not one of "
                     f"{sorted(DEVICE_TYPES)}")
    _check_topic_matches(reading, project, topic_type, device)
    _check_time(reading.collected_at, now, policy.max_future, policy.max_age)
    units = policy.units_for(reading.device_type)
    unknown = sorted(set(reading.metrics) - set(units))
    if unknown:
        raise Reject("unknown_metric", f"{reading.device_type} has no metric(s) {unknown}")
    _check_ranges(reading, units)
    if policy.directory is not None:
        _check_directory(reading, policy.directory)
    return reading


def _split_topic(topic: str) -> tuple[str, str, str, str]:
    parts = topic.split("/")
    if len(parts) != 5 or parts[0] != TOPIC_ROOT or parts[4] not in KINDS or not all(parts):
        raise Reject("bad_topic", "expected sitecase/<project_code>/<device_type>/<device_code>/"
                     "data|alarm")
    if parts[2] not in DEVICE_TYPES:
        raise Reject("unknown_device_type", f"topic device type {parts[2]!r} is unknown")
    return parts[1], parts[2], parts[3], parts[4]


def _check_topic_matches(reading: Reading, project: str, device_type: str, device: str) -> None:
    # A device (or a leaked credential) publishing on another project's topic must not be able to
    # inject data into that project: the payload must say the same thing as the topic.
    mismatches = [f"{name}: topic {t!r} ≠ payload {p!r}" for name, t, p in (
        ("project_code", project, reading.project_code),
        ("device_type", device_type, reading.device_type),
        ("device_code", device, reading.device_code)) if t != p]
    if mismatches:
        raise Reject("topic_mismatch", "; ".join(mismatches))


def _check_time(collected_at: datetime, now: datetime, max_future: timedelta,
                max_age: timedelta) -> None:
    if collected_at.utcoffset() is None:
        raise Reject("naive_timestamp", "collected_at must carry a UTC offset, e.g. +08:00")
    # Aware subtraction works at year 1 and 9999, where converting to UTC would overflow.
    if collected_at - now > max_future:
        raise Reject("future_timestamp", f"collected_at {collected_at.isoformat()} is more than "
                     f"{max_future} ahead of {now.isoformat()}")
    if now - collected_at > max_age:
        raise Reject("stale_timestamp", f"collected_at {collected_at.isoformat()} is more than "
                     f"{max_age.days} days before {now.isoformat()}")


def _check_ranges(reading: Reading, units: Mapping[str, str]) -> None:
    for metric, value in reading.metrics.items():
        problem = out_of_range(value, units.get(metric))
        if problem:
            raise Reject("out_of_range", f"metrics.{metric}: {problem}")


def _check_directory(reading: Reading, directory: DeviceDirectory) -> None:
    registered = directory.device_type_of(reading.project_code, reading.device_code)
    if registered is None:
        raise Reject("unknown_device", f"{reading.project_code}/{reading.device_code} is not "
                     "registered")
    if registered != reading.device_type:
        raise Reject("device_type_mismatch", f"registered as {registered}, sent "
                     f"{reading.device_type}")


def safe_text(raw: bytes | str, limit: int = RAW_TEXT_LIMIT) -> str:
    """Printable, bounded text of untrusted input, fit for logs and a rejection table."""
    text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else raw
    cut = len(text) > limit
    text = "".join(ch if ch.isprintable() else f"\\x{ord(ch):02x}" for ch in text[:limit])
    return text + "…" if cut else text
