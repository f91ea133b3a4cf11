"""The web server of `make run` and of production: gunicorn, configured here
(``gunicorn -c python:app.gunicorn_config wsgi:app``).

Several processes, because one Python process serves one request at a time on one core (the
GIL): WEB_WORKERS defaults to one per core. Threaded workers (WEB_THREADS each) keep idle
keep-alive connections open without a process per client and overlap the waits on the
database. No app is preloaded in the master: every worker opens its own connections.
Settings read here, as gunicorn reads its config file; `app/config.py` holds the app's own.
"""
from __future__ import annotations

import os

bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '5000')}"
workers = int(os.environ.get("WEB_WORKERS") or os.cpu_count() or 1)
worker_class = "gthread"
threads = int(os.environ.get("WEB_THREADS") or 4)
keepalive = 5
timeout = 120  # a PDF export on a loaded machine; a stuck worker is replaced after this
graceful_timeout = 20
proc_name = "sitecase-web"
accesslog = None
errorlog = "-"
loglevel = "info"
