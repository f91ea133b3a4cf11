"""Pre-aggregated daily alarm figures for the statistics and the command centre.

``AlarmDayRollup``: one row per China day of first_at × project × device type × alarm type ×
level, holding what the alarm statistics sum (raised, closed, assigned, urged, on time, the
disposal hours of the closed ones). ``AlarmRollupDirty``: a (project, China day) whose alarms
changed since its rollup rows were last computed; written in the transaction of the change
(app.services.insight.rollups), emptied by the beat job that recomputes those days.
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, Float, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models._base import UTCDateTime


class AlarmDayRollup(db.Model):
    __tablename__ = "alarm_day_rollup"
    __table_args__ = (Index("ix_alarm_day_rollup_day_project", "day", "project_id"),
                      # one alarm type's days (the per-project table of a period with a type filter
                      # reads the days either side of its whole months here): a range of the index
                      # alone, where the key above read a table page per row of every type
                      Index("ix_alarm_day_rollup_type_day", "alarm_type", "day", "project_id", "total", "closed",
                            "assigned", "urged", "on_time", "disposal_hours"))

    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    device_type: Mapped[str] = mapped_column(String(32), primary_key=True)
    alarm_type: Mapped[str] = mapped_column(String(64), primary_key=True)
    level: Mapped[str] = mapped_column(String(8), primary_key=True)
    total: Mapped[int] = mapped_column(Integer, default=0)
    closed: Mapped[int] = mapped_column(Integer, default=0)
    assigned: Mapped[int] = mapped_column(Integer, default=0)
    urged: Mapped[int] = mapped_column(Integer, default=0)
    on_time: Mapped[int] = mapped_column(Integer, default=0)
    disposal_hours: Mapped[float] = mapped_column(Float, default=0.0)


class AlarmRollupDirty(db.Model):
    __tablename__ = "alarm_rollup_dirty"

    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    # The UTC bounds of that China day, so that alarms join on plain columns.
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # Bumped by every change: the upsert locks the row until the change commits, so the
    # recomputation (which locks the rows it takes) always sees the change it removes.
    changes: Mapped[int] = mapped_column(Integer, default=1)


class AlarmRollupCell(db.Model):
    """Sums of alarm_day_rollup rows over a coarser key (a cuboid), per China day or month: what
    long periods and whole districts are answered from (app.services.insight.rollup_cells).

    ``cuboid`` names the key kept (P: project; PA: project × alarm type; D: district; DX: district ×
    device type × alarm type; DL: district × alarm type × level); ``unit_id`` is the project or the
    district; a column the cuboid does not keep holds ''. ``grain`` is 'd' (``period`` = the day)
    or 'm' (``period`` = the first day of the month).
    """
    __tablename__ = "alarm_rollup_cell"
    __table_args__ = (Index("ix_alarm_rollup_cell_period", "cuboid", "grain", "period"),
                      # one unit's cells of a period: the per-project sums probe it once per project
                      # (the key's order, period before unit, made each probe read the whole period);
                      # the figures too, so a probe reads the index only (a project's days lie on as
                      # many table pages)
                      Index("ix_alarm_rollup_cell_unit", "cuboid", "grain", "alarm_type", "unit_id", "period",
                            "total", "closed", "assigned", "urged", "on_time", "disposal_hours"),
                      {"sqlite_with_rowid": False})

    cuboid: Mapped[str] = mapped_column(String(2), primary_key=True)
    grain: Mapped[str] = mapped_column(String(1), primary_key=True)
    alarm_type: Mapped[str] = mapped_column(String(64), primary_key=True)
    period: Mapped[date] = mapped_column(Date, primary_key=True)
    unit_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    device_type: Mapped[str] = mapped_column(String(32), primary_key=True)
    level: Mapped[str] = mapped_column(String(8), primary_key=True)
    total: Mapped[int] = mapped_column(Integer, default=0)
    closed: Mapped[int] = mapped_column(Integer, default=0)
    assigned: Mapped[int] = mapped_column(Integer, default=0)
    urged: Mapped[int] = mapped_column(Integer, default=0)
    on_time: Mapped[int] = mapped_column(Integer, default=0)
    disposal_hours: Mapped[float] = mapped_column(Float, default=0.0)
