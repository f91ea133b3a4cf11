"""``python -m devices``: run the MQTT sidecar feeding the app's device-ingest service.

The app is imported lazily so ``devices`` stays importable (and testable) without it. devices/
reaches the app only through ``app.create_app`` and ``app.services.ingestion.entry``: its
``ingest_messages`` takes every batch, its ``mqtt_endpoint`` names the broker (DESIGN.md; the
contract "devices-reach-app-through-entry" in setup.cfg). If the ingest function is missing we
stop with a clear message instead of pretending to ingest.
"""
from __future__ import annotations

import argparse
import logging
import signal
import sys
import threading
from collections.abc import Callable
from dataclasses import replace
from types import FrameType

from devices import workers
from devices.batching import BatchHandler
from devices.messages import RawMessage
from devices.settings import SidecarConfig
from devices.sidecar import run_sidecar

INGEST_SERVICE = "app.services.ingestion.entry"
INGEST_FUNCTION = "ingest_messages"
log = logging.getLogger("devices")


class IngestServiceMissing(RuntimeError):
    """The app has no device-ingest service (yet): nothing would store the readings."""


def load_ingest_function(module_name: str = INGEST_SERVICE,
                         function_name: str = INGEST_FUNCTION) -> Callable[[list[dict]], object]:
    """Import the ingest function by name; raise IngestServiceMissing if it is not there."""
    import importlib

    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        parts = module_name.split(".")
        if exc.name not in {".".join(parts[:i]) for i in range(1, len(parts) + 1)}:
            raise  # the service exists but one of *its* imports is broken: show the real error
        raise IngestServiceMissing(f"{module_name} is missing; the sidecar needs "
                                   f"{module_name}.{function_name}(raw_messages)") from exc
    function = getattr(module, function_name, None)
    if not callable(function):
        raise IngestServiceMissing(f"{module_name} has no function {function_name}")
    return function


def build_handler(app: object, ingest: Callable[[list[dict]], object]) -> BatchHandler:
    """A batch handler that runs the ingest service inside the app context."""

    def handle_batch(batch: list[RawMessage]) -> None:
        with app.app_context():  # type: ignore[attr-defined]
            result = ingest([message.to_dict() for message in batch])
        log.info("ingested %d message(s): %s", len(batch), result)

    return handle_batch


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m devices", description=(
        "MQTT sidecar: device readings and alarms into SiteCase. Several processes share one "
        "$share/ subscription (--processes) to use more than one core."))
    parser.add_argument("--processes", type=int, default=None,
                        help="sidecar processes to run (default: MQTT_SIDECAR_PROCESSES, else 1)")
    parser.add_argument("--worker", type=int, default=None, help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    logging.basicConfig(level=logging.INFO,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    from app import create_app
    from app.services.ingestion.entry import mqtt_endpoint

    app = create_app()
    config = SidecarConfig.from_app_config(mqtt_endpoint(app.config), app.config)
    processes = args.processes or int(app.config.get("MQTT_SIDECAR_PROCESSES") or 1)
    if args.worker is None and processes != 1:
        try:
            workers.check_can_scale(processes, config.shared_group)
        except workers.WorkerSetupError as exc:
            print(f"devices: cannot start: {exc}", file=sys.stderr)
            return 2
        return workers.WorkerPool(processes, workers.worker_argv).run()
    if args.worker is not None:
        config = replace(config, client_id=workers.worker_client_id(config.client_id, args.worker))
    try:
        ingest = load_ingest_function()
    except IngestServiceMissing as exc:
        print(f"devices: cannot start: {exc}", file=sys.stderr)
        return 2
    stop = threading.Event()

    def request_stop(signum: int, _frame: FrameType | None) -> None:
        log.info("signal %d: finishing the current batch, then disconnecting", signum)
        stop.set()

    signal.signal(signal.SIGTERM, request_stop)
    signal.signal(signal.SIGINT, request_stop)
    run_sidecar(config, build_handler(app, ingest), stop)
    return 0


if __name__ == "__main__":
    sys.exit(main())
