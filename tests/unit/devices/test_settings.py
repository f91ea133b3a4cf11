"""SidecarConfig from URLs and from the Flask config mapping."""
from __future__ import annotations

import pytest

from devices.settings import SidecarConfig


def test_from_url_plain_and_tls_with_credentials() -> None:
    plain = SidecarConfig.from_url("mqtt://127.0.0.1:1884")
    assert (plain.host, plain.port, plain.tls, plain.username) == ("127.0.0.1", 1884, False, None)
    tls = SidecarConfig.from_url("mqtts://side%40car:p%3Ass@broker.example")
    assert (tls.host, tls.port, tls.tls, tls.username, tls.password) == \
        ("broker.example", 8883, True, "side@car", "p:ss")


def test_bad_scheme_and_protocol_are_refused() -> None:
    with pytest.raises(ValueError):
        SidecarConfig.from_url("http://x")
    with pytest.raises(ValueError):
        SidecarConfig(protocol="4")  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        SidecarConfig(batch_size=500, receive_maximum=100)


def test_from_app_config_reads_required_and_optional_keys() -> None:
    config = SidecarConfig.from_app_config({
        "MQTT_URL": "mqtt://10.0.0.5:1883", "MQTT_SHARED_GROUP": "sitecase",
        "MQTT_CLIENT_ID": "sidecar-a", "MQTT_BATCH_SIZE": "50", "MQTT_BATCH_MS": 100})
    assert (config.host, config.client_id, config.batch_size, config.batch_interval_ms) == \
        ("10.0.0.5", "sidecar-a", 50, 100)
    assert config.subscriptions() == ["$share/sitecase/sitecase/+/+/+/data",
                                      "$share/sitecase/sitecase/+/+/+/alarm"]


def test_without_a_group_the_plain_topics_are_subscribed() -> None:
    config = SidecarConfig.from_app_config({"MQTT_URL": "mqtt://h", "MQTT_SHARED_GROUP": ""})
    assert config.subscriptions() == ["sitecase/+/+/+/data", "sitecase/+/+/+/alarm"]
    assert config.client_id.startswith("sitecase-sidecar-")


def test_embedded_broker_means_mqtt_311_without_shared_group() -> None:
    config = SidecarConfig.from_app_config({"MQTT_URL": "mqtt://127.0.0.1:1883",
                                            "MQTT_SHARED_GROUP": "sitecase", "MQTT_EMBEDDED": True})
    assert (config.protocol, config.shared_group) == ("3.1.1", None)
    assert config.subscriptions() == ["sitecase/+/+/+/data", "sitecase/+/+/+/alarm"]
