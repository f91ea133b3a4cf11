"""The MQTT loop: subscribe at QoS 1, batch, hand batches on, ack after the handler returned.

paho-mqtt 2.x runs the network in its own thread (``loop_start`` → ``loop_forever`` with
``retry_first_connection``), which also reconnects with exponential backoff
(``reconnect_delay_set``). The calling thread runs the :class:`~devices.batching.Batcher`, so a
slow handler never starves keepalive pings.

Session: a fixed client id, ``clean_start=False`` and a session expiry interval, so the broker
queues QoS 1 messages while the sidecar is down and redelivers un-acked ones after a reconnect.
Acks use ``manual_ack=True`` + ``client.ack(mid, qos)`` (paho 2.x ``Client.ack``).

Packet ids are only meaningful on the connection that delivered them, so every delivery remembers
its connection generation and an ack from an older connection is skipped: the broker has
redelivered that message on the new connection anyway (a counted duplicate, never a loss, and
never an ack that lands on a different message that reused the packet id).
"""
from __future__ import annotations

import logging
import threading
import time
from datetime import UTC, datetime
from typing import Any

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties

from devices.batching import Batcher, BatchHandler, BatchStats, Delivery
from devices.messages import RawMessage
from devices.settings import SidecarConfig

log = logging.getLogger(__name__)
NOT_CONNECTED_WARNING_S = 30.0


