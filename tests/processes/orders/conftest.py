"""Process tests of the orders family: the real diagrams and forms of processes/ and forms/,
deployed into a database holding the demo data set, driven through the service layer."""
from __future__ import annotations

import pytest

from .support import deploy_family


@pytest.fixture
def family(demo_data):
    """The demo data plus the deployed diagrams of this family (and the chains they start)."""
    deploy_family()
    return demo_data
