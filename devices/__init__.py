"""The MQTT sidecar: payload validation, threshold rules and the ingestion loop.

Pure parts (no I/O): ``app.services.ingestion.payloads`` (message → Reading | Rejection), ``app.services.monitoring.threshold_catalogue``
and ``app.services.monitoring.threshold_rules`` (limits, overrides, excursions, the consecutive-rate rule).
The loop: ``devices.sidecar`` (paho-mqtt), ``devices.batching`` (batch + ack-after-handle),
``devices.settings`` (config), ``python -m devices`` (runs it against the app's ingest service).
The app is never imported at module level here.
"""
