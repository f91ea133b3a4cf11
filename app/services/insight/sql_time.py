"""Time arithmetic inside the statistics queries, per backend (SQLite keeps naive UTC text)."""
from __future__ import annotations

from sqlalchemy import ColumnElement, func, literal_column

from app.extensions import db
from app.infra.wallclock import LOCAL_OFFSET

_HOURS = int(LOCAL_OFFSET.total_seconds() // 3600)


def _sqlite() -> bool:
    return db.session.get_bind().dialect.name == "sqlite"


def local_day(moment) -> ColumnElement:
    """The China calendar day of a UTC column (text 'YYYY-MM-DD' on SQLite, a date on PostgreSQL)."""
    if _sqlite():
        return func.date(moment, f"+{_HOURS} hours")
    return func.date(func.timezone(literal_column(f"INTERVAL '+{_HOURS:02d}:00'"), moment))


def hours_between(start, end) -> ColumnElement:
    """end - start in hours, as a float."""
    if _sqlite():
        return (func.julianday(end) - func.julianday(start)) * 24.0
    return func.extract("epoch", end - start) / 3600.0
