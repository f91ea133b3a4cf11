"""Building test apps on a migrated SQLite file or a migrated PostgreSQL database."""
from __future__ import annotations

import shutil
from pathlib import Path

from flask import Flask
from flask_migrate import upgrade
from sqlalchemy import text

from app import create_app
from app.config import TestConfig
from app.extensions import db


def build_app(database_url: str, instance_dir: Path, **overrides) -> Flask:
    instance_dir.mkdir(parents=True, exist_ok=True)
    return create_app(TestConfig, SQLALCHEMY_DATABASE_URI=database_url, INSTANCE_DIR=instance_dir,
                      FILES_DIR=instance_dir / "files", CELERY_DATA_DIR=instance_dir / "celery",
                      WTF_CSRF_ENABLED=overrides.pop("WTF_CSRF_ENABLED", False), **overrides)


def migrate_to_head(app: Flask) -> None:
    with app.app_context():
        upgrade()
        db.session.remove()
        db.engine.dispose()


def create_schema(app: Flask) -> None:
    """Build the schema from the models (tests/integration/test_migrations.py proves the
    migrations build the same one), so parallel work on new tables needs no migration first."""
    with app.app_context():
        db.create_all()
        db.session.remove()
        db.engine.dispose()


def migrated_sqlite_template(folder: Path) -> Path:
    """Build the schema once into a file that each test then copies."""
    path = folder / "template.sqlite"
    create_schema(build_app(f"sqlite:///{path}", folder / "template-instance"))
    return path


def sqlite_app(template: Path, folder: Path, **overrides) -> Flask:
    path = folder / "test.sqlite"
    shutil.copyfile(template, path)
    return build_app(f"sqlite:///{path}", folder / "instance", **overrides)


def truncate_all(app: Flask) -> None:
    """Empty every table between PostgreSQL tests (TRUNCATE fires no row triggers)."""
    with app.app_context():
        tables = ", ".join(f'"{t.name}"' for t in db.metadata.sorted_tables)
        db.session.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        db.session.commit()
        db.session.remove()
