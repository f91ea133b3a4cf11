"""One self-describing backup archive: a tar with the database part, every stored file, the
signed audit-log archives, and `manifest.json` (last) naming each part with its size and sha256 and each table's row count.

`verify` reads the whole archive and checks it against its manifest; `restore` verifies first
and touches nothing unless the archive is whole and the database and files folder are empty.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import secrets
import shutil
import tarfile
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import IO, Any

from sqlalchemy import inspect, text

from app import settings
from app.errors import ConflictError, ValidationError
from app.extensions import db
from app.formdefs.messages import Said
from app.services.backup import _database

FORMAT = "sitecase-backup/1"
MANIFEST = "manifest.json"
DATABASE_PART = {"sqlite": "database.sqlite", "postgresql": "database.pgdump"}
FILES_PREFIX = "files/"
AUDIT_PREFIX = "audit-archive/"  # the signed monthly archives of the audit log
CHUNK = 1024 * 1024
MIGRATIONS = Path(__file__).resolve().parents[3] / "migrations"


@dataclass(frozen=True)
class Written:
    path: Path
    size: int
    sha256: str
    manifest: dict[str, Any]


class _Hashing(io.RawIOBase):
    """A reader that hashes what passes through it (tarfile reads the part once)."""

    def __init__(self, raw: IO[bytes]) -> None:
        self.raw, self.digest, self.size = raw, hashlib.sha256(), 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        data = self.raw.read(len(buffer))
        buffer[:len(data)] = data
        self.digest.update(data)
        self.size += len(data)
        return len(data)


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _stored_files(root: Path) -> Iterator[tuple[str, Path]]:
    """Every stored file under FILES_DIR (half-written `.part` files are not stored yet)."""
    if not root.is_dir():
        return
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        for name in sorted(filenames):
            if name.endswith(".part"):
                continue
            path = Path(dirpath) / name
            yield path.relative_to(root).as_posix(), path


def _add(tar: tarfile.TarFile, name: str, path: Path) -> dict[str, Any]:
    info = tarfile.TarInfo(name)
    info.size = path.stat().st_size
    info.mtime = int(path.stat().st_mtime)
    with path.open("rb") as fh:
        reader = _Hashing(fh)
        tar.addfile(info, io.BufferedReader(reader, CHUNK))
    if reader.size != info.size:
        raise ValidationError(Said(f"文件在备份过程中被改动：{name}", f"A file changed while it was backed up: {name}"),
                              code="backup_source_changed")
    return {"name": name, "size": reader.size, "sha256": reader.digest.hexdigest()}


def _schema_revision() -> str | None:
    with db.engine.connect() as conn:
        if "alembic_version" not in inspect(conn).get_table_names():
            return None
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def create(kind: str = "manual", now: dt.datetime | None = None) -> Written:
    """Write a new archive into BACKUP_DIR and return where it is, its size and sha256."""
    conf = settings.current()
    now = now or dt.datetime.now(dt.UTC)
    conf.backup_dir.mkdir(parents=True, exist_ok=True)
    final = conf.backup_dir / f"sitecase-{now:%Y%m%dT%H%M%SZ}-{kind}.tar"
    if final.exists():
        final = final.with_name(f"{final.stem}-{secrets.token_hex(3)}.tar")
    backend = _database.backend()
    partial = final.with_name(final.name + ".part")
    try:
        with tempfile.TemporaryDirectory(dir=conf.backup_dir, prefix=".dump-") as tmp:
            db_file = Path(tmp) / DATABASE_PART[backend]
            counts = _database.dump(db_file)
            parts: list[dict[str, Any]] = []
            with tarfile.open(partial, "w", format=tarfile.PAX_FORMAT) as tar:
                parts.append(_add(tar, DATABASE_PART[backend], db_file))
                for relative, path in _stored_files(conf.files_dir):
                    parts.append(_add(tar, FILES_PREFIX + relative, path))
                for relative, path in _stored_files(conf.audit_archive_dir):
                    parts.append(_add(tar, AUDIT_PREFIX + relative, path))
                manifest = {"format": FORMAT, "created_at": now.isoformat(), "kind": kind,
                            "backend": backend, "schema_revision": _schema_revision(),
                            "tables": counts, "parts": parts}
                data = json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True).encode()
                info = tarfile.TarInfo(MANIFEST)
                info.size, info.mtime = len(data), int(now.timestamp())
                tar.addfile(info, io.BytesIO(data))
        partial.replace(final)
    finally:
        partial.unlink(missing_ok=True)
    return Written(final, final.stat().st_size, _sha256_file(final), manifest)


def _corrupt(message: str, code: str = "backup_archive_corrupt") -> ValidationError:
    return ValidationError(message, code=code)


def _safe_name(name: str) -> bool:
    path = PurePosixPath(name)
    return not path.is_absolute() and ".." not in path.parts and name == path.as_posix()


def verify(path: Path) -> dict[str, Any]:
    """Read the whole archive and check every part against the manifest; return the manifest.

    Raises ValidationError (code backup_archive_corrupt / _incomplete / _unknown_format) on any
    unreadable, truncated, altered, missing or extra part.
    """
    if not path.is_file():
        raise _corrupt(f"备份文件不存在：{path}", "backup_archive_missing")
    seen: dict[str, tuple[int, str]] = {}
    manifest_bytes: bytes | None = None
    try:
        with tarfile.open(path, "r:") as tar:
            for member in tar:
                if not member.isfile() or not _safe_name(member.name) or member.name in seen:
                    raise _corrupt(f"备份中有不允许的条目：{member.name}")
                fh = tar.extractfile(member)
                assert fh is not None
                if member.name == MANIFEST:
                    manifest_bytes = fh.read()
                    continue
                digest, size = hashlib.sha256(), 0
                while chunk := fh.read(CHUNK):
                    digest.update(chunk)
                    size += len(chunk)
                seen[member.name] = (size, digest.hexdigest())
    except (tarfile.TarError, EOFError, OSError) as exc:
        raise _corrupt(f"备份文件已损坏或不完整：{exc}") from exc
    if manifest_bytes is None:
        raise _corrupt("备份文件不完整：缺少清单（manifest.json）。", "backup_archive_incomplete")
    try:
        manifest = json.loads(manifest_bytes)
    except ValueError as exc:
        raise _corrupt("备份清单无法读取。") from exc
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise _corrupt("不认识的备份格式。", "backup_archive_unknown_format")
    try:
        listed = {p["name"]: (p["size"], p["sha256"]) for p in manifest["parts"]}
        tables = manifest["tables"]
        if not isinstance(tables, dict) or not all(isinstance(v, int) for v in tables.values()):
            raise TypeError("tables")
    except (KeyError, TypeError) as exc:
        raise _corrupt("备份清单内容不完整。") from exc
    missing = sorted(set(listed) - set(seen))
    if missing:
        raise _corrupt(f"备份文件不完整：缺少 {len(missing)} 个部分（{missing[0]}）。",
                       "backup_archive_incomplete")
    extra = sorted(set(seen) - set(listed))
    altered = sorted(n for n in listed if seen[n] != listed[n])
    if extra or altered:
        raise _corrupt(f"备份文件已被改动：{(altered or extra)[0]} 与清单不符。")
    database_part = DATABASE_PART.get(manifest.get("backend", ""))
    if any(n != database_part and not n.startswith((FILES_PREFIX, AUDIT_PREFIX)) for n in listed):
        raise _corrupt("备份清单中有不认识的部分。")
    if database_part not in listed:
        raise _corrupt("备份文件不完整：缺少数据库部分。", "backup_archive_incomplete")
    return manifest


def _require_known_revision(revision: str | None) -> None:
    """An archive from a newer SiteCase (a schema revision this code does not know) is refused:
    this code would run on tables it does not understand. Older revisions restore, then
    `flask db upgrade` brings them up. Schemas built without migrations carry no revision."""
    if revision is None:
        return
    from alembic.script import ScriptDirectory
    from alembic.util import CommandError

    try:
        ScriptDirectory(str(MIGRATIONS)).get_revision(revision)
    except CommandError as exc:
        raise ValidationError(Said(f"该备份的数据库版本（{revision}）比本系统新，请先升级系统再恢复。",
                                   f"The backup's database version ({revision}) is newer than this system: upgrade "
                                   "the system before restoring."),
                              code="backup_schema_unknown") from exc


def _require_empty_files(root: Path) -> None:
    if root.is_dir() and any(root.iterdir()):
        raise ConflictError("目标文件目录不是空的：恢复只写入空目录。", code="restore_files_not_empty")


def restore(path: Path) -> dict[str, Any]:
    """Restore the archive into the app's empty database, files folder and audit-archive folder;
    return the manifest. Verification and the emptiness checks come first: a refused archive changes nothing.
    """
    manifest = verify(path)
    backend = _database.backend()
    if manifest["backend"] != backend:
        raise ValidationError(Said(f"该备份来自 {manifest['backend']} 数据库，不能恢复到 {backend}。",
                                   f"This backup is of a {manifest['backend']} database and cannot be restored to "
                                   f"{backend}."),
                              code="backup_backend_mismatch")
    _require_known_revision(manifest.get("schema_revision"))
    _database.require_empty()
    files_dir, audit_dir = settings.current().files_dir, settings.current().audit_archive_dir
    _require_empty_files(files_dir)
    _require_empty_files(audit_dir)
    listed = {p["name"]: p["sha256"] for p in manifest["parts"]}
    try:
        _restore_parts(path, manifest, listed, backend, files_dir, audit_dir)
    except BaseException:
        # Whatever failed half-way (a part changed since verify, pg_restore, the counts), the
        # target goes back to the empty state it was checked to be in: no half system is left.
        _database.wipe()
        _empty_folder(files_dir)
        _empty_folder(audit_dir)
        raise
    return manifest


def _empty_folder(root: Path) -> None:
    if not root.is_dir():
        return
    for child in root.iterdir():
        if child.is_dir() and not child.is_symlink():
            shutil.rmtree(child)
        else:
            child.unlink()


def _restore_parts(path: Path, manifest: dict[str, Any], listed: dict[str, str], backend: str,
                   files_dir: Path, audit_dir: Path) -> None:
    """Write the archive's files and database into the empty target, then compare the counts."""
    files_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=files_dir.parent, prefix=".restore-") as tmp:
        db_part = Path(tmp) / DATABASE_PART[backend]
        with tarfile.open(path, "r:") as tar:
            for member in tar:
                if member.name == MANIFEST:
                    continue
                if member.name not in listed or not member.isfile() or not _safe_name(member.name):
                    raise _corrupt(f"备份文件在恢复过程中被改动：{member.name}")
                if member.name == DATABASE_PART[backend]:
                    target = db_part
                elif member.name.startswith(AUDIT_PREFIX):
                    target = audit_dir / member.name.removeprefix(AUDIT_PREFIX)
                else:
                    target = files_dir / member.name.removeprefix(FILES_PREFIX)
                target.parent.mkdir(parents=True, exist_ok=True)
                fh = tar.extractfile(member)
                assert fh is not None
                digest = hashlib.sha256()
                with target.open("wb") as out:
                    while chunk := fh.read(CHUNK):
                        digest.update(chunk)
                        out.write(chunk)
                if digest.hexdigest() != listed[member.name]:  # changed since verify
                    raise _corrupt(f"备份文件在恢复过程中被改动：{member.name}")
        _database.restore(db_part)
    counts = _database.table_counts()
    if counts != manifest["tables"]:
        differ = sorted(t for t in set(counts) | set(manifest["tables"])
                        if counts.get(t) != manifest["tables"].get(t))
        raise ConflictError(Said(f"恢复后的行数与清单不符：{', '.join(differ[:5])}",
                                 f"The restored row counts differ from the manifest: {', '.join(differ[:5])}"),
                            code="restore_counts_mismatch")