class Sidecar:
    """One MQTT client feeding one handler. ``run(stop)`` blocks until ``stop`` is set."""

    def __init__(self, config: SidecarConfig, handler: BatchHandler) -> None:
        self.config = config
        self.batcher = Batcher(handler, batch_size=config.batch_size,
                               batch_interval_s=config.batch_interval_ms / 1000,
                               retry_min_s=config.retry_min_s, retry_max_s=config.retry_max_s)
        self.connected = threading.Event()
        self.subscribed = threading.Event()
        self.stale_acks_skipped = 0
        self._generation = 0
        self._stopping = False
        self._lock = threading.Lock()
        self.client = self._build_client()

    @property
    def stats(self) -> BatchStats:
        return self.batcher.stats

    def run(self, stop: threading.Event) -> None:
        """Connect (retrying until the broker is there), then batch until ``stop`` is set."""
        self.start()
        down_since = time.monotonic()
        try:
            while not stop.is_set():
                self.batcher.run_once(idle_timeout_s=0.2)
                if self.subscribed.is_set():
                    down_since = time.monotonic()
                elif time.monotonic() - down_since > NOT_CONNECTED_WARNING_S:
                    down_since = time.monotonic()
                    self._warn_not_connected()
        finally:
            self.shutdown()

    def _warn_not_connected(self) -> None:
        # Some failures are silent in paho: an MQTT 3.1.1-only broker (the embedded amqtt) just
        # drops an MQTT 5 CONNECT. Without this line the sidecar would idle without a word.
        log.warning("MQTT: not connected and subscribed to %s:%s for %ss (protocol %s). Is the "
                    "broker running? A 3.1.1-only broker needs MQTT_PROTOCOL=3.1.1.",
                    self.config.host, self.config.port, NOT_CONNECTED_WARNING_S,
                    self.config.protocol)

    def start(self) -> None:
        cfg = self.config
        kwargs: dict[str, Any] = {}
        if cfg.protocol == "5":
            props = Properties(PacketTypes.CONNECT)
            props.SessionExpiryInterval = cfg.session_expiry_s
            props.ReceiveMaximum = cfg.receive_maximum
            kwargs = {"clean_start": False, "properties": props}
        self.client.connect_async(cfg.host, cfg.port, keepalive=cfg.keepalive_s, **kwargs)
        self.client.loop_start()

    def shutdown(self) -> None:
        """Disconnect after queued acks are written (paho sends packets in order), stop the loop.
        Deliveries still in the batcher are not acked: the broker redelivers them next time."""
        self._stopping = True
        self.client.disconnect()
        self.client.loop_stop()

    def _build_client(self) -> mqtt.Client:
        cfg = self.config
        v5 = cfg.protocol == "5"
        client = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=cfg.client_id,
                             protocol=mqtt.MQTTv5 if v5 else mqtt.MQTTv311,
                             clean_session=None if v5 else False, manual_ack=True)
        if cfg.username:
            client.username_pw_set(cfg.username, cfg.password)
        if cfg.tls:
            client.tls_set()
        client.reconnect_delay_set(cfg.reconnect_min_s, cfg.reconnect_max_s)
        client.suppress_exceptions = True  # a bug in a callback must not kill the network thread
        client.enable_logger(logging.getLogger("devices.sidecar.paho"))
        client.on_connect = self._on_connect
        client.on_disconnect = self._on_disconnect
        client.on_message = self._on_message
        client.on_subscribe = self._on_subscribe
        return client

    def _on_connect(self, client: mqtt.Client, _userdata: object, flags: mqtt.ConnectFlags,
                    reason_code: Any, _properties: object) -> None:
        if reason_code.is_failure:
            log.error("MQTT connect refused by %s:%s: %s", self.config.host, self.config.port,
                      reason_code)
            return
        if not flags.session_present:
            log.warning("MQTT broker has no session for %s: messages published while the "
                        "sidecar was away (if any) are not queued", self.config.client_id)
        # Subscribing again on every connect is harmless with a kept session and required
        # after the session expired.
        client.subscribe([(topic, 1) for topic in self.config.subscriptions()])
        log.info("MQTT connected to %s:%s as %s (session present: %s)", self.config.host,
                 self.config.port, self.config.client_id, flags.session_present)
        self.connected.set()

    def _on_disconnect(self, _client: mqtt.Client, _userdata: object, _flags: object,
                       reason_code: Any, _properties: object) -> None:
        with self._lock:
            self._generation += 1
        self.connected.clear()
        self.subscribed.clear()
        if self._stopping:
            log.info("MQTT disconnected (%s)", reason_code)
        else:
            log.warning("MQTT connection lost (%s); paho reconnects with backoff", reason_code)

    def _on_subscribe(self, _client: mqtt.Client, _userdata: object, _mid: int,
                      reason_codes: list[Any], _properties: object) -> None:
        refused = [(t, rc) for t, rc in zip(self.config.subscriptions(), reason_codes, strict=False)
                   if rc.is_failure]
        if refused:
            # e.g. a broker without shared subscriptions: say so loudly, nothing will arrive.
            log.error("MQTT broker refused subscription(s): %s", refused)
            return
        log.info("MQTT subscribed to %s", self.config.subscriptions())
        self.subscribed.set()

    def _on_message(self, _client: mqtt.Client, _userdata: object,
                    msg: mqtt.MQTTMessage) -> None:
        try:
            topic = msg.topic
        except UnicodeDecodeError:  # brokers should refuse these; keep it for the rejection log
            topic = bytes(getattr(msg, "_topic", b"")).decode("utf-8", "replace")
        raw = RawMessage(topic=topic, payload=bytes(msg.payload), qos=msg.qos,
                         retain=bool(msg.retain), dup=bool(msg.dup),
                         received_at=datetime.now(UTC))
        generation, mid, qos = self._generation, msg.mid, msg.qos
        self.batcher.offer(Delivery(raw, lambda: self._ack(mid, qos, generation)))

    def _ack(self, mid: int, qos: int, generation: int) -> None:
        if qos == 0:
            return
        # Under the lock so a disconnect cannot slip between the check and the queued PUBACK;
        # a PUBACK queued just before a reconnect is discarded by paho's reconnect().
        with self._lock:
            if generation != self._generation:
                self.stale_acks_skipped += 1
                return
            self.client.ack(mid, qos)


def run_sidecar(config: SidecarConfig, handler: BatchHandler,
                stop: threading.Event | None = None) -> Sidecar:
    """Run a sidecar in the calling thread until ``stop`` is set (forever if None)."""
    sidecar = Sidecar(config, handler)
    sidecar.run(stop or threading.Event())
    return sidecar
