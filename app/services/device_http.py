"""POST /api/v1/device-data: the MQTT payload over HTTP, authenticated per device.

Devices that speak HTTP only send the same JSON payload (one object, or a list of up to
MAX_MESSAGES objects) with ``Authorization: Device <token>``; the token was shown once when
the device was registered and is stored as its SHA-256. The messages then take exactly the
path of MQTT messages (device_ingest.ingest_messages), with a topic built from the payload.
"""
from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any

from sqlalchemy import select

from app.errors import AuthenticationError, ValidationError
from app.extensions import db
from app.models import Device
from app.services import clock
from app.services.device_ingest import IngestResult, ingest_messages

MAX_MESSAGES = 500


class DeviceTokenError(AuthenticationError):
    """设备令牌无效。"""
    code = "device_token_invalid"


def authenticate_device(header: str | None) -> Device:
    """The active device whose token is in ``Device <token>``. Raises DeviceTokenError."""
    scheme, _, token = (header or "").partition(" ")
    token = token.strip()
    if scheme != "Device" or not token:
        raise DeviceTokenError()
    digest = hashlib.sha256(token.encode()).hexdigest()
    device = db.session.scalar(select(Device).where(Device.token_sha256 == digest))
    if device is None or not device.active or not hmac.compare_digest(device.token_sha256, digest):
        raise DeviceTokenError()
    return device


def _topic(doc: Any, device: Device) -> str:
    """The MQTT topic this payload would have been published on (payload checks compare it)."""
    if not isinstance(doc, dict):
        return f"sitecase/{device.project.code}/{device.device_type}/{device.code}/data"
    kind = "alarm" if "alarm_type" in doc else "data"
    parts = [str(doc.get(k) or "") for k in ("project_code", "device_type", "device_code")]
    return "sitecase/" + "/".join(p.replace("/", "_") or "-" for p in parts) + f"/{kind}"


def ingest_http(header: str | None, body: Any) -> IngestResult:
    """Authenticate the device, then ingest its message(s) like MQTT ones.

    Raises DeviceTokenError (401), ValidationError (body neither an object nor a list of them,
    or more than MAX_MESSAGES). Invalid messages are not errors: they come back rejected.
    """
    device = authenticate_device(header)
    docs = body if isinstance(body, list) else [body]
    if body is None or not docs or len(docs) > MAX_MESSAGES:
        raise ValidationError(fields={"_body": [f"请提交一个或至多 {MAX_MESSAGES} 个数据对象。"]})
    received = clock.now().isoformat()
    raw = [{"topic": _topic(doc, device), "payload": json.dumps(doc, ensure_ascii=False),
            "payload_encoding": "utf-8", "qos": 1, "retain": False, "dup": False,
            "received_at": received} for doc in docs]
    code = device.code
    db.session.commit()  # end the read; ingestion runs its own transactions
    return ingest_messages(raw, source="http", only_device=code)
