"""Liveness of the parts the system needs: database, Celery broker, MQTT broker."""
from __future__ import annotations

import socket
from urllib.parse import unquote, urlparse

from sqlalchemy import text

from app import settings
from app.extensions import db


def _database() -> dict:
    try:
        db.session.execute(text("SELECT 1"))
        return {"ok": True, "backend": db.engine.dialect.name}
    except Exception as exc:  # noqa: BLE001 - reported, not raised: this is a health probe
        db.session.rollback()
        return {"ok": False, "error": type(exc).__name__}


def _broker() -> dict:
    url = settings.current().celery_broker_url
    if url.startswith("filesystem://"):
        folder = settings.current().celery_data_dir
        return {"ok": folder.is_dir(), "transport": "filesystem"}
    try:
        import redis

        redis.Redis.from_url(url, socket_timeout=1).ping()
        return {"ok": True, "transport": "redis"}
    except Exception as exc:  # noqa: BLE001
        return {"ok": False, "transport": "redis", "error": type(exc).__name__}


def mqtt_connack(host: str, port: int, timeout: float = 1.0, *, username: str | None = None,
                 password: str | None = None) -> bool:
    """Send an MQTT 3.1.1 CONNECT (with credentials if given) and expect an accepting CONNACK:
    a real protocol probe, which a broker that requires credentials only accepts with them."""
    flags, payload = 0x02, _mqtt_string(b"sitecase-health")
    if username:
        flags |= 0x80
        payload += _mqtt_string(username.encode())
        if password is not None:
            flags |= 0x40
            payload += _mqtt_string(password.encode())
    body = b"\x00\x04MQTT\x04" + bytes([flags]) + b"\x00\x05" + payload
    with socket.create_connection((host, port), timeout=timeout) as sock:
        sock.sendall(b"\x10" + _remaining_length(len(body)) + body)
        reply = sock.recv(4)
        sock.sendall(b"\xe0\x00")  # DISCONNECT
    return reply[:2] == b"\x20\x02" and reply[3:4] == b"\x00"


def _mqtt_string(value: bytes) -> bytes:
    return len(value).to_bytes(2, "big") + value


def _remaining_length(n: int) -> bytes:
    out = bytearray()
    while True:
        n, digit = divmod(n, 128)
        out.append(digit | (0x80 if n else 0))
        if not n:
            return bytes(out)


def _mqtt() -> dict:
    url = urlparse(settings.current().mqtt_url)
    broker = f"{url.hostname}:{url.port or 1883}"
    try:
        ok = mqtt_connack(url.hostname or "127.0.0.1", url.port or 1883,
                          username=unquote(url.username) if url.username else None,
                          password=unquote(url.password) if url.password is not None else None)
        return {"ok": ok, "broker": broker}
    except OSError as exc:
        return {"ok": False, "broker": broker, "error": type(exc).__name__}


def check() -> dict:
    """Status of each part and an overall flag."""
    parts = {"database": _database(), "broker": _broker(), "mqtt": _mqtt()}
    return {"ok": all(p["ok"] for p in parts.values()), **parts}
