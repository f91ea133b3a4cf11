"""SidecarConfig from the app's broker endpoint and the Flask config mapping."""
from __future__ import annotations

import pytest

from app.infra.mqtt import mqtt_endpoint, parse_mqtt_url
from devices.settings import SidecarConfig


def from_app_config(config: dict) -> SidecarConfig:
    return SidecarConfig.from_app_config(mqtt_endpoint(config), config)


def test_the_endpoint_gives_the_connection() -> None:
    config = SidecarConfig.for_endpoint(parse_mqtt_url("mqtts://side%40car:p%3Ass@broker.example"),
                                        client_id="c")
    assert (config.host, config.port, config.tls, config.username, config.password, config.client_id) == \
        ("broker.example", 8883, True, "side@car", "p:ss", "c")


def test_bad_protocol_and_batch_size_are_refused() -> None:
    with pytest.raises(ValueError):
        SidecarConfig(protocol="4")  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        SidecarConfig(batch_size=500, receive_maximum=100)


def test_from_app_config_reads_required_and_optional_keys() -> None:
    config = from_app_config({
        "MQTT_URL": "mqtt://10.0.0.5:1883", "MQTT_SHARED_GROUP": "sitecase",
        "MQTT_CLIENT_ID": "sidecar-a", "MQTT_BATCH_SIZE": "50", "MQTT_BATCH_MS": 100})
    assert (config.host, config.client_id, config.batch_size, config.batch_interval_ms) == \
        ("10.0.0.5", "sidecar-a", 50, 100)
    assert config.subscriptions() == ["$share/sitecase/sitecase/+/+/+/data",
                                      "$share/sitecase/sitecase/+/+/+/alarm"]


def test_without_a_group_the_plain_topics_are_subscribed() -> None:
    config = from_app_config({"MQTT_URL": "mqtt://h", "MQTT_SHARED_GROUP": ""})
    assert config.subscriptions() == ["sitecase/+/+/+/data", "sitecase/+/+/+/alarm"]
    assert config.client_id.startswith("sitecase-sidecar-")


def test_embedded_broker_means_mqtt_311_without_shared_group() -> None:
    config = from_app_config({"MQTT_URL": "mqtt://127.0.0.1:1883",
                              "MQTT_SHARED_GROUP": "sitecase", "MQTT_EMBEDDED": True})
    assert (config.protocol, config.shared_group) == ("3.1.1", None)
    assert config.subscriptions() == ["sitecase/+/+/+/data", "sitecase/+/+/+/alarm"]
