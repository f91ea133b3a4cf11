"""The one permitted way rows leave the audit log: a past month is written to a signed file
(gzip'd JSON lines, HMAC-SHA256 with AUDIT_ARCHIVE_KEY over every line but the last), the file is
read back and checked byte for byte against the rows, the archive is recorded as verified, and
only then are the month's rows deleted — which the database allows for rows a verified archive
covers, and for no others (app/models/audit.py). The procedure is itself audited.
"""
from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import hmac
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import and_, delete, func, select

from app import settings
from app.domain.actors import Actor
from app.errors import ConflictError, ValidationError
from app.extensions import db
from app.formdefs.messages import Said
from app.infra import audit_trail, wallclock
from app.infra.uow import transaction
from app.models import AuditArchive, AuditLog

FORMAT = "sitecase-audit-archive/1"
MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


@dataclass(frozen=True)
class Archived:
    path: Path
    row_count: int
    sha256: str


def _line(value: dict[str, Any]) -> bytes:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode() + b"\n"


def _signature(body: bytes, key: str | None = None) -> str:
    key = settings.current().audit_archive_key if key is None else key
    return hmac.new(key.encode(), body, hashlib.sha256).hexdigest()


def _signed_by_a_known_key(claimed: str, body: bytes) -> bool:
    """Signed with the current key or one the deployment rotated away from."""
    current = settings.current()
    return any(hmac.compare_digest(claimed, _signature(body, key))
               for key in (current.audit_archive_key, *current.audit_archive_previous_keys))


