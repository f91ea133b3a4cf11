"""Process tests of the registration chains: the real diagrams and forms, the demo users."""
from __future__ import annotations

import pytest

from .support import deploy_registrations


@pytest.fixture
def reg(demo_data):
    """The demo data plus the two registration diagrams deployed."""
    deploy_registrations()
    return demo_data


@pytest.fixture
def reg_sqlite(demo_sqlite):
    """The same on SQLite only, for the longer walks."""
    deploy_registrations()
    return demo_sqlite
