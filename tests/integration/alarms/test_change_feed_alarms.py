"""The change feed sees the ingest path's alarm writes (batch ingest, the disposal case it starts,
repeats updating the open alarm) — the writers no use case calls explicitly."""
from __future__ import annotations

from app.domain.actors import Actor, Grant
from app.services.exchange import feed_reads
from app.services.ingestion.ingest import ingest_messages

from .conftest import crane

ADMIN = Actor(user_id=None, username="root", grants=(Grant("sys_admin"),))


def _all_after(cursor: str) -> tuple[list[dict], str]:
    out = []
    while True:
        page = feed_reads.changes(ADMIN, cursor, limit=500)
        out += page.entries
        cursor = page.next_cursor
        if not page.more:
            return out, cursor


def test_an_ingested_alarm_its_case_and_its_repeat_are_fed_in_order(deployed):
    _, start = _all_after(feed_reads.START)
    ingest_messages([crane(104)])
    opened, cursor = _all_after(start)
    kinds = [(e["record_type"], e["action"]) for e in opened]
    assert ("alarm", "created") in kinds and ("case", "created") in kinds
    alarm = next(e for e in opened if e["record_type"] == "alarm")
    assert alarm["project_code"] == "JS-2026-001" and alarm["record"]["level"] == "alarm"
    ingest_messages([crane(110)])
    repeated, _ = _all_after(cursor)
    changed = [e for e in repeated if e["record_type"] == "alarm"]
    assert [(e["record_id"], e["action"]) for e in changed] == [(alarm["record_id"], "changed")]
    assert changed[0]["record"]["count"] == 2
