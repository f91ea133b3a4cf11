"""The broker endpoint parsed from MQTT_URL (+ MQTT_PROTOCOL, MQTT_EMBEDDED): the app's one parser."""
from __future__ import annotations

import pytest

from app.infra.mqtt import MqttEndpoint, mqtt_endpoint, parse_mqtt_url


def test_from_url_plain_and_tls_with_credentials() -> None:
    plain = parse_mqtt_url("mqtt://127.0.0.1:1884")
    assert (plain.host, plain.port, plain.tls, plain.username) == ("127.0.0.1", 1884, False, None)
    tls = parse_mqtt_url("mqtts://side%40car:p%3Ass@broker.example")
    assert (tls.host, tls.port, tls.tls, tls.username, tls.password) == \
        ("broker.example", 8883, True, "side@car", "p:ss")


def test_bad_scheme_and_protocol_are_refused() -> None:
    with pytest.raises(ValueError):
        parse_mqtt_url("http://x")
    with pytest.raises(ValueError):
        MqttEndpoint(protocol="4")  # type: ignore[arg-type]


def test_protocol_defaults_to_5_and_to_311_for_the_embedded_broker() -> None:
    assert mqtt_endpoint({"MQTT_URL": "mqtt://h"}).protocol == "5"
    assert mqtt_endpoint({"MQTT_URL": "mqtt://h", "MQTT_PROTOCOL": "3.1.1"}).protocol == "3.1.1"
    assert mqtt_endpoint({"MQTT_URL": "mqtt://h", "MQTT_EMBEDDED": True}).protocol == "3.1.1"
    # an explicit MQTT_PROTOCOL wins, as it always did
    assert mqtt_endpoint({"MQTT_URL": "mqtt://h", "MQTT_EMBEDDED": True,
                          "MQTT_PROTOCOL": "5"}).protocol == "5"
