"""The demo data set seeded once per backend and test session, then copied into every test that
asks for it (`demo_data`). Seeding it — notices rendered into PDFs, hazardous works, orders and
quality cases walked through their processes — took about half of the suite's time when each of
~170 tests did it on both backends.

A copy is the seeded state itself: SQLite's file through the backup API; PostgreSQL's rows read
once and written back with triggers and foreign-key checks off (`session_replication_role =
replica`: the rows as they were, no trigger writing over them), sequences set past the copied
ids; the stored files (notices' PDFs and the rest) copied into the test's file store. Each test
still gets its own copy: whatever it changes is gone for the next one.
"""
from __future__ import annotations

import shutil
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from flask import Flask
from sqlalchemy import JSON, Text, bindparam, cast, select, text
from sqlalchemy.dialects.postgresql import JSONB

from app.extensions import db
from app.infra import wallclock
from app.services.demo import seed


@dataclass
class Snapshot:
    files: Path
    sqlite_file: Path | None = None
    rows: dict[str, list[dict]] = field(default_factory=dict)
    sequences: list[tuple[str, str, str]] = field(default_factory=list)  # (table, column, sequence)


def demo_state(app: Flask, snapshots: dict[tuple, Snapshot], folder: Path) -> None:
    """Give `app` (empty, in its app context) the demo data set: seeded the first time on its
    backend and clock, copied from that seeding every later time. The data depend on the clock
    (this month's assessment results, deadlines from today): a test that pins the clock gets the
    set seeded at that moment, any other the set seeded on the same China day, as seeding it
    itself would have given."""
    backend = db.engine.dialect.name
    key = (backend, wallclock.pinned() or wallclock.local_today())
    snapshot = snapshots.get(key)
    if snapshot is None:
        seed.load_demo(app.config["DEMO_PASSWORD"])
        snapshots[key] = _take(app, backend, folder / f"{backend}-{len(snapshots)}")
    else:
        _restore(app, backend, snapshot)


def _take(app: Flask, backend: str, folder: Path) -> Snapshot:
    folder.mkdir(parents=True, exist_ok=True)
    files = folder / "files"
    files.mkdir(exist_ok=True)
    if Path(app.config["FILES_DIR"]).exists():  # a seeding may store no file at all
        shutil.copytree(app.config["FILES_DIR"], files, dirs_exist_ok=True)
    snapshot = Snapshot(files=files)
    db.session.commit()
    if backend == "sqlite":
        snapshot.sqlite_file = folder / "demo.sqlite"
        _sqlite_copy(db.engine.url.database, snapshot.sqlite_file)
        return snapshot
    connection = db.session.connection()
    for table in db.metadata.sorted_tables:
        # JSON as its text: a SQL NULL stays NULL (written back as None it would be JSON 'null')
        columns = [cast(c, Text) if isinstance(c.type, JSON) else c for c in table.c]
        keys = [f"v_{column.key}" for column in table.c]
        snapshot.rows[table.name] = [dict(zip(keys, row, strict=True))
                                     for row in connection.execute(select(*columns))]
    for table in db.metadata.sorted_tables:
        column = table.autoincrement_column
        sequence = column is not None and connection.execute(
            text("SELECT pg_get_serial_sequence(:table, :column)"),
            {"table": f'"{table.name}"', "column": column.name}).scalar()
        if sequence:
            snapshot.sequences.append((table.name, column.name, sequence))
    db.session.commit()
    return snapshot


def _restore(app: Flask, backend: str, snapshot: Snapshot) -> None:
    shutil.copytree(snapshot.files, app.config["FILES_DIR"], dirs_exist_ok=True)
    if backend == "sqlite":
        db.session.remove()
        db.engine.dispose()
        _sqlite_copy(snapshot.sqlite_file, db.engine.url.database)
        return
    connection = db.session.connection()
    connection.execute(text("SET LOCAL session_replication_role = replica"))
    for table in db.metadata.sorted_tables:
        if snapshot.rows[table.name]:
            connection.execute(table.insert().values({
                c.key: cast(bindparam(f"v_{c.key}", type_=Text), JSONB) if isinstance(c.type, JSON)
                else bindparam(f"v_{c.key}", type_=c.type) for c in table.c}), snapshot.rows[table.name])
    for table, column, sequence in snapshot.sequences:
        connection.execute(text(f'SELECT setval(:sequence, COALESCE((SELECT max("{column}") FROM "{table}"), 0) + 1, '
                                "false)"), {"sequence": sequence})
    db.session.commit()


def _sqlite_copy(source: str | Path, target: str | Path) -> None:
    """A consistent copy of a SQLite database (its WAL included) over another file."""
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    src.close()
    dst.close()
