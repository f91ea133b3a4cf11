"""`row_url` (app/web/common.py) builds a list's row links once a page; each equals url_for's."""
from __future__ import annotations

import pytest
from flask import Flask, url_for

from app.web.common import row_url


@pytest.mark.parametrize("endpoint", ["web.task", "web.claim"])
def test_a_row_url_is_url_fors(sqlite_app: Flask, endpoint: str) -> None:
    with sqlite_app.test_request_context("/inbox?lang=en"):
        build = row_url(endpoint, "task_id")
        for task_id in (1, 7, 42, 10**12, 2**63 - 1):
            assert build(task_id) == url_for(endpoint, task_id=task_id)

