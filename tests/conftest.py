"""Shared fixtures. `app` runs a test on SQLite and on PostgreSQL; `sqlite_app` on SQLite only."""
from __future__ import annotations

import pytest
from celery._state import _set_task_join_will_block

from app.extensions import db
from tests.support.apps import build_app, create_schema, migrated_sqlite_template, truncate_all
from tests.support.apps import sqlite_app as make_sqlite_app
from tests.support.client import ApiClient
from tests.support.demo_snapshot import demo_state


@pytest.fixture(autouse=True)
def _celery_join_allowed():
    """Eager Celery tasks run in two threads at once (the concurrency tests) can leave Celery's
    process-wide "inside a task" flag set when they finish out of order; every test starts
    without it, as a real caller outside a task would."""
    _set_task_join_will_block(False)
    yield


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory):
    return migrated_sqlite_template(tmp_path_factory.mktemp("sqlite-template"))


@pytest.fixture(scope="session")
def _postgres_app(postgres_url, tmp_path_factory):
    app = build_app(postgres_url, tmp_path_factory.mktemp("pg-instance"))
    create_schema(app)
    return app


def _sqlite(sqlite_template, tmp_path):
    app = make_sqlite_app(sqlite_template, tmp_path)
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


def _postgres(request):
    app = request.getfixturevalue("_postgres_app")
    truncate_all(app)
    with app.app_context():
        yield app
        db.session.remove()


@pytest.fixture(params=["sqlite", "postgresql"])
def app(request, sqlite_template, tmp_path):
    """The app on each backend, inside an app context, with an empty migrated database."""
    gen = _sqlite(sqlite_template, tmp_path) if request.param == "sqlite" else _postgres(request)
    yield next(gen)
    next(gen, None)


@pytest.fixture
def sqlite_app(sqlite_template, tmp_path):
    gen = _sqlite(sqlite_template, tmp_path)
    yield next(gen)
    next(gen, None)


@pytest.fixture(scope="session")
def _demo_snapshots(tmp_path_factory) -> dict:
    return {"folder": tmp_path_factory.mktemp("demo-snapshots"), "copies": {}}


@pytest.fixture
def demo_data(app, _demo_snapshots):
    """The demo data set loaded into `app`: seeded once per backend and clock, copied into each test
    (tests/support/demo_snapshot.py)."""
    demo_state(app, _demo_snapshots["copies"], _demo_snapshots["folder"])
    return app


@pytest.fixture
def api(app):
    return ApiClient(app.test_client(), app.config["DEMO_PASSWORD"])


_FLOWS = None

# The longest files (minutes each), run first: with whole files handed to two workers (`make test`),
# one of them collected last would keep a worker busy alone at the end of the run.
LONGEST_FIRST = ("tests/integration/authz/test_fuzz.py", "tests/integration/authz/test_matrix.py")


def pytest_collection_modifyitems(items):
    items.sort(key=lambda item: item.nodeid.split("::")[0] not in LONGEST_FIRST)  # stable: else as collected


def pytest_configure(config):
    """SITECASE_FLOW_COVERAGE=<file>: record the diagram flows the run walks (tests/support/flow_coverage).
    Every process of the run adds what it walked to the file at its end (the test workers of
    `pytest -n`, then their controller); the run's first process, which is not a worker, starts
    the file afresh."""
    global _FLOWS
    import os
    from pathlib import Path

    if os.environ.get("SITECASE_FLOW_COVERAGE"):
        from tests.support.flow_coverage import Recorder

        if not hasattr(config, "workerinput"):
            Path(os.environ["SITECASE_FLOW_COVERAGE"]).unlink(missing_ok=True)
        _FLOWS = Recorder()
        _FLOWS.install()


def pytest_sessionfinish(session, exitstatus):
    import os
    from pathlib import Path

    if _FLOWS is not None:
        _FLOWS.write(Path(os.environ["SITECASE_FLOW_COVERAGE"]))
