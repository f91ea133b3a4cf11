"""Coarser sums of the daily alarm rollups (alarm_rollup_cell), so that a year or a city is a few
thousand rows to add, not the hundreds of thousands of (project, day, …) rows it holds.

A day × project rollup barely compresses (about 1.4 alarms per project-day at 1,000,000 alarms
over 2,000 projects), so each answer reads the cuboid that keeps only the key it groups by:

- P  (project)                          per day and month: the per-project table without a type filter;
- PA (project, alarm type)              per month: the same with one (the days either side from the
  daily rollups);
- D  (district)                         per day and month: the trend without a type filter;
- DX (district, device type, alarm type) per day and month: the device-type table;
- DL (district, alarm type, level)      per day and month: types, levels, open now, the trend
  with a type filter.

A period is cut into its whole months (month cells) and the days either side (day cells; for
the project cuboids, the daily rollup rows themselves). District cells answer for the districts
an official oversees whole; projects he sees outside them, and every enterprise user's, are
read from the daily rollups (few projects).

Cells are kept equal to the sums of the daily rollup rows at every commit: the beat refresh
that rewrites a day's rollup rows adds the difference (new rows - old rows) to the cells of that
day and month in the same transaction (`apply_change`), and `rebuild` fills them from scratch.
A project moved to another district needs `flask stats rebuild-rollups` (as a device's type).
"""
from __future__ import annotations

from calendar import monthrange
from collections.abc import Iterable
from datetime import date, timedelta

from sqlalchemy import Date, cast, func, insert, literal_column, select
from sqlalchemy.dialects import postgresql, sqlite

from app.extensions import db
from app.models import AlarmDayRollup, AlarmRollupCell, Project

FIGURES = ("total", "closed", "assigned", "urged", "on_time", "disposal_hours")
# cuboid: (unit: project or district, the columns kept, grains)
CUBOIDS = {"P": ("project", (), ("d", "m")), "PA": ("project", ("alarm_type",), ("m",)),
           "D": ("district", (), ("d", "m")), "DX": ("district", ("device_type", "alarm_type"), ("d", "m")),
           "DL": ("district", ("alarm_type", "level"), ("d", "m"))}
KEPT = ("device_type", "alarm_type", "level")
CELL_KEY = ("cuboid", "grain", "alarm_type", "period", "unit_id", "device_type", "level")
EARLIEST, LATEST = date(1970, 1, 1), date(9999, 12, 31)


# --- cutting a period ----------------------------------------------------------------------------

def month_end(day: date) -> date:
    return day.replace(day=monthrange(day.year, day.month)[1])


def cut(start: date, end: date) -> tuple[tuple[date, date] | None, list[tuple[date, date]]]:
    """(first and last month start of the whole months inside start..end, or None; the day ranges
    left either side)."""
    first = start if start.day == 1 else month_end(start) + timedelta(days=1)
    last = end.replace(day=1) if end == month_end(end) else end.replace(day=1) - timedelta(days=1)
    last = last.replace(day=1)
    if first > last:
        return None, [(start, end)]
    edges = [(start, first - timedelta(days=1))] if start < first else []
    if month_end(last) < end:
        edges.append((month_end(last) + timedelta(days=1), end))
    return (first, last), edges


# --- reading -------------------------------------------------------------------------------------

def _cuboid_for(names: tuple[str, ...], alarm_type: str | None) -> str:
    needed = set(names) - {"day"} | ({"alarm_type"} if alarm_type else set())
    if "day" in names and not needed:
        return "D"
    for cuboid in ("DX", "DL"):
        if needed <= set(CUBOIDS[cuboid][1]):
            return cuboid
    raise ValueError(f"no cuboid keeps {sorted(needed)}")


def _cells(cuboid: str, grain: str, periods: tuple[date, date], units, names: tuple[str, ...],
           alarm_type: str | None):
    c = AlarmRollupCell
    columns = [(c.period if name == "day" else c.unit_id if name == "project_id" else getattr(c, name)).label(name)
               for name in names]
    where = [c.cuboid == cuboid, c.grain == grain, c.period.between(*periods), c.unit_id.in_(units)]
    if alarm_type:
        where.append(c.alarm_type == alarm_type)
    elif "alarm_type" not in CUBOIDS[cuboid][1]:
        where.append(c.alarm_type == "")
    return select(*columns, *(getattr(c, f).label(f) for f in FIGURES)).where(*where)


def _day_rows(projects, days: tuple[date, date], names: tuple[str, ...], alarm_type: str | None):
    r = AlarmDayRollup
    where = [r.project_id.in_(projects), r.day.between(*days)]
    if alarm_type:
        where.append(r.alarm_type == alarm_type)
    return select(*(getattr(r, n).label(n) for n in names), *(getattr(r, f).label(f) for f in FIGURES)).where(*where)


