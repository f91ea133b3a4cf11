"""Many rows into one table, and "which of these keys exist", in one round trip each.

Used on the device-ingest hot path (thousands of readings a second), inside the caller's
transaction. PostgreSQL gets ``COPY … FROM STDIN`` and ``= ANY(array)``: psycopg 3 runs a plain
``executemany`` as one INSERT per row, and a multi-row ``VALUES`` or a 500-item ``IN`` list spends
most of its time in psycopg's client-side placeholder conversion, which it does not cache for big
statements. Other backends (SQLite) get ``executemany`` and ``IN``, which are fast there.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import orjson
from sqlalchemy import JSON, Column, Table, TypeDecorator, any_, bindparam, insert, select
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.exc import IntegrityError

from app.extensions import db

IN_CHUNK = 500


def insert_rows(table: Table, rows: Sequence[Mapping[str, Any]]) -> None:
    """Insert ``rows`` (dicts with the same keys) into ``table``.

    A unique violation raises SQLAlchemy's IntegrityError on every backend, like ``execute``.
    """
    if not rows:
        return
    connection = db.session.connection()
    if connection.dialect.name != "postgresql":
        connection.execute(insert(table), list(rows))
        return
    rows = _with_python_defaults(table, rows)
    _copy(connection.connection.driver_connection, table, list(rows[0]), rows)


def existing_pairs(group: Column, column: Column, pairs: Iterable[tuple[int, str]]) -> set[tuple[int, str]]:
    """The subset of ``(group, value)`` pairs present in the table of ``column``, a string column
    unique per ``group`` (a device's data_ids): looked up by value (chunks of IN_CHUNK, or one
    array on PostgreSQL), narrowed to the groups asked for, then matched as pairs."""
    wanted = set(pairs)
    if not wanted:
        return set()
    groups = sorted({g for g, _ in wanted})
    values = list(dict.fromkeys(v for _, v in wanted))
    found: set[tuple[int, str]] = set()
    if db.session.connection().dialect.name == "postgresql":
        ids = bindparam("values", values, type_=ARRAY(column.type))
        found.update(db.session.execute(select(group, column).where(column == any_(ids),
                                                                    group.in_(groups))))
    else:
        for start in range(0, len(values), IN_CHUNK):
            found.update(db.session.execute(select(group, column).where(
                column.in_(values[start:start + IN_CHUNK]), group.in_(groups))))
    return {(g, v) for g, v in found} & wanted


def _with_python_defaults(table: Table, rows: Sequence[Mapping[str, Any]]) -> Sequence[Mapping[str, Any]]:
    """COPY skips SQLAlchemy's Python-side column defaults; apply them like ``insert`` would."""
    missing = [c for c in table.c if c.key not in rows[0] and c.default is not None]
    if not missing:
        return rows
    for column in missing:
        if not (column.default.is_scalar or column.default.is_callable):
            raise NotImplementedError(f"{table.name}.{column.key}: SQL-expression default")
    out = []
    for row in rows:
        filled = dict(row)
        for column in missing:
            default = column.default
            filled[column.key] = default.arg if default.is_scalar else default.arg(None)
        out.append(filled)
    return out


def _copy(raw_connection: Any, table: Table, columns: list[str], rows: Sequence[Mapping[str, Any]]) -> None:
    import psycopg
    from psycopg import sql

    convert = [_converter(table.c[name]) for name in columns]
    statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(table.name), sql.SQL(", ").join(sql.Identifier(name) for name in columns))
    try:
        with raw_connection.cursor() as cursor, cursor.copy(statement) as copy:
            for row in rows:
                copy.write_row([fn(row[name]) for fn, name in zip(convert, columns, strict=True)])
    except psycopg.IntegrityError as exc:
        raise IntegrityError(f"COPY {table.name}", None, exc) from exc


def _converter(column: Column) -> Callable[[Any], Any]:
    """Values as PostgreSQL's text input wants them: JSON columns get their JSON text, type
    decorators (e.g. UTCDateTime, which refuses naive datetimes) their bind processing."""
    dialect = db.session.get_bind().dialect
    if isinstance(column.type.dialect_impl(dialect), JSON):  # JSONB is a JSON
        return lambda value: None if value is None else orjson.dumps(value).decode()
    if isinstance(column.type, TypeDecorator):
        return lambda value: column.type.process_bind_param(value, dialect)
    return lambda value: value
