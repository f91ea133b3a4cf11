"""``python -m devices.broker --host 127.0.0.1 --port 1883``: the embedded MQTT broker.

Why amqtt: it is pure Python and installed with the project, so the one-command run needs no
system broker. It speaks MQTT 3.1.1 only, keeps sessions in memory (they do not survive a
restart) and has no ``$share/`` subscriptions; at scale point MQTT_URL at Mosquitto or EMQX.
Anonymous access is acceptable only because the broker binds to loopback by default.
"""
from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import sys

from amqtt.broker import Broker

log = logging.getLogger("devices.broker")


def broker_config(host: str, port: int) -> dict:
    """One TCP listener, anonymous clients, none of amqtt's chatty default plugins."""
    return {
        "listeners": {"default": {"type": "tcp", "bind": f"{host}:{port}"}},
        "plugins": {"amqtt.plugins.authentication.AnonymousAuthPlugin": {"allow_anonymous": True}},
    }


async def serve(host: str, port: int) -> None:
    """Run the broker until SIGINT or SIGTERM, then shut it down cleanly."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    broker = Broker(broker_config(host, port))
    await broker.start()
    log.info("embedded MQTT broker listening on mqtt://%s:%d", host, port)
    await stop.wait()
    await broker.shutdown()
    log.info("embedded MQTT broker stopped")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m devices.broker", description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=1883)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("transitions").setLevel(logging.WARNING)
    asyncio.run(serve(args.host, args.port))
    return 0


if __name__ == "__main__":
    sys.exit(main())
