"""The web server of `make run` and of production: gunicorn, configured here
(``gunicorn -c python:app.gunicorn_config wsgi:app``).

Several processes, because one Python process serves one request at a time on one core (the
GIL): WEB_WORKERS defaults to one per core. Threaded workers (WEB_THREADS each) keep idle
keep-alive connections open without a process per client and overlap the waits on the
database. No app is preloaded in the master: every worker opens its own connections.

Each worker listens on its own socket (SO_REUSEPORT, `reuse_port`) and the kernel hands every new
connection to one of them by its address hash. On one shared socket the first worker to wake
accepted the whole waiting burst, and a keep-alive connection stays with the worker that took it:
64 clients ended on one process (one core) while the other idled, and throughput at concurrency
64 fell to half that at 16 (BENCHMARKS.md, "HTTP front"). The price: connections still queued on
a worker's socket when that worker exits are reset (a restart after `timeout`), and the master
holds no socket, so the port is open once the first worker has bound it. Any process of the same
user may bind a SO_REUSEPORT port beside us: `on_starting` refuses to start when something already
listens there (a second `make run` would otherwise share the port with the first, silently).
Settings read here, as gunicorn reads its config file; `app/config.py` holds the app's own.
"""
from __future__ import annotations

import os
import socket

bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '5000')}"
workers = int(os.environ.get("WEB_WORKERS") or os.cpu_count() or 1)
worker_class = "gthread"
threads = int(os.environ.get("WEB_THREADS") or 4)
reuse_port = True
keepalive = 5
timeout = 120  # a PDF export on a loaded machine; a stuck worker is replaced after this
graceful_timeout = 20
proc_name = "sitecase-web"
accesslog = None
errorlog = "-"
loglevel = "info"


def on_starting(server) -> None:
    """Stop at once if another process listens on one of our addresses (see the docstring)."""
    for address in server.cfg.address:
        if not isinstance(address, tuple):
            continue  # a unix socket path: gunicorn refuses a live one itself
        family = socket.AF_INET6 if ":" in address[0] else socket.AF_INET
        with socket.socket(family, socket.SOCK_STREAM) as probe:
            # SO_REUSEADDR as gunicorn's own sockets: a port in TIME_WAIT is free, a listening one is not
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                probe.bind(address[:2])
            except OSError as exc:
                server.log.error("cannot listen on %s:%s: %s", address[0], address[1], exc)
                raise SystemExit(1) from exc
