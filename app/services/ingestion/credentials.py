"""MQTT credentials of devices: username = device code, password = the device's token.

The token is the one shown once when the device was registered (or its token reset), stored as
its SHA-256 — the same token that authenticates ``POST /api/v1/device-data``. The embedded broker
(devices/broker.py) reaches it through app.services.ingestion.entry; a token reset takes effect
at the device's next connect.
"""
from __future__ import annotations

import hashlib
import hmac

from sqlalchemy import select

from app.errors import AuthenticationError
from app.extensions import db
from app.models import Device

TOPIC_KINDS = ("data", "alarm")


class DeviceCredentialsError(AuthenticationError):
    """设备凭据无效：设备编号或令牌错误，或设备已停用。"""
    code = "device_credentials_invalid"


def mqtt_device_topics(device_code: str, token: str) -> list[str]:
    """The topics an MQTT client may publish on with these credentials: the device's own.

    Raises DeviceCredentialsError (unknown or inactive device, no token, wrong token).
    """
    digest = hashlib.sha256((token or "").encode()).hexdigest()
    device = db.session.scalar(select(Device).where(Device.code == device_code)) if device_code else None
    if (device is None or not device.active or not device.token_sha256
            or not hmac.compare_digest(device.token_sha256, digest)):
        raise DeviceCredentialsError()
    prefix = f"sitecase/{device.project.code}/{device.device_type}/{device.code}"
    return [f"{prefix}/{kind}" for kind in TOPIC_KINDS]
