"""Notification tests run the real orders diagrams (their `notify` calls) on the demo data."""
from __future__ import annotations

import pytest

from app.infra import wallclock as service_clock
from tests.processes.orders.support import T0, deploy_family


@pytest.fixture(autouse=True)
def clock():
    with service_clock.frozen(T0) as handle:
        yield handle


@pytest.fixture
def family(demo_data):
    deploy_family(("rectification_order", "supervision_urging", "hazard_self_check"))
    return demo_data
