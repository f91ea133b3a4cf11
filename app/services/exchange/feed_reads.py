"""Reading the change feed: `GET /api/v1/exchange/changes?since=<cursor>`.

Gap-free under concurrent writers. A feed row is ordered by (xact_id, id), its writing
transaction's id first. On PostgreSQL ids and transaction ids are taken before commit, so a
reader can see a later row committed while an earlier one is still in flight; it therefore takes
only rows whose transaction is older than the oldest one still running
(``pg_snapshot_xmin(pg_current_snapshot())``): those transactions have all ended, so no row can
ever appear before the returned cursor. A long transaction holds the feed back until it ends
(by design: nothing behind it may be skipped). SQLite has one writer at a time, so every row has
xact_id 0 and id order is commit order.

The cursor is the opaque ``"<xact_id>-<id>"`` of the last entry given; the records are their
current state (a record changed twice is given twice, each time as it is now).
"""
from __future__ import annotations

import datetime as dt
import decimal
import re
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import and_, inspect, literal_column, or_, select

from app.domain.actors import Actor
from app.errors import ValidationError
from app.extensions import db
from app.infra.change_feed import RECORD_TYPES
from app.models import ChangeFeedEntry, Project
from app.services.access import scoping

START = "0-0"
MAX_LIMIT = 500
_CURSOR = re.compile(r"^(\d{1,19})-(\d{1,19})$")
# Columns never given out: workflow blobs, frozen render contexts, server-side file paths.
_HIDDEN = {"state", "context", "file_path", "lock_version", "definition_id", "open_key"}


class FeedCursorInvalid(ValidationError):
    """游标格式不正确，应为上一次答复给出的 next_cursor。"""
    code = "feed_cursor_invalid"


@dataclass
class FeedPage:
    entries: list[dict[str, Any]] = field(default_factory=list)
    next_cursor: str = START
    more: bool = False


def parse_cursor(cursor: str | None) -> tuple[int, int]:
    """(xact_id, id) of a cursor given by an earlier answer; raises FeedCursorInvalid."""
    match = _CURSOR.match(cursor or START)
    if match is None:
        raise FeedCursorInvalid(fields={"since": ["游标格式不正确。"]})
    return int(match.group(1)), int(match.group(2))


def changes(actor: Actor, since: str | None, limit: int = 100) -> FeedPage:
    """The feed entries after `since` the actor may see, in order, with the cursor to resume from.

    Raises FeedCursorInvalid for a cursor no answer gave.
    """
    xact, last_id = parse_cursor(since)
    limit = min(max(limit, 1), MAX_LIMIT)
    feed = ChangeFeedEntry
    stmt = (select(feed, Project.code).outerjoin(Project, Project.id == feed.project_id)
            .where(or_(feed.xact_id > xact, and_(feed.xact_id == xact, feed.id > last_id)))
            .order_by(feed.xact_id, feed.id).limit(limit + 1))
    if db.session.get_bind().dialect.name == "postgresql":
        stmt = stmt.where(feed.xact_id < literal_column(
            "pg_snapshot_xmin(pg_current_snapshot())::text::bigint"))
    if not actor.is_admin:
        stmt = stmt.where(feed.project_id.in_(scoping.visible_project_ids(actor)))
    rows = db.session.execute(stmt).all()
    page = FeedPage(more=len(rows) > limit, next_cursor=f"{xact}-{last_id}")
    rows = rows[:limit]
    records = _records(rows)
    for entry, project_code in rows:
        page.entries.append({
            "event_id": f"{entry.xact_id}-{entry.id}",
            "record_type": entry.record_type, "record_id": entry.record_id, "action": entry.action,
            "project_code": project_code, "changed_at": entry.changed_at,
            "record": None if entry.action == "deleted" else records.get((entry.record_type, entry.record_id))})
        page.next_cursor = f"{entry.xact_id}-{entry.id}"
    return page


def current_cursor() -> str:
    """The cursor after the newest entry a reader could be given now: a new webhook subscription
    starts there (gap-free like `changes`: transactions still running stay after it)."""
    feed = ChangeFeedEntry
    stmt = select(feed.xact_id, feed.id).order_by(feed.xact_id.desc(), feed.id.desc()).limit(1)
    if db.session.get_bind().dialect.name == "postgresql":
        stmt = stmt.where(feed.xact_id < literal_column(
            "pg_snapshot_xmin(pg_current_snapshot())::text::bigint"))
    row = db.session.execute(stmt).first()
    return f"{row.xact_id}-{row.id}" if row else START


def _records(rows) -> dict[tuple[str, int], dict[str, Any]]:
    """The current state of every record the entries name, one query per record type."""
    wanted: dict[str, set[int]] = {}
    for entry, _ in rows:
        wanted.setdefault(entry.record_type, set()).add(entry.record_id)
    out = {}
    for model, name in RECORD_TYPES.items():
        if name not in wanted:
            continue
        for obj in db.session.scalars(select(model).where(model.id.in_(sorted(wanted[name])))):
            out[(name, obj.id)] = _plain(obj)
    return out


def _plain(obj: Any) -> dict[str, Any]:
    return {a.key: _value(getattr(obj, a.key)) for a in inspect(obj).mapper.column_attrs
            if a.key not in _HIDDEN}


def _value(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return str(value) if isinstance(value, decimal.Decimal) else value
