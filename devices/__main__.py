"""``python -m devices``: run the MQTT sidecar feeding the app's device-ingest service.

The app is imported lazily so ``devices`` stays importable (and testable) without it. The one
entry point into the app is ``app.services.device_ingest.ingest_messages`` (DESIGN.md: devices/
reaches the app only through one service function). If it is missing we stop with a clear
message instead of pretending to ingest.
"""
from __future__ import annotations

import logging
import signal
import sys
import threading
from collections.abc import Callable
from types import FrameType

from devices.batching import BatchHandler
from devices.messages import RawMessage
from devices.settings import SidecarConfig
from devices.sidecar import run_sidecar

INGEST_SERVICE = "app.services.device_ingest"
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


def main() -> int:
    logging.basicConfig(level=logging.INFO,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    from app import create_app

    app = create_app()
    try:
        ingest = load_ingest_function()
    except IngestServiceMissing as exc:
        print(f"devices: cannot start: {exc}", file=sys.stderr)
        return 2
    config = SidecarConfig.from_app_config(app.config)
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
