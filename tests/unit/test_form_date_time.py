"""A form's date-time is what the pages' datetime-local fields send, whatever format checkers
jsonschema finds installed (rfc3339-validator would demand seconds and an offset)."""
from __future__ import annotations

import pytest

from app.formdefs import validate_submission

SCHEMA = {"type": "object", "properties": {"at": {"type": "string", "format": "date-time"}}}


@pytest.mark.parametrize("value", ["2026-03-02T09:30", "2026-03-02 09:30", "2026-03-02T09:30:15",
                                   "2026-03-02T09:30:15.250", "2026-03-02T09:30:00+08:00",
                                   "2026-03-02T01:30:00Z"])
def test_what_a_browser_or_an_integrator_sends_is_accepted(value):
    assert validate_submission(SCHEMA, {"at": value}) == {}


@pytest.mark.parametrize("value", ["昨天", "2026-03-02", "2026-02-30T09:30", "2026-03-02T25:00",
                                   "2026-03-02T09:30+0800", "2026-03-02T09:30 ", "２026-03-02T09:30"])
def test_anything_else_is_refused_on_the_field(value):
    assert validate_submission(SCHEMA, {"at": value}) == {"at": ["请填写有效的日期和时间。"]}
