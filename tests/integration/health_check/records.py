"""Real records of a small city for the health-check tests: two districts (东区 E-1, E-2; 西区
W-1 and a completed W-9), alarms, orders and operator certificates around February 2026."""
from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from app.extensions import db
from app.infra import wallclock
from app.models import DeviceAlarm, DeviceOperator, DeviceReading, RectificationOrder
from app.services.definitions import deployments
from tests.support.factories import (
    gen_device,
    gen_inbox_task,
    gen_instance,
    gen_org_unit,
    gen_participant,
    gen_project,
    gen_user,
)

ROOT = Path(__file__).resolve().parents[3]
NOW = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)      # 10:00 on 2 March in China


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def alarm(device, level: str, first_at: datetime) -> DeviceAlarm:
    row = DeviceAlarm(device_id=device.id, project_id=device.project_id, alarm_type="load_pct",
                      level=level, first_at=first_at, first_data_id=f"d{first_at.timestamp()}",
                      last_at=first_at, status="closed")
    db.session.add(row)
    db.session.commit()
    return row


def order(project, order_type: str, issued_at: datetime, deadline: date,
          replied_at: datetime | None = None) -> RectificationOrder:
    row = RectificationOrder(instance_id=gen_instance(project, "rectification_order").id,
                             project_id=project.id, order_type=order_type, issued_at=issued_at,
                             deadline=deadline, replied_at=replied_at)
    db.session.add(row)
    db.session.commit()
    return row


def reading(device, collected_at: datetime) -> DeviceReading:
    row = DeviceReading(data_id=f"r{collected_at.timestamp()}", device_id=device.id, collected_at=collected_at,
                        metrics={"load_pct": 40})
    db.session.add(row)
    db.session.commit()
    return row


def operator(device, valid_until: date) -> DeviceOperator:
    row = DeviceOperator(device_id=device.id, name="张三", trade="tower_crane_driver",
                         certificate_no=f"C{valid_until}", certificate_valid_until=valid_until)
    db.session.add(row)
    db.session.commit()
    return row


@pytest.fixture
def world(app):
    with wallclock.frozen(NOW):
        city = gen_org_unit(gen_org_unit())
        east, west = gen_org_unit(city, name="东区"), gen_org_unit(city, name="西区")
        a1, a2 = gen_project(east, code="E-1"), gen_project(east, code="E-2")
        b1 = gen_project(west, code="W-1")
        idle = gen_project(west, code="W-9", status="completed")
        for project in (a1, a2, b1):  # what a report needs: its addressee and the district's signing leader
            gen_participant(project, "contractor")
        for district in (east, west):
            gen_user("district_leader", org_unit=district, display_name=f"{district.name}领导")
        registered = utc(2026, 1, 31, 16, 0)                                  # 00:00 on 1 Feb China
        d_a1, d_a2, d_b1, d_idle = (gen_device(p, created_at=registered) for p in (a1, a2, b1, idle))
        rec = {"projects": (a1, a2, b1, idle), "districts": (east, west), "a1_device": d_a1.id}
        # E-1: 3 warnings (3), 12 alarms (24, capped at 20), a full stop (10) overdue (5),
        #      an expired certificate (5), its device sent nothing in February (2) → 100 - 45 = 55
        rec["a1_warnings"] = [alarm(d_a1, "warning", utc(2026, 2, 3 + i, 2)).id for i in range(3)]
        rec["a1_alarms"] = [alarm(d_a1, "alarm", utc(2026, 2, 10, i)).id for i in range(12)]
        rec["a1_stop"] = order(a1, "full_stop", utc(2026, 2, 12, 2), date(2026, 2, 20)).id
        rec["a1_operator"] = operator(d_a1, date(2026, 2, 27)).id
        # E-2: a deadline order replied in time (3); a warning at 00:30 on 1 Feb China time (1)
        #      and one at 23:59 on 31 Jan China time (not this month); an alarm disposal task done a
        #      day late (2) and a hazard self-check task still open past its due time (2) → 92
        rec["a2_order"] = order(a2, "deadline", utc(2026, 2, 3, 2), date(2026, 2, 10),
                                replied_at=utc(2026, 2, 10, 15, 0)).id      # 23:00 on 10 Feb China
        rec["a2_warning"] = alarm(d_a2, "warning", utc(2026, 1, 31, 16, 30)).id
        alarm(d_a2, "warning", utc(2026, 1, 31, 15, 59))
        reading(d_a2, utc(2026, 2, 15))
        disposal = gen_instance(a2, "device_alarm_disposal")
        rec["a2_late_task"] = gen_inbox_task(disposal, "contractor_pm", title="报警处置", due_at=utc(2026, 2, 20, 2),
                                             completed_at=utc(2026, 2, 21, 2), status="completed").id
        gen_inbox_task(disposal, "contractor_pm", due_at=utc(2026, 2, 18), completed_at=utc(2026, 2, 17),
                       status="completed")                                     # in time
        gen_inbox_task(disposal, "district_safety_officer", due_at=utc(2026, 2, 10))   # an official's task
        gen_inbox_task(disposal, "contractor_pm", due_at=utc(2026, 2, 11), status="cancelled")
        self_check = gen_instance(a2, "hazard_self_check")
        rec["a2_open_task"] = gen_inbox_task(self_check, "contractor_safety_officer", title="隐患整改",
                                             due_at=utc(2026, 2, 25)).id
        # W-1: a certificate valid until 1 March is not expired in February; a March alarm; a reading
        #      at 23:59 on 28 Feb China time; a device registered on 1 March sent nothing → 100
        operator(d_b1, date(2026, 3, 1))
        alarm(d_b1, "alarm", utc(2026, 2, 28, 16, 0))                        # 00:00 on 1 March China
        reading(d_b1, utc(2026, 2, 28, 15, 59))
        gen_device(b1, created_at=utc(2026, 2, 28, 16, 0))
        # a completed project is not scored
        alarm(d_idle, "alarm", utc(2026, 2, 5))
        yield rec


def deploy_rectification() -> None:
    """The real health_check_rectification diagram and its forms."""
    bundle = deployments.bundle_from_dirs(ROOT / "processes", ROOT / "forms")
    deployments.deploy(deployments.Bundle(
        {n: b for n, b in bundle.files.items() if n.split(".")[0] == "health_check_rectification"},
        {n: b for n, b in bundle.forms.items() if n.startswith("health_check_rectification")}))
