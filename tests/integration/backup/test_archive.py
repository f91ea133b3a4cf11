"""flask backup create / verify / restore on both backends: the archive holds the database, the
stored files and a manifest; a damaged archive is refused before anything is touched."""
from __future__ import annotations

import hashlib
import io
import json
import tarfile
from pathlib import Path

import pytest

from app import settings
from app.domain.actors import SYSTEM
from app.errors import ValidationError
from app.extensions import db
from app.infra import audit_trail, file_store
from app.infra.uow import transaction
from app.services.backup import _database, archive, records


def _some_data() -> list[str]:
    with transaction(SYSTEM):
        audit_trail.record(SYSTEM, "backup_test", after={"n": 1})
        audit_trail.record(SYSTEM, "backup_test", after={"n": 2})
    blobs = [b"first stored file", "第二个文件".encode()]
    return [file_store.store(b, hashlib.sha256(b).hexdigest()) for b in blobs]


def _run(app, *args: str):
    return app.test_cli_runner().invoke(args=list(args), catch_exceptions=False)


def test_create_writes_a_self_describing_archive(app):
    stored = _some_data()
    before = _database.table_counts()
    row = records.create_backup()
    path = settings.current().backup_dir / row.filename
    assert row.verified_ok is True and row.file_count == 2
    with tarfile.open(path) as tar:
        names = tar.getnames()
        manifest = json.loads(tar.extractfile("manifest.json").read())
    assert names[-1] == "manifest.json"
    assert sorted(names[1:-1]) == sorted(f"files/{s}" for s in stored)
    assert manifest["backend"] == db.engine.dialect.name
    assert manifest["tables"]["audit_log"] == 2
    assert manifest["tables"] == before
    by_name = {p["name"]: p["sha256"] for p in manifest["parts"]}
    files_dir = settings.current().files_dir
    assert all(by_name[f"files/{s}"] == hashlib.sha256((files_dir / s).read_bytes()).hexdigest() for s in stored)


def test_restore_into_empty_target_gives_same_rows_and_files(app, empty_target):
    stored = _some_data()
    before = _database.table_counts()
    row = records.create_backup()
    path, source_files = settings.current().backup_dir / row.filename, settings.current().files_dir
    with empty_target.app_context():
        result = _run(empty_target, "backup", "restore", str(path))
        assert result.exit_code == 0, result.output
        after = _database.table_counts()
        restored_files = settings.current().files_dir
        assert restored_files != source_files
        assert all((restored_files / s).read_bytes() == (source_files / s).read_bytes() for s in stored)
    # the restore is audited in the restored log: one row more than the archive had
    assert after == before | {"audit_log": before["audit_log"] + 1}


