"""A load generator that costs the benchmark machine almost nothing: pre-encoded MQTT packets.

Devices publish from their own hardware; on the benchmark box the publishers would otherwise
compete with the system under test for the same two cores (a paho publisher spends a few
hundred µs of Python per QoS 1 message). Here every PUBLISH packet is encoded before the clock
starts and written with ``sendall`` in chunks; a reader thread counts the broker's PUBACKs.
MQTT 3.1.1, QoS 1, clean session; packet ids cycle through 1..65535 and at most ``WINDOW``
messages are unacknowledged at any time, so an id is never reused while still in flight.

This is a test instrument only (bench/), not part of the product: the sidecar uses paho-mqtt.
"""
from __future__ import annotations

import socket
import struct
import threading
import time
from collections.abc import Sequence

WINDOW = 20_000
CHUNK = 200


def _remaining_length(n: int) -> bytes:
    out = bytearray()
    while True:
        byte, n = n % 128, n // 128
        out.append(byte | (0x80 if n else 0))
        if not n:
            return bytes(out)


def _string(value: bytes) -> bytes:
    return struct.pack("!H", len(value)) + value


def connect_packet(client_id: str, keepalive: int = 120) -> bytes:
    body = _string(b"MQTT") + bytes([4, 0x02]) + struct.pack("!H", keepalive) + _string(client_id.encode())
    return b"\x10" + _remaining_length(len(body)) + body


def publish_packet(topic: str, payload: bytes, packet_id: int) -> bytes:
    body = _string(topic.encode()) + struct.pack("!H", packet_id) + payload
    return b"\x32" + _remaining_length(len(body)) + body


def encode(messages: Sequence[tuple[str, bytes]]) -> list[bytes]:
    """QoS 1 PUBLISH packets with packet ids 1..65535, cycling."""
    return [publish_packet(topic, body, i % 65535 + 1) for i, (topic, body) in enumerate(messages)]


class RawPublisher:
    """One MQTT connection that writes pre-encoded PUBLISH packets and counts PUBACKs."""

    def __init__(self, host: str, port: int, client_id: str) -> None:
        self.sock = socket.create_connection((host, port))
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.sock.sendall(connect_packet(client_id))
        connack = self._read_exact(4)
        if connack[0] != 0x20 or connack[3] != 0:
            raise RuntimeError(f"CONNACK refused: {connack!r}")
        self.acked = 0
        self._acked_cv = threading.Condition()
        self._reader = threading.Thread(target=self._read_acks, daemon=True)
        self._reader.start()

    def _read_exact(self, n: int) -> bytes:
        data = b""
        while len(data) < n:
            chunk = self.sock.recv(n - len(data))
            if not chunk:
                raise ConnectionError("broker closed the connection")
            data += chunk
        return data

    def _read_acks(self) -> None:
        buffer = b""
        while True:
            try:
                chunk = self.sock.recv(65536)
            except OSError:
                return
            if not chunk:
                return
            buffer += chunk
            whole = len(buffer) // 4  # the broker sends nothing but 4-byte PUBACKs here
            if whole:
                buffer = buffer[whole * 4:]
                with self._acked_cv:
                    self.acked += whole
                    self._acked_cv.notify_all()

    def send(self, packets: Sequence[bytes], rate: float = 0.0) -> None:
        """Write the packets (as fast as the window allows, or at ``rate`` per second)."""
        begin = time.monotonic()
        sent = 0
        for start in range(0, len(packets), CHUNK):
            chunk = packets[start:start + CHUNK]
            with self._acked_cv:
                while sent - self.acked > WINDOW - len(chunk):
                    self._acked_cv.wait(1.0)
            self.sock.sendall(b"".join(chunk))
            sent += len(chunk)
            if rate:
                delay = begin + sent / rate - time.monotonic()
                if delay > 0:
                    time.sleep(delay)

    def wait_acked(self, total: int, timeout: float = 600.0) -> None:
        deadline = time.monotonic() + timeout
        with self._acked_cv:
            while self.acked < total:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError(f"{self.acked}/{total} PUBACKs after {timeout}s")
                self._acked_cv.wait(min(left, 1.0))

    def close(self) -> None:
        try:
            self.sock.sendall(b"\xe0\x00")  # DISCONNECT
        finally:
            self.sock.close()