def stored_parts(scope, start: date, end: date, names: tuple[str, ...], alarm_type: str | None) -> list:
    """Selects of (names…, FIGURES…) whose rows add up to the stored figures of `scope` over
    start..end grouped by `names` (before the marked days are corrected)."""
    months, edges = cut(start, end)  # one part per range: each an indexed range
    if names == ("project_id",):
        if alarm_type:
            parts = [_day_rows(scope.projects, edge, names, alarm_type) for edge in edges]
        else:
            parts = [_cells("P", "d", edge, scope.projects, names, None) for edge in edges]
        if months:
            parts.append(_cells("PA" if alarm_type else "P", "m", months, scope.projects, names, alarm_type))
        return parts
    parts = [_day_rows(scope.extra, (start, end), names, alarm_type)] if scope.extra is not None else []
    if scope.districts is None:
        return parts
    cuboid = _cuboid_for(names, alarm_type)
    if "day" in names:
        return [*parts, _cells(cuboid, "d", (start, end), scope.districts, names, alarm_type)]
    parts += [_cells(cuboid, "d", edge, scope.districts, names, alarm_type) for edge in edges]
    if months:
        parts.append(_cells(cuboid, "m", months, scope.districts, names, alarm_type))
    return parts


# --- keeping them equal to the daily rollups -----------------------------------------------------

def cell_sums(rows: Iterable) -> dict[tuple, list]:
    """{cell key (CELL_KEY): figures} of daily rollup rows given as (project id, district id, day,
    device type, alarm type, level, *FIGURES)."""
    out: dict[tuple, list] = {}
    for project_id, district_id, day, device_type, alarm_type, level, *figures in rows:
        values = {"device_type": device_type, "alarm_type": alarm_type, "level": level}
        day = day if isinstance(day, date) else date.fromisoformat(str(day)[:10])
        for cuboid, (unit, kept, grains) in CUBOIDS.items():
            unit_id = project_id if unit == "project" else district_id
            kept_values = {k: values[k] if k in kept else "" for k in KEPT}
            for grain in grains:
                key = (cuboid, grain, kept_values["alarm_type"], day if grain == "d" else day.replace(day=1),
                       unit_id, kept_values["device_type"], kept_values["level"])
                sums = out.setdefault(key, [0, 0, 0, 0, 0, 0.0])
                for i, value in enumerate(figures):
                    sums[i] += value
    return out


def day_rows(*where):
    """The daily rollup rows satisfying `where`, with their project's district (for cell_sums)."""
    r = AlarmDayRollup
    return (select(r.project_id, Project.district_id, r.day, r.device_type, r.alarm_type, r.level,
                   *(getattr(r, f) for f in FIGURES)).join(Project, Project.id == r.project_id).where(*where))


def apply_change(old: dict[tuple, list], new: dict[tuple, list]) -> None:
    """Add new - old to the cells (in the caller's transaction)."""
    rows = []
    for key in sorted(set(old) | set(new), key=str):
        before, after = old.get(key, [0] * len(FIGURES)), new.get(key, [0] * len(FIGURES))
        delta = [a - b for a, b in zip(after, before, strict=True)]
        if any(delta):
            rows.append({**dict(zip(CELL_KEY, key, strict=True)), **dict(zip(FIGURES, delta, strict=True))})
    if not rows:
        return
    connection = db.session.connection()
    table = AlarmRollupCell.__table__
    dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
    for start in range(0, len(rows), 400):
        stmt = dialect.insert(table).values(rows[start:start + 400])
        connection.execute(stmt.on_conflict_do_update(
            index_elements=list(CELL_KEY), set_={f: table.c[f] + stmt.excluded[f] for f in FIGURES}))


def rebuild() -> int:
    """Fill every cell from the daily rollups (the caller has emptied the table); the row count."""
    r = AlarmDayRollup
    postgres = db.session.get_bind().dialect.name == "postgresql"
    month = cast(func.date_trunc("month", r.day), Date) if postgres else func.strftime("%Y-%m-01", r.day)
    for cuboid, (unit, kept, grains) in CUBOIDS.items():
        unit_id = r.project_id if unit == "project" else Project.district_id
        for grain in grains:
            period = r.day if grain == "d" else month
            kept_columns = {k: getattr(r, k) if k in kept else literal_column("''") for k in KEPT}
            keys = [literal_column(f"'{cuboid}'"), literal_column(f"'{grain}'"), kept_columns["alarm_type"], period,
                    unit_id, kept_columns["device_type"], kept_columns["level"]]
            grouped = [period, unit_id, *(getattr(r, k) for k in kept)]
            rows = (select(*keys, *(func.sum(getattr(r, f)) for f in FIGURES))
                    .join(Project, Project.id == r.project_id).group_by(*grouped))
            db.session.execute(insert(AlarmRollupCell).from_select(list(CELL_KEY) + list(FIGURES), rows))
    return db.session.scalar(select(func.count()).select_from(AlarmRollupCell)) or 0

