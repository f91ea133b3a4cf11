"""Sidecar settings, read from the Flask app config (app/config.py owns os.environ)."""
from __future__ import annotations

import socket
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Literal
from urllib.parse import unquote, urlsplit

SUBSCRIPTIONS = ("sitecase/+/+/+/data", "sitecase/+/+/+/alarm")


@dataclass(frozen=True)
class SidecarConfig:
    """Everything the MQTT loop needs. Defaults suit the embedded single-machine setup.

    ``client_id`` must be stable across restarts (the broker keeps our session, and the QoS 1
    messages queued while we were down, under it) and unique per sidecar instance.
    ``batch_size`` should not exceed ``receive_maximum``: the broker stops sending once that
    many messages are un-acked, so a larger batch would only ever flush on the timer.
    """

    host: str = "127.0.0.1"
    port: int = 1883
    tls: bool = False
    username: str | None = None
    password: str | None = None
    client_id: str = field(default_factory=lambda: f"sitecase-sidecar-{socket.gethostname()}")
    shared_group: str | None = None
    protocol: Literal["5", "3.1.1"] = "5"
    session_expiry_s: int = 7 * 24 * 3600
    keepalive_s: int = 30
    batch_size: int = 100
    batch_interval_ms: int = 200
    receive_maximum: int = 200
    reconnect_min_s: int = 1
    reconnect_max_s: int = 60
    retry_min_s: float = 0.5
    retry_max_s: float = 30.0
    topics: tuple[str, ...] = SUBSCRIPTIONS

    def __post_init__(self) -> None:
        if self.protocol not in ("5", "3.1.1"):
            raise ValueError(f"MQTT protocol must be '5' or '3.1.1', not {self.protocol!r}")
        if not 1 <= self.batch_size <= self.receive_maximum:
            raise ValueError("batch_size must be between 1 and receive_maximum")

    @classmethod
    def from_url(cls, url: str, **overrides: object) -> SidecarConfig:
        """``mqtt://[user:pass@]host[:port]`` or ``mqtts://…`` (TLS, default port 8883)."""
        parts = urlsplit(url)
        if parts.scheme not in ("mqtt", "mqtts", "tcp", "ssl"):
            raise ValueError(f"unsupported MQTT URL scheme in {url!r}")
        tls = parts.scheme in ("mqtts", "ssl")
        base = cls(host=parts.hostname or "127.0.0.1", port=parts.port or (8883 if tls else 1883),
                   tls=tls, username=unquote(parts.username) if parts.username else None,
                   password=unquote(parts.password) if parts.password else None)
        return replace(base, **overrides)  # type: ignore[arg-type]

    @classmethod
    def from_app_config(cls, config: Mapping[str, object]) -> SidecarConfig:
        """Build from Flask config keys; only MQTT_URL and MQTT_SHARED_GROUP are required."""
        keys = {"client_id": "MQTT_CLIENT_ID", "protocol": "MQTT_PROTOCOL",
                "session_expiry_s": "MQTT_SESSION_EXPIRY_S", "batch_size": "MQTT_BATCH_SIZE",
                "batch_interval_ms": "MQTT_BATCH_MS", "receive_maximum": "MQTT_RECEIVE_MAXIMUM"}
        overrides: dict[str, object] = {}
        for attr, key in keys.items():
            value = config.get(key)
            if value not in (None, ""):
                overrides[attr] = str(value) if attr in ("client_id", "protocol") else int(value)
        group = config.get("MQTT_SHARED_GROUP") or None
        if config.get("MQTT_EMBEDDED"):
            # The embedded broker (devices/broker.py, amqtt) speaks MQTT 3.1.1 only and has no
            # $share/ subscriptions; there is exactly one sidecar in that setup anyway.
            overrides.setdefault("protocol", "3.1.1")
            group = None
        return cls.from_url(str(config["MQTT_URL"]), shared_group=group, **overrides)

    def subscriptions(self) -> list[str]:
        """Topic filters; with a group, ``$share/<group>/…`` so each message reaches one sidecar."""
        if self.shared_group:
            return [f"$share/{self.shared_group}/{topic}" for topic in self.topics]
        return list(self.topics)
