"""Migrations build an empty database from nothing, and match the models exactly."""
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect, text

from app.extensions import db
from app.models.access_triggers import TRIGGER_NAMES
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
        assert TRIGGER_NAMES[engine.dialect.name] <= _triggers(engine), "the access_version triggers (auth caches) are missing"
    finally:
        engine.dispose()


def _triggers(engine) -> set[str]:
    query = ("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal" if engine.dialect.name == "postgresql"
             else "SELECT name FROM sqlite_master WHERE type = 'trigger'")
    with engine.connect() as conn:
        return set(conn.scalars(text(query)))


def test_upgrade_empty_sqlite(tmp_path):
    _check(f"sqlite:///{tmp_path / 'empty.sqlite'}", tmp_path)


def test_upgrade_empty_postgresql(fresh_postgres_db, tmp_path):
    _check(fresh_postgres_db, tmp_path)


def _fill_form_values(url, tmp_path):
    """0010 stores each open task's read-only form values as case_sync does for new steps."""
    from flask_migrate import downgrade, upgrade

    from app.models import InboxTask
    from app.services.demo import seed
    from app.services.registrations import applications
    from tests.processes.registrations.support import (
        actor,
        complete,
        deploy_registrations,
        my_task,
        registration_form,
    )

    app = build_app(url, tmp_path / "inst")
    migrate_to_head(app)
    with app.app_context():
        seed.load_demo(app.config["DEMO_PASSWORD"])
        deploy_registrations()
        iid = applications.start_project_registration(actor("owner_rep"), "ZZ-JS")
        complete("owner_rep", iid, "fill_registration", registration_form())
        complete("district_safety", iid, "review_registration",
                 {"registration_decision": "return", "registration_return_reason": "请补充合同附件。"})
        task_id = my_task("owner_rep", iid, "fill_registration").id
        stored = db.session.get(InboxTask, task_id).form_values
        assert stored["return_reason"] == "请补充合同附件。"
        db.session.remove()
        downgrade(revision="0009")
        upgrade()
        # 0010 refills the read-only form values; case_sync also keeps the data roots the
        # process's subject summary names (issue 15), which 0010 predates
        refilled = db.session.get(InboxTask, task_id).form_values
        assert refilled["return_reason"] == "请补充合同附件。"
        assert refilled == {k: v for k, v in stored.items() if k in refilled}
        db.session.remove()
        db.engine.dispose()


def test_0010_fills_the_form_values_of_open_tasks_sqlite(tmp_path):
    _fill_form_values(f"sqlite:///{tmp_path / 'filled.sqlite'}", tmp_path)


def test_0010_fills_the_form_values_of_open_tasks_postgresql(fresh_postgres_db, tmp_path):
    _fill_form_values(fresh_postgres_db, tmp_path)
