"""The application log: to LOG_FILE, rotated by size (LOG_MAX_BYTES, LOG_BACKUP_COUNT kept), when
LOG_FILE is set; otherwise Python's default (stderr, where the process manager collects it)."""
from __future__ import annotations

import logging
from logging.handlers import RotatingFileHandler
from pathlib import Path

from flask import Flask

FORMAT = "%(asctime)s %(levelname)s %(name)s %(process)d: %(message)s"


class AppLogHandler(RotatingFileHandler):
    """Marks the handler create_app installs, so a second app replaces it instead of adding one."""


def configure(app: Flask) -> AppLogHandler | None:
    path = app.config.get("LOG_FILE")
    root = logging.getLogger()
    for old in [h for h in root.handlers if isinstance(h, AppLogHandler)]:
        root.removeHandler(old)
        old.close()
    if not path:
        return None
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    handler = AppLogHandler(path, maxBytes=int(app.config["LOG_MAX_BYTES"]),
                            backupCount=int(app.config["LOG_BACKUP_COUNT"]), encoding="utf-8")
    handler.setFormatter(logging.Formatter(FORMAT))
    handler.setLevel(logging.INFO)
    root.addHandler(handler)
    if root.level > logging.INFO or root.level == logging.NOTSET:
        root.setLevel(logging.INFO)
    return handler
