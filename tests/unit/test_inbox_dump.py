"""The API list's dates: `iso_utc` writes what the schema's DateTime field writes, from any value
a driver returns (SQLite's stored text in every shape, PostgreSQL's aware datetimes)."""
from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy.dialects import sqlite

from app.models._base import UTCDateTime
from app.schemas.workflow import INBOX_FIELDS, InboxTaskSchema, iso_utc

MOMENTS = [datetime(2026, 12, 7, 15, 0, 0, tzinfo=UTC), datetime(2026, 12, 7, 15, 0, 0, 1, tzinfo=UTC),
           datetime(2026, 1, 2, 3, 4, 5, 120000, tzinfo=UTC), datetime(1999, 12, 31, 23, 59, 59, 999999, tzinfo=UTC),
           datetime(2026, 12, 7, 19, 34, 10, 569286, tzinfo=UTC)]  # a moment as now() gives it
_FIELD = InboxTaskSchema().fields["due_at"]


def _schema_writes(moment: datetime) -> str:
    return _FIELD.serialize("due_at", {"due_at": moment})


@pytest.mark.parametrize("moment", MOMENTS, ids=str)
def test_sqlites_stored_text_is_written_as_the_schema_writes_the_date(moment):
    dialect = sqlite.dialect()
    stored = UTCDateTime().dialect_impl(dialect).bind_processor(dialect)(moment)
    assert isinstance(stored, str)
    assert iso_utc(stored) == _schema_writes(moment) == moment.isoformat()


@pytest.mark.parametrize("text, moment", [
    ("2026-12-07 15:00:00", datetime(2026, 12, 7, 15, tzinfo=UTC)),                       # CURRENT_TIMESTAMP
    ("2026-12-07 15:00:00.000000", datetime(2026, 12, 7, 15, tzinfo=UTC)),
    ("2026-12-07 15:00:00.500000", datetime(2026, 12, 7, 15, 0, 0, 500000, tzinfo=UTC)),
    ("2026-12-07T15:00:00", datetime(2026, 12, 7, 15, tzinfo=UTC)),                       # ISO, by hand
    ("2026-12-07 23:30:00+08:00", datetime(2026, 12, 7, 15, 30, tzinfo=UTC)),            # an offset
    ("2026-12-07 15:00:00.123", datetime(2026, 12, 7, 15, 0, 0, 123000, tzinfo=UTC)),    # milliseconds
])
def test_other_shapes_of_text_take_the_long_way_to_the_same_answer(text, moment):
    assert iso_utc(text) == _schema_writes(moment)


def test_postgresqls_aware_datetimes_are_written_in_utc():
    shanghai = timezone(timedelta(hours=8))
    for moment in MOMENTS:
        assert iso_utc(moment.astimezone(shanghai)) == _schema_writes(moment)
        assert iso_utc(moment) == _schema_writes(moment)
    assert iso_utc(None) is None


def test_the_fields_are_the_schemas_in_its_order():
    assert tuple(InboxTaskSchema().fields) == INBOX_FIELDS
    assert "overdue" in INBOX_FIELDS and "due_at" in INBOX_FIELDS
