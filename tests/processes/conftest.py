"""Process tests run the real diagrams and forms on the demo data set, at a frozen clock."""
from __future__ import annotations

import pytest

from app.services.demo import seed
from tests.support.processes import clock  # noqa: F401  (autouse fixture: T0 for every process test)


@pytest.fixture
def demo_sqlite(sqlite_app):
    """The demo data set on SQLite only, for the long walks (`demo_data` runs on both backends)."""
    seed.load_demo(sqlite_app.config["DEMO_PASSWORD"])
    return sqlite_app
