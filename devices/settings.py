"""Sidecar settings: the broker endpoint the app parsed from its config (app.infra.mqtt), plus
the sidecar's own keys of the Flask config (app/config.py owns os.environ)."""
from __future__ import annotations

import socket
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

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
    def for_endpoint(cls, endpoint: Any, **overrides: object) -> SidecarConfig:
        """Connect to ``endpoint`` (app.infra.mqtt.MqttEndpoint: host, port, tls, username,
        password, protocol — the app parses MQTT_URL, once); ``overrides`` set the other fields."""
        return cls(host=endpoint.host, port=endpoint.port, tls=endpoint.tls,  # type: ignore[arg-type]
                   username=endpoint.username, password=endpoint.password,
                   protocol=endpoint.protocol, **overrides)

    @classmethod
    def from_app_config(cls, endpoint: Any, config: Mapping[str, object]) -> SidecarConfig:
        """The app's broker ``endpoint`` plus the sidecar's own keys of the Flask config."""
        keys = {"client_id": "MQTT_CLIENT_ID", "session_expiry_s": "MQTT_SESSION_EXPIRY_S",
                "batch_size": "MQTT_BATCH_SIZE", "batch_interval_ms": "MQTT_BATCH_MS",
                "receive_maximum": "MQTT_RECEIVE_MAXIMUM"}
        overrides: dict[str, object] = {}
        for attr, key in keys.items():
            value = config.get(key)
            if value not in (None, ""):
                overrides[attr] = str(value) if attr == "client_id" else int(value)
        # The embedded broker (devices/broker.py, amqtt) has no $share/ subscriptions; there is
        # exactly one sidecar in that setup anyway.
        group = None if config.get("MQTT_EMBEDDED") else config.get("MQTT_SHARED_GROUP") or None
        return cls.for_endpoint(endpoint, shared_group=group, **overrides)

    def subscriptions(self) -> list[str]:
        """Topic filters; with a group, ``$share/<group>/…`` so each message reaches one sidecar."""
        if self.shared_group:
            return [f"$share/{self.shared_group}/{topic}" for topic in self.topics]
        return list(self.topics)
