"""The monthly assessment on real records in two districts: scores against figures worked out by
hand (records.py), idempotency, changes of records and points, the scope of each reader."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from app.errors import ValidationError
from app.extensions import db
from app.infra import wallclock
from app.models import AssessmentPoint, AssessmentResult
from app.services.access.actors import actor_for
from app.services.assessment import reads, scoring
from tests.integration.assessment.records import EXPECTED_DISTRICTS, NOW, reading, utc
from tests.support.factories import gen_user


def rows(month: str = "2026-02") -> dict[tuple[str, int], tuple]:
    return {(r.subject, r.unit_id): (r.id, r.score, r.items, r.computed_at) for r in db.session.scalars(
        select(AssessmentResult).where(AssessmentResult.month == month))}


def test_scores_match_the_figures_worked_out_by_hand(city):
    east, west = city["districts"]
    c1, c2, s1 = city["enterprises"]
    with wallclock.frozen(NOW):
        run = scoring.compute_month("2026-02")
    assert (run.districts, run.enterprises, run.changed, run.removed) == (2, 3, 5, 0)
    scores = {key: row[1] for key, row in rows().items()}
    assert scores == {("district", east.id): 57.5, ("district", west.id): 100.0,
                      ("enterprise", c1.id): 50.0, ("enterprise", c2.id): 0.0, ("enterprise", s1.id): 20.0}
    items = {i["measure"]: i for i in rows()["district", east.id][2]}
    assert (items["sites_connected"]["numerator"], items["sites_connected"]["denominator"]) == (1, 2)
    assert (items["orders_replied_on_time"]["rate"], items["orders_replied_on_time"]["points"]) == (50.0, 37.5)
    west_items = {i["measure"]: i for i in rows()["district", west.id][2]}
    assert west_items["orders_replied_on_time"]["denominator"] == 0 and west_items["orders_replied_on_time"]["points"] is None
    log_item = rows()["enterprise", s1.id][2][0]
    assert (log_item["numerator"], log_item["denominator"], log_item["points"]) == (2, 20, 10.0)
    units = {(r.subject, r.district_id, r.enterprise_id) for r in db.session.scalars(select(AssessmentResult))}
    assert units == {("district", east.id, None), ("district", west.id, None), ("enterprise", None, c1.id),
                     ("enterprise", None, c2.id), ("enterprise", None, s1.id)}   # each its own foreign key


def test_a_rerun_leaves_every_row_as_it_was_and_a_change_rewrites_only_its_unit(city):
    east, west = city["districts"]
    c1, c2, _ = city["enterprises"]
    with wallclock.frozen(NOW):
        scoring.compute_month("2026-02")
        before = rows()
        again = scoring.compute_month("2026-02")
        assert (again.changed, again.removed) == (0, 0) and rows() == before
        reading(city["d2"], utc(2026, 2, 14))     # E-2 connected: 东区 and C2 change, nobody else
        changed = scoring.compute_month("2026-02")
    after = rows()
    assert changed.changed == 2
    assert after["district", east.id][1] == 40 / 100 * 100 + 37.5 and after["enterprise", c2.id][1] == 100.0
    for key in (("district", west.id), ("enterprise", c1.id)):
        assert after[key] == before[key]
    assert after["district", east.id][0] == before["district", east.id][0]   # the same row, updated


def test_a_deleted_point_drops_the_units_it_alone_applied_to(city):
    _, _, s1 = city["enterprises"]
    with wallclock.frozen(NOW):
        scoring.compute_month("2026-02")
        db.session.delete(db.session.get(AssessmentPoint, city["points"]["supervision_log_days"]))
        db.session.commit()
        run = scoring.compute_month("2026-02")
    assert (run.enterprises, run.removed) == (2, 1) and ("enterprise", s1.id) not in rows()


def test_each_reader_sees_his_own_units_with_city_wide_ranks(city):
    east, west = city["districts"]
    c1, c2, s1 = city["enterprises"]
    e1, e2, w1, _ = city["projects"]
    with wallclock.frozen(NOW):
        scoring.compute_month("2026-02")
    city_official = actor_for(gen_user("city_official", org_unit=db.session.get(type(east), east.parent_id)))
    ranked = reads.ranking(city_official, "2026-02", "district")
    assert [(r["unit"], r["score"], r["rank"], r["of"]) for r in ranked] == [("西区", 100.0, 1, 2), ("东区", 57.5, 2, 2)]
    assert {r["unit"]: r["score"] for r in ranked} == EXPECTED_DISTRICTS
    east_officer = actor_for(gen_user("district_safety_officer", org_unit=east))
    assert [(r["unit"], r["rank"]) for r in reads.ranking(east_officer, "2026-02", "district")] == [("东区", 2)]
    assert {r["unit_id"] for r in reads.ranking(east_officer, "2026-02", "enterprise")} == {c1.id, c2.id, s1.id}
    west_officer = actor_for(gen_user("district_safety_officer", org_unit=west))
    assert {r["unit_id"] for r in reads.ranking(west_officer, "2026-02", "enterprise")} == {c1.id}
    pm = actor_for(gen_user("contractor_pm", project=e2, enterprise_id=c2.id))
    assert reads.ranking(pm, "2026-02", "district") == []
    assert [(r["unit_id"], r["score"], r["rank"], r["of"]) for r in reads.ranking(pm, "2026-02", "enterprise")] == [
        (c2.id, 0.0, 3, 3)]
    with pytest.raises(ValidationError):
        reads.ranking(pm, "2026-13", "district")


def test_the_beat_task_scores_last_month(city):
    from app.tasks.assessment import monthly

    with wallclock.frozen(NOW):
        result = monthly.run()
    assert result["month"] == "2026-02" and result["districts"] == 2 and result["enterprises"] == 3
