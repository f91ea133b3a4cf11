"""Migrations build an empty database from nothing, and match the models exactly."""
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect

from app.extensions import db
from tests.support.apps import build_app, migrate_to_head


def _check(url, tmp_path):
    app = build_app(url, tmp_path / "inst")
    migrate_to_head(app)
    engine = create_engine(url)
    try:
        tables = set(inspect(engine).get_table_names())
        assert {"org_unit", "enterprise", "user_account", "role_grant", "project", "project_participant",
                "hazardous_category", "hazardous_work", "expert", "device", "audit_log",
                "api_token", "alembic_version"} <= tables
        with engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), db.metadata)
        assert diff == [], f"models and migrations differ: {diff}"
    finally:
        engine.dispose()


def test_upgrade_empty_sqlite(tmp_path):
    _check(f"sqlite:///{tmp_path / 'empty.sqlite'}", tmp_path)


def test_upgrade_empty_postgresql(fresh_postgres_db, tmp_path):
    _check(fresh_postgres_db, tmp_path)
