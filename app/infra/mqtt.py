"""The MQTT broker of the deployment: MQTT_URL (with MQTT_PROTOCOL and MQTT_EMBEDDED) parsed
once, here, and a publishing client on it for `flask devices simulate`.

The sidecar (devices/) never imports the app's internals: it gets this endpoint through
app.services.ingestion.entry and adds its own knobs (client id, shared group, batching).
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Literal
from urllib.parse import unquote, urlsplit

import paho.mqtt.client as mqtt

PROTOCOLS = ("5", "3.1.1")


@dataclass(frozen=True)
class MqttEndpoint:
    """Where and how to connect. Defaults suit the embedded single-machine setup."""

    host: str = "127.0.0.1"
    port: int = 1883
    tls: bool = False
    username: str | None = None
    password: str | None = None
    protocol: Literal["5", "3.1.1"] = "5"

    def __post_init__(self) -> None:
        if self.protocol not in PROTOCOLS:
            raise ValueError(f"MQTT protocol must be '5' or '3.1.1', not {self.protocol!r}")


def parse_mqtt_url(url: str, protocol: str = "5") -> MqttEndpoint:
    """``mqtt://[user:pass@]host[:port]`` or ``mqtts://…`` (TLS, default port 8883)."""
    parts = urlsplit(url)
    if parts.scheme not in ("mqtt", "mqtts", "tcp", "ssl"):
        raise ValueError(f"unsupported MQTT URL scheme in {url!r}")
    tls = parts.scheme in ("mqtts", "ssl")
    return MqttEndpoint(host=parts.hostname or "127.0.0.1", port=parts.port or (8883 if tls else 1883),
                        tls=tls, username=unquote(parts.username) if parts.username else None,
                        password=unquote(parts.password) if parts.password else None,
                        protocol=protocol)  # type: ignore[arg-type]


def mqtt_endpoint(config: Mapping[str, object]) -> MqttEndpoint:
    """The endpoint of the Flask config: MQTT_URL is required, MQTT_PROTOCOL optional."""
    # The embedded broker (devices/broker.py, amqtt) speaks MQTT 3.1.1 only.
    default = "3.1.1" if config.get("MQTT_EMBEDDED") else "5"
    protocol = str(config.get("MQTT_PROTOCOL") or default)
    return parse_mqtt_url(str(config["MQTT_URL"]), protocol)


def mqtt_publisher(endpoint: MqttEndpoint) -> tuple[mqtt.Client, Callable[[str, bytes], None]]:
    """A connected QoS 1 client on the broker and its `publish(topic, payload)`."""
    v5 = endpoint.protocol == "5"
    client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2,
                         protocol=mqtt.MQTTv5 if v5 else mqtt.MQTTv311)
    if endpoint.username:
        client.username_pw_set(endpoint.username, endpoint.password)
    if endpoint.tls:
        client.tls_set()
    client.max_queued_messages_set(10000)
    client.connect(endpoint.host, endpoint.port)
    client.loop_start()

    last: list[mqtt.MQTTMessageInfo] = []

    def publish(topic: str, payload: bytes) -> None:
        last[:] = [client.publish(topic, payload, qos=1)]

    client.last_publish = last  # type: ignore[attr-defined]  (drained before disconnecting)

    return client, publish
