"""The app as the MQTT side (devices/) sees it: besides ``app.create_app`` the only app module
devices/ may import (import-linter contract "devices-reach-app-through-entry" in setup.cfg).

- ``ingest_messages(raw_messages)``: a batch of received messages into readings, rejections,
  alarms and cases (the sidecar, python -m devices);
- ``mqtt_device_topics(code, token)``: the login check of a device (the embedded broker);
- ``mqtt_endpoint(config)``: the broker to connect to, parsed from the app config.
"""
from __future__ import annotations

from app.infra.mqtt import MqttEndpoint, mqtt_endpoint
from app.services.ingestion.credentials import DeviceCredentialsError, mqtt_device_topics
from app.services.ingestion.ingest import IngestResult, ingest_messages

__all__ = ["DeviceCredentialsError", "IngestResult", "MqttEndpoint", "ingest_messages",
           "mqtt_device_topics", "mqtt_endpoint"]
