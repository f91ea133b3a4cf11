"""Notice numbers and verification codes.

Why `INSERT … ON CONFLICT DO UPDATE … RETURNING` on the counter row: it takes (or creates)
the row and increments it in one statement, inside the issuing transaction. PostgreSQL holds
the row lock until that transaction ends, SQLite its write lock, so concurrent issuers get
consecutive numbers; a rolled-back issue rolls its increment back, so numbers never skip.
"""
from __future__ import annotations

import secrets
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from app import settings
from app.extensions import db
from app.models import IssuedDocument, NoticeCounter, OrgUnit

# Crockford base32: no I, L, O, U — nothing to misread when typed from paper.
CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 10  # 50 bits: unguessable, still short enough to type


def local_now(moment: datetime) -> datetime:
    """`moment` in the configured time zone: the notice year and date are Chinese local time."""
    return moment.astimezone(ZoneInfo(settings.current().timezone))


def next_sequence(org_unit_id: int, type_code: str, year: int) -> int:
    """Take the next sequence of (org unit, type, year) inside the caller's transaction."""
    table = NoticeCounter.__table__
    dialect = db.session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    stmt = insert(table).values(org_unit_id=org_unit_id, type_code=type_code, year=year,
                                last_value=1)
    stmt = stmt.on_conflict_do_update(
        index_elements=[table.c.org_unit_id, table.c.type_code, table.c.year],
        set_={"last_value": table.c.last_value + 1},
    ).returning(table.c.last_value)
    return int(db.session.execute(stmt).scalar_one())


def notice_prefix(unit: OrgUnit) -> str:
    """The unit's configured prefix (郑建, 金建); its name's first two characters otherwise."""
    return (unit.notice_prefix or unit.name[:2]).strip()


def format_number(prefix: str, type_code: str, year: int, sequence: int) -> str:
    """E.g. ``金建安整〔2026〕第0007号``; the format comes from configuration (NOTICE_NUMBER_FORMAT,
    per type code NOTICE_NUMBER_FORMATS = {"督": "…"})."""
    cfg = settings.current()
    pattern = cfg.notice_number_formats.get(type_code) or cfg.notice_number_format
    return pattern.format(prefix=prefix, type_code=type_code, year=year, sequence=sequence)


def new_verify_code() -> str:
    """A random code not used by any notice yet (stored without the display hyphen)."""
    while True:
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        taken = db.session.scalar(select(IssuedDocument.id).where(IssuedDocument.verify_code == code))
        if taken is None:
            return code


def normalize_code(text: str) -> str:
    """What a reader types (lower case, hyphens, spaces, O for 0) → the stored code."""
    cleaned = "".join(ch for ch in (text or "").upper() if ch.isalnum())
    return cleaned.replace("O", "0").replace("I", "1").replace("L", "1")


def display_code(code: str) -> str:
    """``7KQ2MM9XDA`` → ``7KQ2M-M9XDA`` as printed on the notice."""
    half = len(code) // 2
    return f"{code[:half]}-{code[half:]}" if len(code) > 5 else code


def verify_url(code: str) -> str:
    """The public verification page of `code` (PUBLIC_BASE_URL + /verify/<code>)."""
    base = settings.current().public_base_url.rstrip("/")
    return f"{base}/verify/{code}"
