"""RawMessage: one MQTT delivery as the sidecar hands it on, and its dict form for the app.

The dict form is the input contract of ``app.services.ingestion.ingest.ingest_messages``. It is
JSON-serialisable on purpose, so the same batch could be sent to a Celery task by name later.
"""
from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import UTC, datetime


@dataclass(frozen=True)
class RawMessage:
    """What arrived, unparsed: validation belongs to the ingest service (app.services.ingestion.payloads)."""

    topic: str
    payload: bytes
    qos: int = 1
    retain: bool = False
    dup: bool = False
    received_at: datetime | None = None

    def to_dict(self) -> dict[str, object]:
        """The ``ingest_messages`` input dict.

        ``payload`` is the UTF-8 text of the MQTT payload (``payload_encoding`` "utf-8"), or its
        base64 when the bytes are not UTF-8 ("base64") — never silently repaired, so the
        service can still reject it as not_json. ``app.services.ingestion.payloads.parse_raw_message`` reads it.
        """
        try:
            payload, encoding = self.payload.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            payload, encoding = base64.b64encode(self.payload).decode("ascii"), "base64"
        received = self.received_at or datetime.now(UTC)
        return {
            "topic": self.topic,
            "payload": payload,
            "payload_encoding": encoding,
            "qos": self.qos,
            "retain": self.retain,
            "dup": self.dup,
            "received_at": received.isoformat(),
        }