def _corrupt_copies(path: Path, tmp: Path) -> dict[str, Path]:
    data = path.read_bytes()
    out = {"truncated": data[: len(data) // 2]}
    flipped = bytearray(data)
    with tarfile.open(path) as tar:
        member = tar.getmember(tar.getnames()[1])  # a stored file
        offset = member.offset_data
    flipped[offset] ^= 0xFF
    out["altered"] = bytes(flipped)
    with tarfile.open(path) as tar, tarfile.open(tmp / "nomanifest.tar", "w") as dst:
        for m in tar.getmembers():
            if m.name != "manifest.json":
                dst.addfile(m, tar.extractfile(m))
    out["no manifest"] = (tmp / "nomanifest.tar").read_bytes()
    with tarfile.open(path) as tar, tarfile.open(tmp / "missing.tar", "w") as dst:
        for m in tar.getmembers():
            if m.name != tar.getnames()[1]:
                dst.addfile(m, tar.extractfile(m))
    out["missing part"] = (tmp / "missing.tar").read_bytes()
    out["garbled manifest"] = _with_manifest(path, tmp / "garbled.tar", parts=[1, 2]).read_bytes()
    paths = {}
    for name, blob in out.items():
        p = tmp / f"{name.replace(' ', '-')}.tar"
        p.write_bytes(blob)
        paths[name] = p
    return paths


@pytest.mark.parametrize("damage", ["truncated", "altered", "no manifest", "missing part", "garbled manifest"])
def test_a_damaged_archive_is_refused_before_anything_is_touched(app, empty_target, tmp_path, damage):
    _some_data()
    row = records.create_backup()
    bad = _corrupt_copies(settings.current().backup_dir / row.filename, tmp_path)[damage]
    with empty_target.app_context():
        result = _run(empty_target, "backup", "restore", str(bad))
        assert result.exit_code == 2
        assert "backup_archive_" in result.output
        assert _database.is_empty()
        files = settings.current().files_dir
        assert not files.exists() or not any(files.iterdir())
    with pytest.raises(ValidationError) as refused:
        archive.verify(bad)
    assert refused.value.code.startswith("backup_archive_")


def test_restore_refuses_a_database_that_is_not_empty(app):
    _some_data()
    row = records.create_backup()
    result = _run(app, "backup", "restore", str(settings.current().backup_dir / row.filename))
    assert result.exit_code == 2
    assert "restore_database_not_empty" in result.output


def test_the_commands_create_and_verify(app, tmp_path):
    _some_data()
    result = _run(app, "backup", "create")
    assert result.exit_code == 0, result.output
    path = Path(result.output.split("\t")[0])
    assert path.is_file() and "2 files" in result.output and "verified=True" in result.output
    assert _run(app, "backup", "verify", str(path)).exit_code == 0
    damaged = tmp_path / path.name
    damaged.write_bytes(path.read_bytes()[:path.stat().st_size // 2])
    result = _run(app, "backup", "verify", str(damaged))
    assert result.exit_code == 2 and "backup_archive_" in result.output


def _with_manifest(path: Path, dest: Path, **changes) -> Path:
    with tarfile.open(path) as tar, tarfile.open(dest, "w") as out:
        for m in tar.getmembers():
            if m.name == "manifest.json":
                data = json.dumps(json.loads(tar.extractfile(m).read()) | changes).encode()
                m.size = len(data)
                out.addfile(m, io.BytesIO(data))
            else:
                out.addfile(m, tar.extractfile(m))
    return dest


def test_an_archive_of_a_newer_schema_is_refused_a_known_one_restores(app, empty_target, tmp_path):
    _some_data()
    row = records.create_backup()
    path = settings.current().backup_dir / row.filename
    newer = _with_manifest(path, tmp_path / "newer.tar", schema_revision="9999")
    known = _with_manifest(path, tmp_path / "known.tar", schema_revision="0011")
    with empty_target.app_context():
        result = _run(empty_target, "backup", "restore", str(newer))
        assert result.exit_code == 2 and "backup_schema_unknown" in result.output
        assert _database.is_empty()
        assert _run(empty_target, "backup", "restore", str(known)).exit_code == 0


def test_a_restore_that_fails_half_way_leaves_an_empty_target_that_a_good_archive_then_fills(
        app, empty_target, tmp_path):
    """The counts are checked after the database and files are written: an archive whose manifest
    claims other counts (with every part intact) fails there, and nothing it wrote stays."""
    stored = _some_data()
    row = records.create_backup()
    path = settings.current().backup_dir / row.filename
    with tarfile.open(path) as tar:
        tables = json.loads(tar.extractfile("manifest.json").read())["tables"]
    lying = _with_manifest(path, tmp_path / "lying.tar", tables=tables | {"audit_log": tables["audit_log"] + 7})
    with empty_target.app_context():
        result = _run(empty_target, "backup", "restore", str(lying))
        assert result.exit_code == 2 and "restore_counts_mismatch" in result.output
        assert _database.is_empty()
        files_dir = settings.current().files_dir
        assert not files_dir.is_dir() or not any(files_dir.iterdir())
        audit_dir = settings.current().audit_archive_dir
        assert not audit_dir.is_dir() or not any(audit_dir.iterdir())
        good = _run(empty_target, "backup", "restore", str(path))
        assert good.exit_code == 0, good.output
        assert all((files_dir / s).is_file() for s in stored)
