"""Liveness of the parts the system needs: database, Celery broker, MQTT broker."""
from __future__ import annotations

import socket
from pathlib import Path
from urllib.parse import urlparse

from flask import current_app
from sqlalchemy import text

from app.extensions import db


def _database() -> dict:
    try:
        db.session.execute(text("SELECT 1"))
        return {"ok": True, "backend": db.engine.dialect.name}
    except Exception as exc:  # noqa: BLE001 - reported, not raised: this is a health probe
        db.session.rollback()
        return {"ok": False, "error": type(exc).__name__}


def _broker() -> dict:
    url = current_app.config["CELERY_BROKER_URL"]
    if url.startswith("filesystem://"):
        folder = Path(current_app.config["CELERY_DATA_DIR"])
        return {"ok": folder.is_dir(), "transport": "filesystem"}
    try:
        import redis

        redis.Redis.from_url(url, socket_timeout=1).ping()
        return {"ok": True, "transport": "redis"}
    except Exception as exc:  # noqa: BLE001
        return {"ok": False, "transport": "redis", "error": type(exc).__name__}


def mqtt_connack(host: str, port: int, timeout: float = 1.0) -> bool:
    """Send an MQTT 3.1.1 CONNECT and expect an accepting CONNACK: a real protocol probe."""
    client_id = b"sitecase-health"
    variable = b"\x00\x04MQTT\x04\x02\x00\x05"
    payload = len(client_id).to_bytes(2, "big") + client_id
    body = variable + payload
    with socket.create_connection((host, port), timeout=timeout) as sock:
        sock.sendall(bytes([0x10, len(body)]) + body)
        reply = sock.recv(4)
        sock.sendall(b"\xe0\x00")  # DISCONNECT
    return reply[:2] == b"\x20\x02" and reply[3:4] == b"\x00"


def _mqtt() -> dict:
    url = urlparse(current_app.config["MQTT_URL"])
    try:
        return {"ok": mqtt_connack(url.hostname or "127.0.0.1", url.port or 1883),
                "broker": f"{url.hostname}:{url.port or 1883}"}
    except OSError as exc:
        return {"ok": False, "broker": f"{url.hostname}:{url.port or 1883}", "error": type(exc).__name__}


def check() -> dict:
    """Status of each part and an overall flag."""
    parts = {"database": _database(), "broker": _broker(), "mqtt": _mqtt()}
    return {"ok": all(p["ok"] for p in parts.values()), **parts}
