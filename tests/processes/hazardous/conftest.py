"""Process tests of the hazardous-works family: the real diagrams and forms, the demo users."""
from __future__ import annotations

import pytest

from .support import deploy_hazardous


@pytest.fixture
def hz(demo_data):
    """The demo data plus every hazardous diagram deployed."""
    deploy_hazardous()
    return demo_data


@pytest.fixture
def hz_sqlite(demo_sqlite):
    """The same on SQLite only, for the long walks."""
    deploy_hazardous()
    return demo_sqlite
