"""Field checks for device payloads, each raising :class:`Reject` with a stable reason code.

Hand-written rather than a JSON Schema: the reason codes are part of the vendor contract and
must be exact (jsonschema reports the first failing keyword, which is not a stable vocabulary).
"""
from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping
from datetime import datetime

import orjson

# Above this many opening brackets the stdlib parser decides (its recursion limit, not orjson's).
_FAST_MAX_BRACKETS = 256


class Reject(Exception):
    """Raised inside parsing; turned into a Rejection at the edge."""

    def __init__(self, code: str, detail: str) -> None:
        super().__init__(f"{code}: {detail}")
        self.code = code
        self.detail = detail


def load_object(raw: bytes) -> Mapping[str, object]:
    """The JSON object in ``raw``; raises Reject(not_json | not_object).

    orjson parses the common case (~5x faster than the stdlib). Whatever it refuses, and any
    document where the two parsers could differ (deep nesting; integers beyond 64 bits, which
    orjson turns into floats), goes through the stdlib parser, whose outcome and error details
    are the contract — so results are identical to ``_load_stdlib`` alone.
    """
    if raw.count(b"{") + raw.count(b"[") <= _FAST_MAX_BRACKETS:
        try:
            doc = orjson.loads(raw)
        except orjson.JSONDecodeError:
            pass
        else:
            if isinstance(doc, dict) and not any(type(v) is float for v in doc.values()):
                return doc  # metrics hold floats inside their own object: checks.metrics reads them
    return _load_stdlib(raw)


def _load_stdlib(raw: bytes) -> Mapping[str, object]:
    try:
        doc = json.loads(raw.decode("utf-8"), parse_constant=_no_constants)
    except (UnicodeDecodeError, ValueError) as exc:
        raise Reject("not_json", f"payload is not UTF-8 JSON: {exc}") from None
    except RecursionError:
        raise Reject("not_json", "payload nests too deeply") from None
    if not isinstance(doc, dict):
        raise Reject("not_object", f"payload is a JSON {type(doc).__name__}, not an object")
    return doc


def _no_constants(name: str) -> float:
    # Python's json accepts NaN/Infinity; the JSON standard (and every other consumer) does not.
    raise ValueError(f"{name} is not valid JSON")


def require(doc: Mapping[str, object], names: Iterable[str]) -> None:
    missing = [n for n in names if doc.get(n) is None]
    if missing:
        raise Reject("missing_field", f"missing: {', '.join(missing)}")


def string(doc: Mapping[str, object], name: str, *, max_len: int = 64,
           empty_ok: bool = False) -> str:
    value = doc.get(name)
    if value is None:
        raise Reject("missing_field", f"missing: {name}")
    if not isinstance(value, str):
        raise Reject("wrong_type", f"{name} must be a string, got {type(value).__name__}")
    if not empty_ok and not value.strip():
        raise Reject("wrong_type", f"{name} must not be empty")
    if len(value) > max_len:
        raise Reject("wrong_type", f"{name} is longer than {max_len} characters")
    return value


def choice(doc: Mapping[str, object], name: str, allowed: tuple[str, ...]) -> str:
    value = string(doc, name)
    if value not in allowed:
        raise Reject("wrong_type", f"{name} must be one of {list(allowed)}, got {value!r}")
    return value


def timestamp(doc: Mapping[str, object], name: str) -> datetime:
    text = string(doc, name, max_len=64)
    try:
        # Python 3.11 reads the ISO 8601 forms devices send, including "Z" and fractions.
        return datetime.fromisoformat(text)
    except ValueError:
        raise Reject("wrong_type", f"{name} is not an ISO 8601 date-time: {text!r}") from None


def metrics(doc: Mapping[str, object], *, required: bool) -> dict[str, float]:
    value = doc.get("metrics")
    if value is None:
        if required:
            raise Reject("missing_field", "missing: metrics")
        return {}
    if not isinstance(value, dict):
        raise Reject("wrong_type", f"metrics must be an object, got {type(value).__name__}")
    if required and not value:
        raise Reject("missing_field", "metrics is empty")
    out: dict[str, float] = {}
    for key, number in value.items():
        # bool is an int in Python but "true" is not a measurement.
        if isinstance(number, bool) or not isinstance(number, (int, float)):
            raise Reject("wrong_type", f"metrics.{key} must be a number, got "
                         f"{type(number).__name__}")
        try:
            as_float = float(number)
        except OverflowError:  # an integer literal too big for a float
            as_float = math.inf
        if not math.isfinite(as_float):  # 1e999 parses to inf
            raise Reject("wrong_type", f"metrics.{key} is not finite")
        out[key] = as_float
    return out
