"""Process tests of the registration chains: the real diagrams and forms, the demo users."""
from __future__ import annotations

import pytest

from app.infra import wallclock as service_clock

from .support import T0, deploy_registrations


@pytest.fixture(autouse=True)
def clock():
    with service_clock.frozen(T0) as handle:
        yield handle


@pytest.fixture
def reg(demo_data):
    """The demo data plus the two registration diagrams deployed."""
    deploy_registrations()
    return demo_data


@pytest.fixture
def reg_sqlite(sqlite_app):
    """The same on SQLite only, for the longer walks."""
    from app.services.demo import seed

    seed.load_demo(sqlite_app.config["DEMO_PASSWORD"])
    deploy_registrations()
    return sqlite_app
