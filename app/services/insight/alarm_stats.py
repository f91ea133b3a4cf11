"""Alarm statistics (预警统计, seed 000 3.1.9.3) read from device_alarm and its disposal cases.

The figures are sums of the daily rollups (app/services/insight/rollups.py: stored rows for
settled days, computed from the alarms for days changed since the last refresh), so they equal
the per-alarm definitions below at every moment.

Definitions (every figure counts the alarms of the projects the actor may see, first raised
inside the period's China days, of the requested alarm type if one is given):
- total: alarms first raised in the period (a repeat of an open alarm is the same alarm);
- closed: those now closed; closure rate = closed / total;
- assigned (交办): those handed to the project by a `device_alarm_disposal` case (the alarm has
  its case); assignment rate = assigned / total;
- urged (督办): those whose disposal deadline passed before the project handled them, so the
  chain put `decide_overdue` before the district official; urging rate = urged / total;
- on time: closed with outcome `handled` and never urged; on-time rate = on time / closed;
- mean disposal hours: the mean of closed_at - first_at over the closed alarms;
- open now by type: alarms open at this moment, whatever the period;
- trend: alarms raised and (of those) closed, per China day, ISO week or month of first_at.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from app.extensions import db
from app.models import OrgUnit, Project
from app.models.device import DEVICE_TYPES
from app.services.access.actors import Actor
from app.services.access.scoping import visible_project_ids
from app.services.insight.filters import StatsFilter, bucket, buckets, rate, require_scope
from app.services.insight.rollup_cells import EARLIEST, LATEST
from app.services.insight.rollups import summed
from app.services.insight.scope import stats_scope
from app.services.monitoring.alarm_cases import LEVEL_LABELS, alarm_label


@dataclass
class _Tally:
    total: int = 0
    closed: int = 0
    assigned: int = 0
    urged: int = 0
    on_time: int = 0
    hours: float = 0.0

    def add(self, total: int, closed: int, assigned: int, urged: int, on_time: int, hours: float) -> None:
        self.total += total
        self.closed += closed
        self.assigned += assigned
        self.urged += urged
        self.on_time += on_time
        self.hours += hours

    def figures(self) -> dict:
        return {"total": self.total, "closed": self.closed, "closure_rate": rate(self.closed, self.total),
                "assigned": self.assigned, "assignment_rate": rate(self.assigned, self.total),
                "urged": self.urged, "urging_rate": rate(self.urged, self.total),
                "on_time": self.on_time, "on_time_rate": rate(self.on_time, self.closed),
                "mean_disposal_hours": _hours(self.hours, self.closed)}


def _hours(hours: float, closed: int) -> float:
    """The mean to 0.1 h; first to 1e-6 h, so that the error of the database's time arithmetic
    and of the order of its sums does not move a mean lying on a rounding boundary."""
    return round(round(hours / closed, 6), 1) if closed else 0.0


def _summed(actor: Actor, flt: StatsFilter, *names: str):
    """(key values, [total, closed, assigned, urged, on time, disposal hours]) per value of the
    rollup columns `names`, summed in the database over the actor's scope and period (one grouping
    per breakdown: the rows that reach Python are as many as the breakdown has entries)."""
    return summed(stats_scope(actor), flt.start, flt.end, names, flt.kind).items()


def _open_now(actor: Actor, flt: StatsFilter) -> list[dict]:
    """Open = raised - closed over all time (an alarm is open or closed), from the rollups."""
    counts = summed(stats_scope(actor), EARLIEST, LATEST, ("alarm_type",), flt.kind)
    return sorted(({"type": t, "label": alarm_label(t), "count": total - closed}
                   for (t,), (total, closed, *_rest) in counts.items() if total > closed),
                  key=lambda r: (-r["count"], r["type"]))


def _table(tallies: dict[tuple[str, str], _Tally], key: str) -> list[dict]:
    rows = [{key: k, "label": label, **t.figures()} for (k, label), t in tallies.items()]
    return sorted(rows, key=lambda r: (-r["total"], r[key]))


def _shares(counter: Counter, labels, total: int, key: str) -> list[dict]:
    return [{key: k, "label": labels(k), "count": n, "share": rate(n, total)}
            for k, n in sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))]


def alarm_statistics(actor: Actor, flt: StatsFilter) -> dict:
    """Every alarm figure of the module docstring for the actor's scope. Raises PermissionDeniedError."""
    require_scope(actor)
    overall = _Tally()
    groups: dict[str, dict[tuple[str, str], _Tally]] = {g: defaultdict(_Tally)
                                                        for g in ("district", "project", "device_type")}
    projects = {pid: (code, name, district) for pid, code, name, district in db.session.execute(
        select(Project.id, Project.code, Project.name, OrgUnit.name).join(OrgUnit, OrgUnit.id == Project.district_id)
        .where(Project.id.in_(visible_project_ids(actor))))}
    for (project_id,), counts in _summed(actor, flt, "project_id"):
        code, name, district = projects[project_id]
        overall.add(*counts)
        groups["district"][(district, district)].add(*counts)
        groups["project"][(code, name)].add(*counts)
    for (device_type,), counts in _summed(actor, flt, "device_type"):
        groups["device_type"][(device_type, DEVICE_TYPES.get(device_type, device_type))].add(*counts)
    types, levels = Counter(), Counter()
    for (alarm_type, level), counts in _summed(actor, flt, "alarm_type", "level"):
        types[alarm_type] += counts[0]
        levels[level] += counts[0]
    trend = {b: [0, 0] for b in buckets(flt)}
    for (day,), counts in _summed(actor, flt, "day"):
        slot = trend.setdefault(bucket(date.fromisoformat(str(day)[:10]), flt.grain), [0, 0])
        slot[0] += counts[0]
        slot[1] += counts[1]
    return {
        "overview": overall.figures(),
        "open_by_type": _open_now(actor, flt),
        "trend": [{"bucket": b, "raised": r, "closed": c} for b, (r, c) in trend.items()],
        "by_type": _shares(types, alarm_label, overall.total, "type"),
        "by_level": _shares(levels, lambda k: LEVEL_LABELS.get(k, k), overall.total, "level"),
        "by_district": _table(groups["district"], "district"),
        "by_project": _table(groups["project"], "project"),
        "by_device_type": _table(groups["device_type"], "device_type"),
    }
