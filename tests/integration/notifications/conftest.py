"""Notification tests run the real orders diagrams (their `notify` calls) on the demo data."""
from __future__ import annotations

import pytest

from tests.processes.orders.support import deploy_family
from tests.support.processes import clock  # noqa: F401  (autouse fixture: the process tests' frozen clock)


@pytest.fixture
def family(demo_data):
    deploy_family(("rectification_order", "supervision_urging", "hazard_self_check"))
    return demo_data
