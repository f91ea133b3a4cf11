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
from datetime import datetime
from typing import Any

from sqlalchemy import select

from app.errors import AuthenticationError, ValidationError
from app.extensions import db
from app.infra import wallclock
from app.infra.uow import transaction
from app.models import Device
from app.services.access.actors import SYSTEM
from app.services.ingestion import rejections
from app.services.ingestion.ingest import IngestResult, ingest_messages
from app.services.ingestion.payloads import safe_text
from app.services.ingestion.xml_payloads import XML_TYPES, XmlPayloadError, parse_device_xml

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


def _topic(doc: Any, device: Device | None) -> str:
    """The MQTT topic this payload would have been published on (payload checks compare it).
    Without an authenticated device it is only what the body claims (for the rejection log)."""
    if not isinstance(doc, dict):
        if device is None:
            return "sitecase/-/-/-/data"
        return f"sitecase/{device.project.code}/{device.device_type}/{device.code}/data"
    kind = "alarm" if "alarm_type" in doc else "data"
    parts = [str(doc.get(k) or "") for k in ("project_code", "device_type", "device_code")]
    return "sitecase/" + "/".join(p.replace("/", "_") or "-" for p in parts) + f"/{kind}"


class DeviceXmlInvalidError(ValidationError):
    """XML 内容无效或不符合设备数据架构。"""
    code = "xml_invalid"


def ingest_http(header: str | None, body: bytes, content_type: str | None = None) -> IngestResult:
    """Authenticate the device, then ingest its message(s) like MQTT ones.

    ``body`` is the raw request body: a JSON object or a list of them, or with an XML
    ``content_type`` one <reading> or <device_data> of them (device_data.xsd). A body that is not
    JSON is one message rejected as not_json, like on MQTT. Refused requests are recorded as
    rejections too. Raises DeviceTokenError (401), ValidationError (an empty list, or more than
    MAX_MESSAGES), DeviceXmlInvalidError (XML unsafe, malformed or not valid: its lines in
    ``fields``). Invalid messages are not errors: they come back rejected.
    """
    received = wallclock.now()
    xml_problems: list[str] = []
    if content_type in XML_TYPES:
        try:
            docs = parse_device_xml(body)
        except XmlPayloadError as exc:
            docs, xml_problems = [], exc.problems
    else:
        docs = _documents(body)
    try:
        device = authenticate_device(header)
    except DeviceTokenError:
        _refused(None, docs, body, received, "device_token_invalid", "token missing, malformed or unknown")
        raise
    if xml_problems:
        _refused(device, docs, body, received, "xml_invalid", "; ".join(xml_problems)[:2000])
        raise DeviceXmlInvalidError(fields={"_body": xml_problems})
    if not docs or len(docs) > MAX_MESSAGES:
        _refused(device, docs, body, received, "bad_body",
                 f"{len(docs)} messages; send one, or a list of 1 to {MAX_MESSAGES}")
        raise ValidationError(fields={"_body": [f"请提交一个或至多 {MAX_MESSAGES} 个数据对象。"]})
    raw = [{"topic": _topic(doc, device), "payload_encoding": "utf-8", "qos": 1, "retain": False,
            "dup": False, "received_at": received.isoformat(),
            "payload": doc.text if isinstance(doc, _NotJson) else json.dumps(doc, ensure_ascii=False)}
           for doc in docs]
    code = device.code
    db.session.commit()  # end the read; ingestion runs its own transactions
    return ingest_messages(raw, source="http", only_device=code)


class _NotJson:
    """A body that does not parse: handed on as its text so the parser rejects it (not_json)."""

    def __init__(self, text: str) -> None:
        self.text = text


def _documents(body: bytes) -> list[Any]:
    try:
        doc = json.loads(body.decode("utf-8"), parse_constant=_no_constant)
    except (UnicodeDecodeError, ValueError, RecursionError):
        return [_NotJson(body.decode("utf-8", "replace"))]
    return doc if isinstance(doc, list) else [doc]


def _no_constant(name: str) -> float:
    raise ValueError(f"{name} is not JSON")


def _refused(device: Device | None, docs: list[Any], body: bytes, received: datetime,
             reason: str, detail: str) -> None:
    """Record a request refused before ingestion, in its own transaction."""
    db.session.rollback()
    topic = _topic(docs[0] if docs else None, device)
    with transaction(SYSTEM):
        device = db.session.get(Device, device.id) if device is not None else None
        rejections.record_rejections([{
            "topic": topic, "reason_code": reason, "detail": detail, "raw": safe_text(body),
            "source": "http", "received_at": received}], device=device)
