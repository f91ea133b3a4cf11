"""``python -m devices.broker --host 127.0.0.1 --port 1883``: the embedded MQTT broker.

Why amqtt: it is pure Python and installed with the project, so the one-command run needs no
system broker. It speaks MQTT 3.1.1 only and has no ``$share/`` subscriptions; at scale point
MQTT_URL at Mosquitto or EMQX (README: the same credentials and ACL for them).

Clients must log in (devices/broker_acl.py): devices with their code and token, checked by
``app.services.ingestion.entry.mqtt_device_topics``; the sidecar with the service account. Sessions and the QoS 1 messages queued for an offline persistent
session live in this process's memory: they survive a restart of the sidecar, not of the broker.
"""
from __future__ import annotations

import argparse
import asyncio
import contextlib
import functools
import logging
import signal
import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

from amqtt.broker import Broker, RetainedApplicationMessage
from amqtt.mqtt.protocol.broker_handler import BrokerProtocolHandler
from amqtt.session import OUTGOING

from devices.broker_acl import Authority

SWEEP_S = 0.5
log = logging.getLogger("devices.broker")


def broker_config(host: str, port: int, authority: Authority) -> dict:
    """One TCP listener, logins checked by ``authority``, none of amqtt's chatty default plugins."""
    return {
        "listeners": {"default": {"type": "tcp", "bind": f"{host}:{port}"}},
        "plugins": {"devices.broker_acl.DeviceAclPlugin": {"authority": authority}},
    }


def app_authority(app: Any) -> Authority:
    """The service account from the app config; device logins checked by the app's service."""
    from app.services.ingestion.entry import mqtt_device_topics

    def device_topics(username: str, password: str) -> list[str]:
        with app.app_context():
            return mqtt_device_topics(username, password)

    return Authority(app.config["MQTT_SERVICE_USERNAME"], app.config["MQTT_SERVICE_PASSWORD"],
                     device_topics)


class SiteCaseBroker(Broker):
    """amqtt's broker, minus a way to lose acknowledged messages.

    amqtt PUBACKs a QoS 1 PUBLISH as soon as it is read and broadcasts it later from the
    client's message loop; when the client disconnects, that loop ends and whatever was still
    queued is dropped — acknowledged to the device, never delivered (measured: the last few
    readings of a device that publishes a burst and disconnects). Broadcast them first.
    """

    async def _handle_disconnect(self, client_session: Any, handler: BrokerProtocolHandler,
                                 disconnect_waiter: asyncio.Future[Any]) -> None:
        pending = client_session.delivered_message_queue
        while not pending.empty():
            delivered: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
            delivered.set_result(pending.get_nowait())
            await self._handle_message_delivery(client_session, handler, delivered)
        await super()._handle_disconnect(client_session, handler, disconnect_waiter)


@contextlib.asynccontextmanager
async def running_broker(host: str, port: int, authority: Authority) -> AsyncIterator[Broker]:
    """The started broker, with the late-queue sweeper beside it; shut down on exit."""
    broker = SiteCaseBroker(broker_config(host, port, authority))
    await broker.start()
    sweeper = asyncio.create_task(deliver_late_queued(broker))
    try:
        yield broker
    finally:
        sweeper.cancel()
        await asyncio.gather(sweeper, return_exceptions=True)
        await broker.shutdown()


async def deliver_late_queued(broker: Broker, every_s: float = SWEEP_S) -> None:
    """Deliver QoS 1 messages queued for a session that is connected again.

    amqtt drains an offline session's queue once, when its client reconnects. A message put
    back on the queue later (see ``_requeue_unacked``: its PUBLISH went to a connection that
    died) would otherwise wait for the client's *next* reconnect.
    """
    while True:
        await asyncio.sleep(every_s)
        for session, handler in list(broker.sessions.values()):
            reader = getattr(handler, "_reader_task", None)  # started: attached to the live socket
            if (session.transitions.state == "connected" and reader is not None and not reader.done()
                    and not session.retained_messages.empty()):
                await broker._publish_session_retained_messages(session)  # noqa: SLF001


def _requeue_unacked(flow: Callable[..., Awaitable[None]]) -> Callable[..., Awaitable[None]]:
    """Wrap amqtt's QoS 1 flow so a PUBLISH to a persistent session that got no PUBACK in time
    goes back on the session's queue instead of being dropped.

    amqtt 0.12 forgets an unacknowledged message when its connection dies (the flow is
    cancelled) or after 5 s without PUBACK — measured: the one or two readings in flight to a
    sidecar killed with SIGKILL were lost although the broker had acknowledged them to the
    device. Queued again, they are delivered at the next connect or by the sweep below: at worst
    a duplicate, which ingestion drops by data_id.
    """

    @functools.wraps(flow)
    async def qos1_flow(self: BrokerProtocolHandler, app_message: Any) -> None:
        try:
            await flow(self, app_message)
        except (TimeoutError, asyncio.CancelledError):
            session = self.session
            if app_message.direction != OUTGOING or session is None or session.clean_session:
                raise
            log.warning("no PUBACK from %s for a message on %s: queued for redelivery",
                        session.client_id, app_message.topic)
            session.retained_messages.put_nowait(RetainedApplicationMessage(
                None, app_message.topic, app_message.data, app_message.qos))
            raise

    return qos1_flow


BrokerProtocolHandler._handle_qos1_message_flow = _requeue_unacked(  # noqa: SLF001
    BrokerProtocolHandler._handle_qos1_message_flow)  # noqa: SLF001


async def serve(host: str, port: int, authority: Authority) -> None:
    """Run the broker until SIGINT or SIGTERM, then shut it down cleanly."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    async with running_broker(host, port, authority):
        log.info("embedded MQTT broker listening on mqtt://%s:%d (logins required)", host, port)
        await stop.wait()
    log.info("embedded MQTT broker stopped")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m devices.broker", description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=1883)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("transitions").setLevel(logging.WARNING)
    from app import create_app  # lazily, as in devices/__main__.py: devices stays importable alone

    asyncio.run(serve(args.host, args.port, app_authority(create_app())))
    return 0


if __name__ == "__main__":
    sys.exit(main())
