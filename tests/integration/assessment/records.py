"""Real records of a small city for the assessment tests (February 2026, scored on 2 March):
two districts (东区 E-1, E-2; 西区 W-1 and a completed W-9), two contractors and a supervisor,
devices with and without readings, orders replied in time and late, supervision logs — and the
points they are scored on. The expected figures are worked out by hand beside each record."""
from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from app.extensions import db
from app.infra import wallclock
from app.models import AssessmentPoint, DeviceReading, RectificationOrder, SupervisionRecord
from tests.support.factories import gen_device, gen_instance, gen_org_unit, gen_participant, gen_project

NOW = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)      # 10:00 on 2 March in China
POINTS = [  # measure, name, weight, target
    ("sites_connected", "工地接入率考核", 40.0, 100.0),
    ("orders_replied_on_time", "整改按期回复考核", 60.0, 80.0),
    ("devices_reporting", "设备在线考核", 50.0, 100.0),
    ("supervision_log_days", "总监到岗考核", 50.0, 50.0),
]


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def reading(device, collected_at: datetime) -> None:
    db.session.add(DeviceReading(data_id=f"r{device.id}-{collected_at.timestamp()}", device_id=device.id,
                                 collected_at=collected_at, received_at=collected_at, metrics={"load_pct": 40}))
    db.session.commit()


def order(project, deadline: date, replied_at: datetime | None) -> RectificationOrder:
    row = RectificationOrder(instance_id=gen_instance(project, "rectification_order").id, project_id=project.id,
                             order_type="deadline", issued_at=utc(2026, 2, 1, 2), deadline=deadline,
                             replied_at=replied_at)
    db.session.add(row)
    db.session.commit()
    return row


def log(project, day: date) -> None:
    db.session.add(SupervisionRecord(project_id=project.id, kind="log", number=f"JL-{project.id}-{day}",
                                     record_date=day, content={}, author="sup", author_name="监理员"))
    db.session.commit()


def add_points() -> dict[str, int]:
    ids = {}
    for measure, name, weight, target in POINTS:
        subject = "enterprise" if measure in ("devices_reporting", "supervision_log_days") else "district"
        point = AssessmentPoint(subject=subject, measure=measure, name=name, weight=weight, target=target,
                                created_by="test", updated_by="test")
        db.session.add(point)
        db.session.flush()
        ids[measure] = point.id
    db.session.commit()
    return ids


@pytest.fixture
def city(app):
    with wallclock.frozen(NOW):
        top = gen_org_unit(gen_org_unit())
        east, west = gen_org_unit(top, name="东区"), gen_org_unit(top, name="西区")
        e1, e2, w1 = gen_project(east, code="E-1"), gen_project(east, code="E-2"), gen_project(west, code="W-1")
        w9 = gen_project(west, code="W-9", status="completed")
        c1 = gen_participant(e1, "contractor")
        gen_participant(w1, "contractor", c1)
        c2 = gen_participant(e2, "contractor")
        s1 = gen_participant(e1, "supervisor")
        gen_participant(w9, "contractor", c2)        # a completed project counts for nobody
        registered = utc(2026, 1, 20)
        d1, d2, d3, d4, d5 = (gen_device(p, created_at=registered) for p in (e1, e2, w1, w1, w1))
        reading(d1, utc(2026, 2, 10))
        reading(d3, utc(2026, 2, 28, 15, 59))         # 23:59 on 28 Feb China: February
        reading(d4, utc(2026, 2, 28, 16, 0))          # 00:00 on 1 March China: not February
        reading(d2, utc(2026, 1, 31, 15, 59))         # 23:59 on 31 Jan China: not February
        gen_device(w1, created_at=utc(2026, 2, 28, 16, 0))  # registered in March: not counted
        # E-1: one order replied on its deadline day (China time), one never replied
        order(e1, date(2026, 2, 10), utc(2026, 2, 10, 15, 0))   # 23:00 on 10 Feb China
        order(e1, date(2026, 2, 20), None)
        order(e1, date(2026, 3, 5), None)                         # deadline in March: not February
        # E-1's supervisor: logs on Mon 2 and Tue 3 Feb, and on Saturday 7 Feb (not a working day)
        for day in (date(2026, 2, 2), date(2026, 2, 3), date(2026, 2, 7)):
            log(e1, day)
        ids = add_points()
        yield {"districts": (east, west), "projects": (e1, e2, w1, w9), "enterprises": (c1, c2, s1),
               "points": ids, "d2": d2}


# February 2026 has 20 working days. By hand:
#   东区: connected 1/2 = 50% → 40 × 0.5 = 20; replied 1/2 = 50% of 80% → 60 × 0.625 = 37.5 → 57.5
#   西区: connected 1/1 → 40; no order due → the point does not apply → 40 / 40 → 100
#   C1 (E-1, W-1): devices reporting d1, d3 of d1, d3, d4, d5 → 50% → 25 / 50 → 50
#   C2 (E-2): d2 silent → 0 / 50 → 0
#   S1 (supervisor of E-1): 2 of 20 working days = 10% of 50% → 50 × 0.2 = 10 → 10 / 50 → 20
EXPECTED_DISTRICTS = {"东区": 57.5, "西区": 100.0}
