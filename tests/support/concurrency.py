"""Run calls at the same moment in threads, each with its own app context and session."""
from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from flask import Flask

from app.extensions import db


def in_threads(app: Flask, *calls: Callable[[], Any], timeout: float = 120) -> list[Any]:
    """Run each call in its own thread and app context, released together; results or errors."""
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def worker(index: int, call: Callable[[], Any]) -> None:
        with app.app_context():
            barrier.wait()
            try:
                results[index] = call()
            except Exception as exc:  # noqa: BLE001 - the test inspects it
                results[index] = exc
            finally:
                db.session.remove()

    threads = [threading.Thread(target=worker, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=timeout)
    return results
