"""Extensions created without an app; create_app() wires them."""
from __future__ import annotations

import sqlite3

from celery import Celery
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import Engine, MetaData, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import DeclarativeBase

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
celery = Celery("sitecase")


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, _record) -> None:
    """Embedded SQLite serves the web, the worker and the sidecar at once: WAL lets readers
    run beside the one writer, a busy timeout waits for the lock instead of failing."""
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()


def engine_options(config) -> dict:
    """SQLALCHEMY_ENGINE_OPTIONS, on PostgreSQL with the session settings of the config added to
    the connection's startup `options` (no round trip: the server applies them as it opens the
    session): PG_TOAST_COMPRESSION as default_toast_compression."""
    options = dict(config["SQLALCHEMY_ENGINE_OPTIONS"])
    compression = config.get("PG_TOAST_COMPRESSION")
    url = make_url(config["SQLALCHEMY_DATABASE_URI"])
    if url.get_backend_name() != "postgresql" or not compression:
        return options
    if not compression.isalnum():
        raise ValueError(f"PG_TOAST_COMPRESSION must be a compression method's name, not {compression!r}")
    connect_args = dict(options.get("connect_args", {}))
    given = connect_args.get("options", url.query.get("options"))  # the URL's ?options= kept
    connect_args["options"] = " ".join(filter(None, (given, f"-c default_toast_compression={compression}")))
    options["connect_args"] = connect_args
    return options
