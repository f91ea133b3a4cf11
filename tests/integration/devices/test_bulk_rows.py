"""bulk_rows on SQLite and PostgreSQL (COPY there): values, defaults, unique violations, lookups."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.infra import bulk_rows
from app.models import DeviceReading, RejectedMessage
from tests.support.factories import gen_device, gen_project

CST = timezone(timedelta(hours=8))


def reading(device_id: int, data_id: str, **kw) -> dict:
    return {"data_id": data_id, "device_id": device_id, "kind": "data",
            "collected_at": kw.pop("collected_at", datetime(2026, 11, 21, 10, 0, tzinfo=CST)),
            "received_at": datetime(2026, 11, 21, 2, 0, 1, tzinfo=UTC),
            "metrics": kw.pop("metrics", {"load_pct": 41.5}), "level": "none", "alarm_type": None, **kw}


def test_inserted_rows_read_back_with_utc_times_json_and_nulls(app):
    device = gen_device(gen_project())
    rows = [reading(device.id, f"d-{i}", metrics={"load_pct": i + 0.5, "wind_speed": 3}) for i in range(3)]
    rows.append(reading(device.id, "quoted", metrics={"note\t\\ \"x\"": 1}, alarm_type="load_pct"))
    bulk_rows.insert_rows(DeviceReading.__table__, rows)
    db.session.commit()
    stored = {r.data_id: r for r in db.session.scalars(select(DeviceReading))}
    assert sorted(stored) == ["d-0", "d-1", "d-2", "quoted"]
    assert stored["d-2"].metrics == {"load_pct": 2.5, "wind_speed": 3}
    assert stored["quoted"].metrics == {"note\t\\ \"x\"": 1}  # COPY escaping survives
    assert stored["quoted"].alarm_type == "load_pct" and stored["d-0"].alarm_type is None
    assert stored["d-0"].collected_at == datetime(2026, 11, 21, 2, 0, tzinfo=UTC)
    assert len({r.id for r in stored.values()}) == 4


def test_python_side_column_defaults_are_applied(app):
    bulk_rows.insert_rows(RejectedMessage.__table__, [
        {"topic": "t/1", "reason_code": "not_json", "detail": "d", "raw": "x"}])
    db.session.commit()
    row = db.session.scalar(select(RejectedMessage))
    assert row.source == "mqtt"  # default="mqtt"
    assert abs(row.received_at - datetime.now(UTC)) < timedelta(minutes=1)  # default=utcnow


def test_naive_datetimes_are_refused_like_the_orm_does(app):
    device = gen_device(gen_project())
    with pytest.raises(Exception, match="naive datetime"):
        bulk_rows.insert_rows(DeviceReading.__table__,
                              [reading(device.id, "n", collected_at=datetime(2026, 11, 21, 10))])
    db.session.rollback()


def test_a_duplicate_key_raises_integrity_error_and_stores_nothing_of_the_batch(app):
    device = gen_device(gen_project())
    bulk_rows.insert_rows(DeviceReading.__table__, [reading(device.id, "a")])
    db.session.commit()
    with pytest.raises(IntegrityError):
        bulk_rows.insert_rows(DeviceReading.__table__, [reading(device.id, "b"), reading(device.id, "a")])
    db.session.rollback()
    assert db.session.scalars(select(DeviceReading.data_id)).all() == ["a"]


def test_existing_pairs_finds_the_stored_subset_across_chunks_per_device(app):
    project = gen_project()
    device, other = gen_device(project), gen_device(project)
    bulk_rows.insert_rows(DeviceReading.__table__, [reading(device.id, f"s-{i}") for i in range(0, 1200, 3)])
    bulk_rows.insert_rows(DeviceReading.__table__, [reading(other.id, "s-1")])
    db.session.commit()
    asked = [(device.id, f"s-{i}") for i in range(1200)] + [(device.id, "s-0"), (device.id, "other")]
    assert bulk_rows.existing_pairs(DeviceReading.device_id, DeviceReading.data_id, asked) == \
        {(device.id, f"s-{i}") for i in range(0, 1200, 3)}  # "s-1" is the other device's id
    assert bulk_rows.existing_pairs(DeviceReading.device_id, DeviceReading.data_id,
                                    [(other.id, "s-1"), (other.id, "s-3")]) == {(other.id, "s-1")}
    assert bulk_rows.existing_pairs(DeviceReading.device_id, DeviceReading.data_id, []) == set()
    bulk_rows.insert_rows(DeviceReading.__table__, [])  # nothing to do, no error


def test_the_same_data_id_may_be_stored_for_two_devices_but_not_twice_for_one(app):
    project = gen_project()
    device, other = gen_device(project), gen_device(project)
    bulk_rows.insert_rows(DeviceReading.__table__, [reading(device.id, "a"), reading(other.id, "a")])
    db.session.commit()
    with pytest.raises(IntegrityError):
        bulk_rows.insert_rows(DeviceReading.__table__, [reading(other.id, "a")])
    db.session.rollback()
    assert sorted(db.session.execute(select(DeviceReading.device_id, DeviceReading.data_id)).all()) == \
        sorted([(device.id, "a"), (other.id, "a")])
