"""A WSGI app served by waitress in a thread of the test process, stopped cleanly.

waitress's `server.run()` loops until its sockets are gone; closing them from another thread
while the loop waits in `select` ended that thread with EBADF (a warning of the run, in the
tests that served an app). Here the loop runs in short rounds until asked to stop, and the
sockets are closed only after the loop's thread has ended."""
from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from waitress import wasyncore
from waitress.server import create_server

ROUND_S = 0.1  # how soon the loop sees a stop


@contextmanager
def served(app, *, port: int = 0, threads: int = 4, stop_within_s: float = 60) -> Iterator[str]:
    """The base URL of `app` served on 127.0.0.1 (`port` 0: a free one) while the block runs."""
    server = create_server(app, host="127.0.0.1", port=port, threads=threads)
    stop = threading.Event()

    def loop() -> None:
        while not stop.is_set():
            wasyncore.loop(timeout=ROUND_S, map=server._map, count=1)

    thread = threading.Thread(target=loop, daemon=True, name="waitress-loop")
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.effective_port}"
    finally:
        stop.set()
        thread.join(stop_within_s)
        server.task_dispatcher.shutdown(timeout=stop_within_s)
        wasyncore.close_all(server._map)
