"""A real HTTP receiver for webhook tests, run as its own process: it appends every POST it gets
(headers and body) as one JSON line to a file, and answers `--status`. With `--die-after N` it
records the N-th request and then exits without answering, as a receiver killed mid-stream.

    python -m tests.support.webhook_receiver PORT LOG [--status 200] [--die-after N]
"""
from __future__ import annotations

import argparse
import contextlib
import json
import os
import socket
import subprocess
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from tests.support.services import LOOPBACK, free_port


def _serve(port: int, log: Path, status: int, die_after: int) -> None:
    seen = {"n": 0}

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 — the http.server hook name
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            seen["n"] += 1
            with log.open("a", encoding="utf-8") as out:
                out.write(json.dumps({"headers": dict(self.headers), "body": body.decode()}) + "\n")
            if die_after and seen["n"] >= die_after:
                os._exit(1)
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args) -> None:
            pass

    ThreadingHTTPServer((LOOPBACK, port), Handler).serve_forever()


class Receiver:
    """Start, kill and restart the receiver process on one port; read what it got."""

    def __init__(self, log: Path) -> None:
        self.log, self.port, self.process = log, free_port(), None

    @property
    def url(self) -> str:
        return f"http://{LOOPBACK}:{self.port}/hook"

    def start(self, status: int = 200, die_after: int = 0) -> Receiver:
        root = Path(__file__).resolve().parents[2]
        self.process = subprocess.Popen([sys.executable, "-m", "tests.support.webhook_receiver", str(self.port),
                                         str(self.log), "--status", str(status), "--die-after", str(die_after)],
                                        cwd=root)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError), socket.create_connection((LOOPBACK, self.port), timeout=0.2):
                return self
            time.sleep(0.05)
        raise RuntimeError("webhook receiver did not start")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.kill()
        if self.process:
            self.process.wait(5)

    def received(self) -> list[dict]:
        if not self.log.exists():
            return []
        return [json.loads(line) for line in self.log.read_text(encoding="utf-8").splitlines() if line]


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("port", type=int)
    parser.add_argument("log", type=Path)
    parser.add_argument("--status", type=int, default=200)
    parser.add_argument("--die-after", type=int, default=0)
    args = parser.parse_args()
    _serve(args.port, args.log, args.status, args.die_after)
