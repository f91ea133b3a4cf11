"""Revision 0012 fills the daily rollups of the alarms already held exactly as the app computes them,
and revision 0017 the rollup cells (month and district sums) from those."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from app.extensions import db
from app.models import AlarmDayRollup, AlarmRollupCell, DeviceAlarm
from app.services.insight import rollups
from tests.support.apps import build_app, migrate_to_head
from tests.support.factories import gen_device, gen_inbox_task, gen_instance, gen_org_unit, gen_project


def _rows() -> list[tuple]:
    return [(r.project_id, r.day, r.device_type, r.alarm_type, r.level, r.total, r.closed, r.assigned,
             r.urged, r.on_time, round(r.disposal_hours, 6))
            for r in db.session.scalars(select(AlarmDayRollup).order_by(*AlarmDayRollup.__table__.primary_key))]


def _cells() -> list[tuple]:
    return [(c.cuboid, c.grain, c.alarm_type, c.period, c.unit_id, c.device_type, c.level, c.total, c.closed,
             c.assigned, c.urged, c.on_time, round(c.disposal_hours, 6))
            for c in db.session.scalars(select(AlarmRollupCell).order_by(*AlarmRollupCell.__table__.primary_key))]


def _fill(url, tmp_path):
    from flask_migrate import downgrade, upgrade

    app = build_app(url, tmp_path / "inst")
    migrate_to_head(app)
    with app.app_context():
        project = gen_project(gen_org_unit(gen_org_unit()))
        devices = [gen_device(project, "tower_crane"), gen_device(project, "dust")]
        base = datetime(2026, 3, 1, 15, 30, tzinfo=UTC)  # 23:30 in China: the hour either side of midnight
        for n in range(12):
            first = base + timedelta(hours=n * 7)
            closed = n % 3 != 0
            alarm = DeviceAlarm(device_id=devices[n % 2].id, project_id=project.id,
                                alarm_type=("load_pct", "pm10_ug_m3")[n % 2], level=("warning", "alarm")[n % 4 // 2],
                                first_at=first, last_at=first, first_data_id=f"m{n}",
                                status="closed" if closed else "open", outcome="handled" if closed else None,
                                closed_at=first + timedelta(hours=n + 1, minutes=20) if closed else None)
            if n % 2:
                instance = gen_instance(project, "device_alarm_disposal")
                alarm.instance_id = instance.id
                if n % 4 == 1:
                    gen_inbox_task(instance, "district_safety_officer", task_name="decide_overdue")
            db.session.add(alarm)
        db.session.commit()
        rollups.rebuild()
        expected, cells = _rows(), _cells()
        assert {c[0] for c in cells} == {"P", "PA", "D", "DX", "DL"} and {c[1] for c in cells} == {"d", "m"}
        assert len({r[1] for r in expected}) >= 4 and sum(r[5] for r in expected) == 12
        db.session.remove()
        downgrade(revision="0011")
        upgrade()
        assert _rows() == expected
        assert _cells() == cells
        db.session.remove()
        db.engine.dispose()


def test_0012_fills_the_rollups_sqlite(tmp_path):
    _fill(f"sqlite:///{tmp_path / 'rollups.sqlite'}", tmp_path)


def test_0012_fills_the_rollups_postgresql(fresh_postgres_db, tmp_path):
    _fill(fresh_postgres_db, tmp_path)
