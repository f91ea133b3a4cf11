"""The expert draw: specialty, avoidance of the project's participants, seeds, shortages."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from app.errors import ValidationError
from app.extensions import db
from app.models import Expert, ProjectParticipant
from app.services.hazard import expert_draw
from tests.support.settings import change_settings

from .support import work


def participant_ids(w) -> set[int]:
    return set(db.session.scalars(select(ProjectParticipant.enterprise_id).where(
        ProjectParticipant.project_id == w.project_id)))


def test_an_expert_employed_by_a_participant_is_never_drawn_in_200_draws(hz_sqlite):
    for project, code, specialty in (("JS-2026-001", "WD-01", "geotechnical"), ("EQ-2026-002", "WD-01", "structure"),
                                     ("JS-2026-001", "WD-04", "scaffold")):
        w = work(project, code)
        banned = participant_ids(w)
        seen: set[int] = set()
        for seed in range(200):
            draw = expert_draw.draw(w, specialty, 5, seed=seed)
            assert len({e.id for e in draw.drawn}) == 5
            for expert in draw.drawn:
                assert expert.employer_enterprise_id not in banned
                assert specialty in expert.specialties and expert.active and expert.user_id
            seen |= {e.id for e in draw.drawn}
        assert seen == {e.id for e in draw.eligibility.candidates}  # every eligible expert gets a chance
        assert {x["enterprise_id"] for x in draw.eligibility.excluded} <= banned


def test_the_recorded_seed_reproduces_the_draw(hz_sqlite):
    w = work()
    first = expert_draw.draw(w, "geotechnical", 5)
    again = expert_draw.draw(w, "geotechnical", 5, seed=first.seed)
    assert [e.id for e in again.drawn] == [e.id for e in first.drawn]
    record = first.record("geotechnical", 5)
    assert record["seed"] == first.seed and len(record["drawn"]) == 5
    assert {x["name"] for x in record["excluded"]} == {"张国栋", "陈德华", "黄立新"}


def test_inactive_experts_and_already_drawn_ones_are_skipped(hz_sqlite):
    w = work()
    wang = db.session.scalar(select(Expert).where(Expert.name == "王守仁"))
    wang.active = False
    db.session.commit()
    eligible = expert_draw.eligible_experts(w, "geotechnical")
    assert wang.id not in {e.id for e in eligible.candidates} and len(eligible.candidates) == 5
    skip = {e.id for e in eligible.candidates[:2]}
    assert len(expert_draw.eligible_experts(w, "geotechnical", skip).candidates) == 3
    with pytest.raises(expert_draw.PanelShortageError) as info:
        expert_draw.draw(w, "geotechnical", 6)
    assert info.value.code == "experts_insufficient" and "只有 5 人" in info.value.message


def test_panel_size_has_a_configurable_minimum(hz_sqlite, monkeypatch):
    assert expert_draw.panel_size(None) == 5 and expert_draw.panel_size(7) == 7
    for bad in (4, "5", True, 0):
        with pytest.raises(ValidationError) as info:
            expert_draw.panel_size(bad)
        assert info.value.code == "panel_size_invalid"
    change_settings(monkeypatch, hz_sqlite, hazard_panel_min_size=7)
    with pytest.raises(ValidationError):
        expert_draw.panel_size(6)
    assert expert_draw.panel_size(None) == 7
