"""Application logs rotate: LOG_FILE is cut at LOG_MAX_BYTES and LOG_BACKUP_COUNT old files are kept."""
from __future__ import annotations

import logging

from app import create_app, logs
from app.config import TestConfig


def test_the_log_file_rotates_and_keeps_the_configured_number(tmp_path):
    log = tmp_path / "logs" / "sitecase.log"
    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI="sqlite://", INSTANCE_DIR=tmp_path,
                     FILES_DIR=tmp_path / "files", LOG_FILE=str(log), LOG_MAX_BYTES=500, LOG_BACKUP_COUNT=2)
    try:
        create_app(TestConfig, SQLALCHEMY_DATABASE_URI="sqlite://", INSTANCE_DIR=tmp_path,
                   FILES_DIR=tmp_path / "files", LOG_FILE=str(log), LOG_MAX_BYTES=500, LOG_BACKUP_COUNT=2)
        assert sum(isinstance(h, logs.AppLogHandler) for h in logging.getLogger().handlers) == 1
        for n in range(60):
            logging.getLogger("app.test").info("line %03d of the rotation test", n)
        names = sorted(p.name for p in log.parent.iterdir())
        assert names == ["sitecase.log", "sitecase.log.1", "sitecase.log.2"]
        assert all(p.stat().st_size <= 500 for p in log.parent.iterdir())
        assert "line 059" in log.read_text()
    finally:
        app.config["LOG_FILE"] = ""
        logs.configure(app)
    assert not any(isinstance(h, logs.AppLogHandler) for h in logging.getLogger().handlers)
