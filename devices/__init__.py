"""The MQTT sidecar: transport only.

``devices.sidecar`` (paho-mqtt client), ``devices.batching`` (batch + ack-after-handle),
``devices.workers`` (several sidecar processes), ``devices.settings`` (config), the embedded
``devices.broker``; ``python -m devices`` runs it against the app. Payload parsing, validation
and threshold rules live in the app (app.services.ingestion, app.services.monitoring). The app
is reached only through ``app.create_app`` and ``app.services.ingestion.entry``, never at module
level here; the app never imports this package (contracts in setup.cfg).
"""
