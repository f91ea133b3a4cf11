"""PostgreSQL sessions compress large values as PG_TOAST_COMPRESSION says (lz4 by default): a
case's state, rewritten on every step, costs the server less CPU than with pglz (issue 19). The
setting rides on the connection's startup options; SQLite's engine options stay as configured."""
from __future__ import annotations

import pytest
from sqlalchemy import text

from app.config import TestConfig
from app.extensions import db, engine_options
from tests.support.apps import build_app


def _stored_compression(url: str, folder, **overrides) -> tuple[str, str]:
    """(the session's default_toast_compression, how a 20 kB value written now is stored)."""
    app = build_app(url, folder, **overrides)
    with app.app_context():
        try:
            setting = db.session.execute(text("SHOW default_toast_compression")).scalar_one()
            db.session.execute(text("CREATE TABLE big_value (v text)"))
            db.session.execute(text("INSERT INTO big_value VALUES (repeat('状态', 10000))"))
            stored = db.session.execute(text("SELECT pg_column_compression(v) FROM big_value")).scalar_one()
            db.session.rollback()
        finally:
            db.session.remove()
            db.engine.dispose()
    return setting, stored


def test_large_values_are_stored_lz4_compressed_on_postgresql(fresh_postgres_db, tmp_path):
    assert _stored_compression(fresh_postgres_db, tmp_path / "a") == ("lz4", "lz4")


def test_an_empty_setting_leaves_the_servers_default(fresh_postgres_db, tmp_path):
    assert _stored_compression(fresh_postgres_db, tmp_path / "b", PG_TOAST_COMPRESSION="") == ("pglz", "pglz")


def test_the_urls_own_startup_options_are_kept(fresh_postgres_db, tmp_path):
    url = f"{fresh_postgres_db}?options=-c%20application_name%3Dsitecase-test"
    app = build_app(url, tmp_path / "c")
    with app.app_context():
        try:
            names = db.session.execute(text("SELECT current_setting('application_name'), "
                                            "current_setting('default_toast_compression')")).one()
        finally:
            db.session.remove()
            db.engine.dispose()
    assert tuple(names) == ("sitecase-test", "lz4")


def test_sqlite_and_other_options_are_left_as_configured():
    config = {"SQLALCHEMY_DATABASE_URI": "sqlite:///x.sqlite", "PG_TOAST_COMPRESSION": "lz4",
              "SQLALCHEMY_ENGINE_OPTIONS": {"pool_recycle": 60}}
    assert engine_options(config) == {"pool_recycle": 60}
    pg = {**config, "SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://u@h/db"}
    assert engine_options(pg) == {"pool_recycle": 60,
                                  "connect_args": {"options": "-c default_toast_compression=lz4"}}
    assert TestConfig.SQLALCHEMY_ENGINE_OPTIONS == {}  # the configured dict is never changed


def test_a_setting_that_is_not_a_name_is_refused():
    config = {"SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://u@h/db", "SQLALCHEMY_ENGINE_OPTIONS": {},
              "PG_TOAST_COMPRESSION": "lz4 -c fsync=off"}
    with pytest.raises(ValueError, match="PG_TOAST_COMPRESSION"):
        engine_options(config)
