"""The database part of a backup, per backend: a consistent copy with its row counts, the
restore into an empty database, and the "is it empty" check.

SQLite: the online backup API (sqlite3.Connection.backup) copies a consistent snapshot while
the app keeps writing. PostgreSQL: `pg_dump -Fc` on a snapshot exported by a REPEATABLE READ
transaction, so the counts in the manifest are those of the very rows dumped.
"""
from __future__ import annotations

import glob
import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy import inspect, text
from sqlalchemy.engine import URL

from app import settings
from app.errors import ConflictError, DomainError
from app.extensions import db
from app.formdefs.messages import Said


def backend() -> str:
    return db.engine.dialect.name


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _counts(conn, tables: list[str]) -> dict[str, int]:
    return {t: int(conn.execute(text(f"SELECT count(*) FROM {_quote(t)}")).scalar_one())
            for t in sorted(tables)}


def table_counts() -> dict[str, int]:
    """Rows per table of the app's database as it is now."""
    with db.engine.connect() as conn:
        return _counts(conn, inspect(conn).get_table_names())


def _sqlite_path() -> Path:
    return Path(db.engine.url.database)


def dump(dest: Path) -> dict[str, int]:
    """Write a consistent copy of the database to `dest`; return its rows per table."""
    if backend() == "sqlite":
        return _sqlite_dump(dest)
    return _pg_dump(dest)


def _sqlite_dump(dest: Path) -> dict[str, int]:
    src = sqlite3.connect(_sqlite_path())
    try:
        out = sqlite3.connect(dest)
        try:
            src.backup(out, pages=4096)
            tables = [r[0] for r in out.execute(
                "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'")]
            return {t: int(out.execute(f"SELECT count(*) FROM {_quote(t)}").fetchone()[0])
                    for t in sorted(tables)}
        finally:
            out.close()
    finally:
        src.close()


def pg_binary(name: str) -> str:
    """pg_dump / pg_restore: from PG_BIN_DIR, else the newest /usr/lib/postgresql/*/bin, else PATH."""
    configured = settings.current().pg_bin_dir
    candidates = [str(Path(configured) / name)] if configured else []
    candidates += sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"),
                         key=lambda p: [int(x) for x in Path(p).parts if x.isdigit()], reverse=True)
    for path in candidates:
        if os.access(path, os.X_OK):
            return path
    found = shutil.which(name)
    if not found:
        raise DomainError(Said(f"找不到 {name}（请安装 PostgreSQL 客户端或设置 PG_BIN_DIR）。",
                               f"{name} not found (install the PostgreSQL client or set PG_BIN_DIR)."),
                              code="pg_tools_missing")
    return found


def _pg_env() -> tuple[list[str], dict[str, str]]:
    url: URL = db.engine.url
    env = dict(os.environ)
    for key, value in (("PGHOST", url.host), ("PGPORT", url.port), ("PGUSER", url.username),
                       ("PGPASSWORD", url.password), ("PGDATABASE", url.database)):
        if value is not None:
            env[key] = str(value)
    return ["--no-password"], env


def _run(args: list[str], env: dict[str, str], code: str) -> None:
    done = subprocess.run(args, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        tool, said = Path(args[0]).name, done.stderr.strip()[-500:]
        raise DomainError(Said(f"{tool} 失败：{said}", f"{tool} failed: {said}"), code=code)


def _pg_dump(dest: Path) -> dict[str, int]:
    flags, env = _pg_env()
    with db.engine.connect() as conn:
        conn = conn.execution_options(isolation_level="REPEATABLE READ")
        with conn.begin():
            conn.execute(text("SET TRANSACTION READ ONLY"))
            snapshot = conn.execute(text("SELECT pg_export_snapshot()")).scalar_one()
            counts = _counts(conn, inspect(conn).get_table_names())
            _run([pg_binary("pg_dump"), *flags, "-Fc", "--no-owner", "--no-privileges",
                  f"--snapshot={snapshot}", "-f", str(dest)], env, "pg_dump_failed")
    return counts


def is_empty() -> bool:
    """True when the database has no table at all (a restore never mixes two databases)."""
    with db.engine.connect() as conn:
        return not inspect(conn).get_table_names()


def require_empty() -> None:
    if not is_empty():
        raise ConflictError("目标数据库不是空的：恢复只写入空数据库。", code="restore_database_not_empty")


def restore(part: Path) -> None:
    """Load the database part into the (empty) database of the app."""
    if backend() == "sqlite":
        db.engine.dispose()
        src = sqlite3.connect(part)
        try:
            out = sqlite3.connect(_sqlite_path())
            try:
                src.backup(out, pages=4096)
            finally:
                out.close()
        finally:
            src.close()
    else:
        flags, env = _pg_env()
        db.engine.dispose()
        _run([pg_binary("pg_restore"), *flags, "--no-owner", "--no-privileges", "--single-transaction",
              "--exit-on-error", "-d", env.get("PGDATABASE", ""), str(part)], env, "pg_restore_failed")
    db.engine.dispose()


def wipe() -> None:
    """Take the database back to empty after a restore that failed half-way (it was empty
    before: `require_empty`). SQLite: the file emptied; PostgreSQL: every table, view, sequence
    and function of the restored schema dropped."""
    db.engine.dispose()
    if backend() == "sqlite":
        path = _sqlite_path()
        for extra in (Path(f"{path}-wal"), Path(f"{path}-shm"), Path(f"{path}-journal")):
            extra.unlink(missing_ok=True)
        path.write_bytes(b"")
        return
    with db.engine.begin() as conn:
        for kind, name in conn.execute(text(
                "SELECT 'VIEW', table_name FROM information_schema.views WHERE table_schema = 'public' "
                "UNION ALL SELECT 'TABLE', tablename FROM pg_tables WHERE schemaname = 'public' "
                "UNION ALL SELECT 'SEQUENCE', sequence_name FROM information_schema.sequences "
                "WHERE sequence_schema = 'public'")).all():
            conn.execute(text(f"DROP {kind} IF EXISTS {_quote(name)} CASCADE"))
        for (signature,) in conn.execute(text(
                "SELECT p.oid::regprocedure::text FROM pg_proc p "
                "WHERE p.pronamespace = 'public'::regnamespace")).all():
            conn.execute(text(f"DROP FUNCTION IF EXISTS {signature} CASCADE"))
    db.engine.dispose()
