"""The daily alarm rollups (alarm_day_rollup) the alarm statistics answer from, and how they stay current.

One rollup row per China day of first_at × project × device type × alarm type × level holds the
counts of app/services/insight/alarm_stats.py (raised, closed, assigned, urged, on time, disposal
hours). An alarm's figures change long after its day — it is closed by the chain's operators or
by ingest (cancelled case), it gets its case when the case starts, it is urged when the chain's
deadline timer raises `decide_overdue`, a repeat raises its level — and these writers live in
ingestion, monitoring and the workflow runtime, below this package. So:

- In the transaction of the change: a session listener (`_collect` / `_mark`) sees every
  DeviceAlarm inserted, deleted or changed in a counted column and every new `decide_overdue`
  task, and upserts the (project, China day) into alarm_rollup_dirty — one small upsert per
  flush, so the ingest path stays cheap and nothing is lost between commit and recomputation.
- By beat (`insight.rollups`, every minute): `refresh_dirty` recomputes the marked days from
  their alarms and removes the marks (the marks are locked while it works, so a change that
  commits meanwhile marks its day again).
- In between, the statistics read the stored rows, take away those of marked days and add the
  marked days computed from their alarms (`summed`): answers are exact at every moment.
- `rebuild` (CLI `flask stats rebuild-rollups`) recomputes everything: after bulk loads that
  bypass the ORM (bench seeding, imports) or a device's type being changed.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, case, delete, event, exists, func, insert, select, text, tuple_
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, attributes

from app.extensions import db
from app.infra import wallclock
from app.infra.uow import transaction
from app.models import AlarmDayRollup, AlarmRollupCell, AlarmRollupDirty, Device, DeviceAlarm, InboxTask
from app.services.insight import rollup_cells
from app.services.insight.sql_time import hours_between, local_day

URGED_TASK = "decide_overdue"
# The columns whose change moves an alarm's figures (device_id: its device type).
COUNTED = ("status", "instance_id", "outcome", "closed_at", "level", "alarm_type", "device_id",
           "project_id", "first_at")
FIGURES = ("total", "closed", "assigned", "urged", "on_time", "disposal_hours")
KEYS = ("project_id", "day", "device_type", "alarm_type", "level")
CHUNK = 400


@dataclass
class RefreshResult:
    days: int = 0
    rows: int = 0


# --- marking, inside the transaction of every change -------------------------------------------

def _counted_change(alarm: DeviceAlarm) -> bool:
    state = attributes.instance_state(alarm)
    return any(state.attrs[name].history.has_changes() for name in COUNTED)


@event.listens_for(Session, "before_flush")
def _collect(session: Session, _ctx, _instances) -> None:
    pairs: set[tuple[int, date]] = session.info.setdefault("alarm_rollup_pairs", set())
    urged: set[int] = session.info.setdefault("alarm_rollup_urged", set())
    for obj in session.new:
        if isinstance(obj, DeviceAlarm) and obj.project_id and obj.first_at:
            pairs.add((obj.project_id, wallclock.local_date(obj.first_at)))
        elif isinstance(obj, InboxTask) and obj.task_name == URGED_TASK and obj.instance_id:
            urged.add(obj.instance_id)
    for obj in session.dirty:
        if isinstance(obj, DeviceAlarm) and _counted_change(obj):
            state = attributes.instance_state(obj)
            for name in ("project_id", "first_at"):  # the old day too, when either moved
                old = state.attrs[name].history.deleted
                if old:
                    project_id = old[0] if name == "project_id" else obj.project_id
                    first_at = old[0] if name == "first_at" else obj.first_at
                    pairs.add((project_id, wallclock.local_date(first_at)))
            pairs.add((obj.project_id, wallclock.local_date(obj.first_at)))
    for obj in session.deleted:
        if isinstance(obj, DeviceAlarm):
            pairs.add((obj.project_id, wallclock.local_date(obj.first_at)))


@event.listens_for(Session, "after_flush")
def _mark(session: Session, _ctx) -> None:
    pairs: set[tuple[int, date]] = session.info.pop("alarm_rollup_pairs", set())
    urged: set[int] = session.info.pop("alarm_rollup_urged", set())
    if not pairs and not urged:
        return
    connection = session.connection()
    for chunk in _chunks(sorted(urged)):
        for project_id, first_at in connection.execute(
                select(DeviceAlarm.project_id, DeviceAlarm.first_at).where(DeviceAlarm.instance_id.in_(chunk))):
            pairs.add((project_id, wallclock.local_date(first_at)))
    mark_days(connection, pairs)


@event.listens_for(Session, "after_soft_rollback")
def _forget(session: Session, _previous) -> None:
    session.info.pop("alarm_rollup_pairs", None)
    session.info.pop("alarm_rollup_urged", None)


def mark_days(connection, pairs: Iterable[tuple[int, date]]) -> None:
    """Mark (project id, China day)s for recomputation (in the caller's transaction)."""
    rows = [{"project_id": p, "day": d, "starts_at": wallclock.local_day_start(d),
             "ends_at": wallclock.local_day_end(d), "changes": 1} for p, d in sorted(set(pairs))]
    if not rows:
        return
    dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
    table = AlarmRollupDirty.__table__
    for chunk in _chunks(rows):
        stmt = dialect.insert(table).values(chunk)
        connection.execute(stmt.on_conflict_do_update(index_elements=["project_id", "day"],
                                                      set_={"changes": table.c.changes + 1}))


# --- computing rollup rows from the alarms -------------------------------------------------------

def source_rows(*where, marked_only: bool = False):
    """The rollup rows (KEYS + FIGURES) computed from the alarms that satisfy `where`; with
    `marked_only`, of the marked (project, day)s only (`where` may then name AlarmRollupDirty),
    read from the marks (few) through the (project_id, first_at) index of the alarms."""
    day = local_day(DeviceAlarm.first_at)
    closed = DeviceAlarm.status == "closed"
    urged = exists().where(InboxTask.instance_id == DeviceAlarm.instance_id, InboxTask.task_name == URGED_TASK)
    hours = case((and_(closed, DeviceAlarm.closed_at.is_not(None)),
                  hours_between(DeviceAlarm.first_at, DeviceAlarm.closed_at)), else_=0.0)
    stmt = select(DeviceAlarm.project_id, day.label("day"), Device.device_type, DeviceAlarm.alarm_type,
                  DeviceAlarm.level, func.count().label("total"), _flag(closed).label("closed"),
                  _flag(DeviceAlarm.instance_id.is_not(None)).label("assigned"), _flag(urged).label("urged"),
                  _flag(and_(closed, DeviceAlarm.outcome == "handled", ~urged)).label("on_time"),
                  func.coalesce(func.sum(hours), 0.0).label("disposal_hours"))
    if marked_only:
        stmt = stmt.select_from(AlarmRollupDirty).join(DeviceAlarm, and_(
            DeviceAlarm.project_id == AlarmRollupDirty.project_id, DeviceAlarm.first_at >= AlarmRollupDirty.starts_at,
            DeviceAlarm.first_at <= AlarmRollupDirty.ends_at))
    return (stmt.join(Device, Device.id == DeviceAlarm.device_id).where(*where)
            .group_by(DeviceAlarm.project_id, day, Device.device_type, DeviceAlarm.alarm_type, DeviceAlarm.level))


def _flag(condition):
    return func.sum(case((condition, 1), else_=0))


@dataclass(frozen=True)
class Scope:
    """Whose alarms are summed: `projects` (a sub-select of every project id), `districts` (of the
    districts all of whose projects are in scope, answered from district cells; None: none) and
    `extra` (the projects in scope outside those districts, read from the daily rows; None: none)."""
    projects: object
    districts: object = None
    extra: object = None

    @classmethod
    def of_projects(cls, projects) -> Scope:
        return cls(projects, None, projects)


def summed(scope: Scope, start: date, end: date, names: tuple[str, ...], alarm_type: str | None = None
           ) -> dict[tuple, list]:
    """{values of the rollup columns `names`: [total, closed, assigned, urged, on time, disposal hours]}
    over the `scope` and China days start..end, exact at this moment: the stored figures (cells of
    whole months and districts, daily rows for the rest: rollup_cells.stored_parts), minus the
    stored rows of marked days, plus those days computed from their alarms. The stored parts are
    indexed range sums; the marks in scope are read first (few, mostly none) and the other two
    parts are keyed by them."""
    parts = [(1, part.subquery()) for part in rollup_cells.stored_parts(scope, start, end, names, alarm_type)]
    marks = db.session.execute(select(AlarmRollupDirty.project_id, AlarmRollupDirty.day).where(
        AlarmRollupDirty.project_id.in_(scope.projects), AlarmRollupDirty.day >= start,
        AlarmRollupDirty.day <= end)).all()
    for chunk in _chunks([tuple(m) for m in marks]):
        stale = [tuple_(AlarmDayRollup.project_id, AlarmDayRollup.day).in_(chunk)]
        live = [tuple_(AlarmRollupDirty.project_id, AlarmRollupDirty.day).in_(chunk)]
        if alarm_type:
            stale.append(AlarmDayRollup.alarm_type == alarm_type)
            live.append(DeviceAlarm.alarm_type == alarm_type)
        parts += [(-1, select(*(getattr(AlarmDayRollup, n) for n in (*KEYS, *FIGURES))).where(*stale).subquery()),
                  (1, source_rows(*live, marked_only=True).subquery())]
    out: dict[tuple, list] = {}
    for sign, rows in parts:
        keys = [rows.c[name] for name in names]
        for row in db.session.execute(select(*keys, *(func.sum(rows.c[f]) for f in FIGURES)).group_by(*keys)):
            key = tuple(date.fromisoformat(str(v)[:10]) if name == "day" else v
                        for name, v in zip(names, row[:len(names)], strict=True))
            sums = out.setdefault(key, [0, 0, 0, 0, 0, 0.0])
            for i, value in enumerate(row[len(names):]):  # PostgreSQL sums of integers are numeric
                sums[i] += sign * (float(value or 0) if i == len(FIGURES) - 1 else int(value or 0))
    return {key: sums for key, sums in out.items() if sums[0]}


# --- keeping them current ------------------------------------------------------------------------

def refresh_dirty() -> RefreshResult:
    """Recompute every marked (project, day) from its alarms and remove the marks (beat job)."""
    result = RefreshResult()
    with transaction():
        marks = db.session.execute(select(AlarmRollupDirty.project_id, AlarmRollupDirty.day)
                                   .order_by(AlarmRollupDirty.project_id, AlarmRollupDirty.day)
                                   .with_for_update()).all()
        for chunk in _chunks([tuple(m) for m in marks]):
            taken = tuple_(AlarmRollupDirty.project_id, AlarmRollupDirty.day).in_(chunk)
            days = tuple_(AlarmDayRollup.project_id, AlarmDayRollup.day).in_(chunk)
            old = rollup_cells.cell_sums(db.session.execute(rollup_cells.day_rows(days)))
            db.session.execute(delete(AlarmDayRollup).where(days))
            _insert(source_rows(taken, marked_only=True))
            rollup_cells.apply_change(old, rollup_cells.cell_sums(db.session.execute(rollup_cells.day_rows(days))))
            result.rows += db.session.scalar(select(func.count()).select_from(AlarmDayRollup).where(days))
            db.session.execute(delete(AlarmRollupDirty).where(taken))
            result.days += len(chunk)
    return result


def rebuild() -> RefreshResult:
    """Recompute every rollup row from every alarm (CLI `flask stats rebuild-rollups`)."""
    with transaction():
        db.session.execute(delete(AlarmRollupDirty))
        db.session.execute(delete(AlarmDayRollup))
        db.session.execute(delete(AlarmRollupCell))
        _insert(source_rows())
        rollup_cells.rebuild()
        rows = db.session.scalar(select(func.count()).select_from(AlarmDayRollup))
        days = db.session.scalar(select(func.count()).select_from(
            select(AlarmDayRollup.project_id, AlarmDayRollup.day).distinct().subquery()))
        if db.session.get_bind().dialect.name == "postgresql":
            # Every row is new: analyse now, so the readers' plans are made on the new rows from the
            # start rather than changing under them when autovacuum comes round a minute later.
            db.session.execute(text("ANALYZE alarm_day_rollup, alarm_rollup_cell"))
    return RefreshResult(days=days or 0, rows=rows or 0)


def _insert(rows) -> None:
    db.session.execute(insert(AlarmDayRollup).from_select([*KEYS, *FIGURES], rows))


def _chunks(items: list) -> Iterable[list]:
    for start in range(0, len(items), CHUNK):
        yield items[start:start + CHUNK]
