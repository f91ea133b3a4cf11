"""Process tests of the orders family: the real diagrams and forms of processes/ and forms/,
deployed into a database holding the demo data set, driven through the service layer."""
from __future__ import annotations

import pytest

from app.infra import wallclock as service_clock

from .support import T0, deploy_family


@pytest.fixture(autouse=True)
def clock():
    with service_clock.frozen(T0) as handle:
        yield handle


@pytest.fixture
def family(demo_data):
    """The demo data plus the deployed diagrams of this family (and the chains they start)."""
    deploy_family()
    return demo_data
