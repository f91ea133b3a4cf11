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


def _assessment_units(url, tmp_path):
    """0029 copies assessment_result.unit_id into district_id / enterprise_id (a row whose unit is
    gone is dropped), the CHECK refuses a row with both or neither, and downgrading copies back."""
    import pytest
    from flask_migrate import downgrade, upgrade
    from sqlalchemy.exc import IntegrityError

    from app.models import Enterprise, OrgUnit
    from app.services.demo import seed

    app = build_app(url, tmp_path / "inst")
    migrate_to_head(app)
    with app.app_context():
        seed.load_demo(app.config["DEMO_PASSWORD"])
        district = db.session.scalar(select_ids(OrgUnit).where(OrgUnit.level == "district"))
        enterprise = db.session.scalar(select_ids(Enterprise))
        db.session.remove()
        downgrade(revision="0024")
        insert = text("INSERT INTO assessment_result (month, subject, unit_id, score, items, computed_at)"
                      " VALUES ('2020-01', :subject, :unit, 80.0, '[]', CURRENT_TIMESTAMP)")
        with db.engine.begin() as conn:
            conn.execute(insert, [{"subject": "district", "unit": district},
                                  {"subject": "enterprise", "unit": enterprise},
                                  {"subject": "enterprise", "unit": 999999}])
        upgrade()
        rows = db.session.execute(text("SELECT subject, district_id, enterprise_id FROM assessment_result"
                                       " WHERE month = '2020-01' ORDER BY subject")).all()
        assert [tuple(r) for r in rows] == [("district", district, None), ("enterprise", None, enterprise)]
        for district_id, enterprise_id in ((district, enterprise), (None, None), (None, 999999)):
            with pytest.raises(IntegrityError), db.engine.begin() as conn:
                conn.execute(text("INSERT INTO assessment_result (month, subject, district_id, enterprise_id, score,"
                                  " items, computed_at) VALUES ('2020-02', 'enterprise', :d, :e, 1.0, '[]',"
                                  " CURRENT_TIMESTAMP)"), {"d": district_id, "e": enterprise_id})
        db.session.remove()
        downgrade(revision="0024")
        rows = db.session.execute(text("SELECT subject, unit_id FROM assessment_result WHERE month = '2020-01'"
                                       " ORDER BY subject")).all()
        assert [tuple(r) for r in rows] == [("district", district), ("enterprise", enterprise)]
        db.session.remove()
        upgrade()
        db.session.remove()
        db.engine.dispose()


def select_ids(model):
    from sqlalchemy import select

    return select(model.id).order_by(model.id).limit(1)


def test_0029_assessment_result_units_sqlite(tmp_path):
    _assessment_units(f"sqlite:///{tmp_path / 'units.sqlite'}", tmp_path)


def test_0029_assessment_result_units_postgresql(fresh_postgres_db, tmp_path):
    _assessment_units(fresh_postgres_db, tmp_path)


def _assessments_kept(url, tmp_path):
    """0030: deleting a district or an enterprise that has assessment results is refused (they
    cascaded away under 0029); downgrading gives the cascade back."""
    import pytest
    from flask_migrate import downgrade, upgrade
    from sqlalchemy.exc import IntegrityError

    from tests.support.factories import gen_district, gen_enterprise

    app = build_app(url, tmp_path / "inst")
    migrate_to_head(app)
    with app.app_context():
        units = {"org_unit": gen_district().id, "enterprise": gen_enterprise().id}
        db.session.remove()
        with db.engine.begin() as conn:
            conn.execute(text("INSERT INTO assessment_result (month, subject, district_id, enterprise_id, score, items,"
                              " computed_at) VALUES ('2020-01', :s, :d, :e, 80.0, '[]', CURRENT_TIMESTAMP)"),
                         [{"s": "district", "d": units["org_unit"], "e": None},
                          {"s": "enterprise", "d": None, "e": units["enterprise"]}])
        count = text("SELECT count(*) FROM assessment_result WHERE month = '2020-01'")
        for table, unit in units.items():
            with pytest.raises(IntegrityError), db.engine.begin() as conn:
                conn.execute(text(f"DELETE FROM {table} WHERE id = :id"), {"id": unit})
        with db.engine.connect() as conn:
            assert conn.scalar(count) == 2
        downgrade(revision="0029")
        with db.engine.begin() as conn:
            for table, unit in units.items():
                conn.execute(text(f"DELETE FROM {table} WHERE id = :id"), {"id": unit})
            assert conn.scalar(count) == 0
        upgrade()
        db.session.remove()
        db.engine.dispose()


def test_0030_assessment_results_keep_their_units_sqlite(tmp_path):
    _assessments_kept(f"sqlite:///{tmp_path / 'kept.sqlite'}", tmp_path)


def test_0030_assessment_results_keep_their_units_postgresql(fresh_postgres_db, tmp_path):
    _assessments_kept(fresh_postgres_db, tmp_path)


def test_a_migration_in_a_running_process_leaves_its_loggers_on(tmp_path):
    """Alembic's logging file used to switch off every logger the process had made before it
    (`fileConfig`'s default): after a test had migrated a database, the sidecar's warnings were
    lost for the rest of that test worker."""
    import logging

    before = logging.getLogger("devices.sidecar")
    migrate_to_head(build_app(f"sqlite:///{tmp_path / 'x.sqlite'}", tmp_path / "inst"))
    assert not before.disabled
