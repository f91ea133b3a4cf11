"""Process tests of the hazardous-works family: the real diagrams and forms, the demo users."""
from __future__ import annotations

import pytest

from app.infra import wallclock as service_clock

from .support import T0, deploy_hazardous


@pytest.fixture(autouse=True)
def clock():
    with service_clock.frozen(T0) as handle:
        yield handle


@pytest.fixture
def hz(demo_data):
    """The demo data plus every hazardous diagram deployed."""
    deploy_hazardous()
    return demo_data


@pytest.fixture
def hz_sqlite(sqlite_app):
    """The same on SQLite only, for the long walks."""
    from app.services.demo import seed

    seed.load_demo(sqlite_app.config["DEMO_PASSWORD"])
    deploy_hazardous()
    return sqlite_app
