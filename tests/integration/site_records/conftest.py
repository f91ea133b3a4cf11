"""The supervision records' tests write records, which start their review case: its diagram and
forms are deployed for every test here."""
from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def review_chain(request):
    if "demo_data" in request.fixturenames:
        request.getfixturevalue("demo_data")
        from tests.support.processes import deploy_only
        deploy_only(("supervision_record_review",))