def period(month: str) -> tuple[dt.datetime, dt.datetime]:
    """The month's bounds in UTC, the month taken in the configured zone."""
    if not MONTH.match(month):
        raise ValidationError("月份格式应为 YYYY-MM。", code="audit_month_invalid")
    year, number = map(int, month.split("-"))
    zone = ZoneInfo(settings.current().timezone)
    start = dt.datetime(year, number, 1, tzinfo=zone)
    end = dt.datetime(year + number // 12, number % 12 + 1, 1, tzinfo=zone)
    return start.astimezone(dt.UTC), end.astimezone(dt.UTC)


def _row(entry: AuditLog) -> dict[str, Any]:
    return {"id": entry.id, "at": entry.at.isoformat(), "user_id": entry.user_id, "username": entry.username,
            "ip": entry.ip, "action": entry.action, "entity_type": entry.entity_type,
            "entity_id": entry.entity_id, "before": entry.before, "after": entry.after,
            "success": entry.success}


def archive_month(actor: Actor, month: str, now: dt.datetime | None = None) -> Archived:
    """Archive a finished month of the audit log (see the module docstring)."""
    now = now or wallclock.now()
    start, end = period(month)
    if end > now:
        raise ValidationError("只能归档已经结束的月份。", code="audit_month_not_over")
    if db.session.scalar(select(AuditArchive.id).where(AuditArchive.month == month)):
        raise ConflictError("该月份已经归档。", code="audit_month_archived")
    in_month = and_(AuditLog.at >= start, AuditLog.at < end)
    entries = list(db.session.scalars(select(AuditLog).where(in_month).order_by(AuditLog.id)))
    if not entries:
        raise ValidationError("该月份没有审计记录。", code="audit_month_empty")
    header = {"format": FORMAT, "month": month, "period_start": start.isoformat(),
              "period_end": end.isoformat(), "first_id": entries[0].id, "last_id": entries[-1].id,
              "row_count": len(entries)}
    body = _line(header) + b"".join(_line(_row(e)) for e in entries)
    signature = _signature(body)
    folder = settings.current().audit_archive_dir
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"audit-{month}.jsonl.gz"
    partial = path.with_name(path.name + ".part")
    with gzip.GzipFile(partial, "wb", mtime=0) as out:
        out.write(body + _line({"hmac": signature}))
    partial.replace(path)
    # Read back from disk: the rows may go only when the file on disk says exactly what they say.
    if _read_verified(path)[1] != body:
        raise ValidationError("归档文件回读与审计记录不一致，未删除任何记录。", code="audit_archive_readback_failed")
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    db.session.rollback()  # the read above ends; the procedure is one transaction below
    with transaction(actor):
        db.session.add(AuditArchive(month=month, period_start=start, period_end=end,
                                    first_id=header["first_id"], last_id=header["last_id"],
                                    row_count=len(entries), filename=path.name, sha256=digest,
                                    signature=signature, created_at=now, created_by=actor.username,
                                    verified_at=wallclock.now()))
        db.session.flush()
        removed = db.session.execute(delete(AuditLog).where(
            in_month, AuditLog.id.between(header["first_id"], header["last_id"]))).rowcount
        if removed != len(entries):
            raise ConflictError("归档期间该月份的审计记录发生了变化，请重试。", code="audit_month_changed")
        audit_trail.record(actor, "audit_archive", entity_type="audit_archive", entity_id=month,
                           after={"file": path.name, "rows": len(entries), "sha256": digest,
                                  "first_id": header["first_id"], "last_id": header["last_id"]})
    return Archived(path, len(entries), digest)


def _read_verified(path: Path) -> tuple[dict[str, Any], bytes]:
    try:
        data = gzip.decompress(path.read_bytes())
    except (OSError, EOFError) as exc:
        raise ValidationError(Said(f"归档文件无法读取：{exc}", f"The archive file cannot be read: {exc}"),
                              code="audit_archive_unreadable") from exc
    body, _, last = data.rstrip(b"\n").rpartition(b"\n")
    body += b"\n"
    try:
        claimed = json.loads(last)["hmac"]
        header = json.loads(body.split(b"\n", 1)[0])
    except (ValueError, KeyError, TypeError) as exc:
        raise ValidationError("归档文件格式不正确。", code="audit_archive_invalid") from exc
    if not isinstance(claimed, str) or not _signed_by_a_known_key(claimed, body):
        raise ValidationError("归档文件签名不符：文件被改动，或不是本系统签发。",
                              code="audit_archive_signature_mismatch")
    if header.get("format") != FORMAT:
        raise ValidationError("不认识的归档格式。", code="audit_archive_invalid")
    ids = [json.loads(line)["id"] for line in body.splitlines()[1:]]
    if (len(ids) != header["row_count"] or ids != sorted(set(ids))
            or ids[0] != header["first_id"] or ids[-1] != header["last_id"]):
        raise ValidationError("归档文件内容与其头部不符。", code="audit_archive_invalid")
    return header, body


def verify_file(path: Path) -> dict[str, Any]:
    """Check an archive's signature and its rows against its header; return the header."""
    if not path.is_file():
        raise ValidationError(Said(f"归档文件不存在：{path}", f"The archive file does not exist: {path}"),
                              code="audit_archive_missing")
    return _read_verified(path)[0]


def due_months(now: dt.datetime | None = None) -> list[str]:
    """Months with audit rows, older than the current month minus AUDIT_ONLINE_MONTHS, not archived."""
    conf = settings.current()
    zone = ZoneInfo(conf.timezone)
    oldest = db.session.scalar(select(func.min(AuditLog.at)))
    if oldest is None:
        return []
    local_now = (now or wallclock.now()).astimezone(zone)
    cutoff = local_now.year * 12 + local_now.month - 1 - conf.audit_online_months
    first = oldest.astimezone(zone)
    done = set(db.session.scalars(select(AuditArchive.month)))
    months = [f"{n // 12:04d}-{n % 12 + 1:02d}" for n in range(first.year * 12 + first.month - 1, cutoff)]
    return [m for m in months if m not in done]


def archive_due(actor: Actor, now: dt.datetime | None = None) -> list[Archived]:
    """The beat's daily run: archive every due month that has rows (an empty month is skipped)."""
    out = []
    for month in due_months(now):
        start, end = period(month)
        if db.session.scalar(select(AuditLog.id).where(AuditLog.at >= start, AuditLog.at < end).limit(1)):
            out.append(archive_month(actor, month, now))
    return out
