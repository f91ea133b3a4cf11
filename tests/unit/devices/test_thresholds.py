"""Thresholds: every CSV row at its boundaries, direction, and override layering."""
from __future__ import annotations

import csv
from pathlib import Path

import pytest

from app.services.monitoring.threshold_catalogue import DEFAULT_CSV, load_catalogue
from app.services.monitoring.threshold_rules import Direction

ROWS = list(csv.DictReader(DEFAULT_CSV.open(encoding="utf-8")))
SHARED_CSV = Path(__file__).resolve().parents[4] / "shared" / "domain" / "alarm-thresholds.csv"


def _id(row: dict) -> str:
    return f"{row['device_type']}.{row['metric']}"


def test_project_copy_of_the_csv_matches_the_shared_one() -> None:
    if not SHARED_CSV.exists():  # the project must not need ../shared at run time
        pytest.skip("no ../shared checkout beside the project")
    assert DEFAULT_CSV.read_text(encoding="utf-8") == SHARED_CSV.read_text(encoding="utf-8")


def test_every_device_type_of_the_contract_but_the_camera_has_thresholds() -> None:
    types = set(load_catalogue().by_type)
    assert types == {"tower_crane", "hoist", "unloading_platform", "deep_pit", "high_formwork",
                     "dust", "noise"}


@pytest.mark.parametrize("row", ROWS, ids=_id)
def test_csv_row_boundaries(row: dict) -> None:
    warning, alarm, metric = float(row["warning"]), float(row["alarm"]), row["metric"]
    limits = load_catalogue().for_device(row["device_type"])
    lower_is_worse = alarm < warning
    step = 0.01 if not lower_is_worse else -0.01

    def level(value: float) -> str | None:
        found = limits.evaluate({metric: value})
        assert len(found) <= 1
        return found[0].level if found else None

    assert level(warning - step) is None
    assert level(warning) == "warning"  # reaching the threshold counts
    assert level((warning + alarm) / 2) == "warning"
    assert level(alarm - step) == "warning"
    assert level(alarm) == "alarm"
    assert level(alarm + step) == "alarm"
    excursion = limits.evaluate({metric: alarm})[0]
    assert excursion.threshold == alarm
    assert excursion.rule == ("below" if lower_is_worse else "above")


def test_collision_distance_is_lower_is_worse() -> None:
    crane = load_catalogue().for_device("tower_crane")
    assert crane.limits["collision_distance_m"].direction is Direction.BELOW
    assert crane.limits["load_pct"].direction is Direction.ABOVE
    assert crane.evaluate({"collision_distance_m": 30}) == []
    [near] = crane.evaluate({"collision_distance_m": 1.2})
    assert (near.level, near.threshold, near.rule) == ("alarm", 2.0, "below")


def test_one_excursion_per_metric_and_only_for_metrics_beyond() -> None:
    crane = load_catalogue().for_device("tower_crane")
    found = crane.evaluate({"load_pct": 105, "wind_speed": 11, "tilt_permille": 1})
    assert {(e.metric, e.level) for e in found} == {("load_pct", "alarm"), ("wind_speed", "warning")}


def test_override_layering_device_beats_project_beats_default() -> None:
    catalogue = load_catalogue()
    deployment = {"pm10_ug_m3": {"warning": 120}}
    project = {"pm10_ug_m3": {"warning": 100, "alarm": 150}}
    device = {"pm10_ug_m3": {"alarm": 140}}
    limit = catalogue.for_device("dust", deployment, project, device).limits["pm10_ug_m3"]
    assert (limit.warning, limit.alarm) == (100, 140)
    only_deployment = catalogue.for_device("dust", deployment).limits["pm10_ug_m3"]
    assert (only_deployment.warning, only_deployment.alarm) == (120, 200)
    assert catalogue.for_device("dust", None, None, None).limits["pm10_ug_m3"].alarm == 200
    # the cached defaults are untouched by overrides
    assert catalogue.for_device("dust").limits["pm10_ug_m3"].warning == 150


def test_override_none_switches_a_level_off() -> None:
    noise = load_catalogue().for_device("noise", {"leq_night_db": {"warning": None}})
    assert noise.evaluate({"leq_night_db": 52}) == []
    assert noise.evaluate({"leq_night_db": 56})[0].level == "alarm"


def test_override_on_a_lower_is_worse_metric_keeps_its_direction() -> None:
    crane = load_catalogue().for_device("tower_crane", {"collision_distance_m": {"warning": 8, "alarm": 3}})
    assert crane.evaluate({"collision_distance_m": 7})[0].level == "warning"
    assert crane.evaluate({"collision_distance_m": 3})[0].level == "alarm"


@pytest.mark.parametrize("override, message", [
    ({"no_such_metric": {"alarm": 1}}, "no metric"),
    ({"load_pct": {"critical": 1}}, "unknown override keys"),
    ({"load_pct": {"warning": 120, "alarm": 100}}, "beyond alarm"),
    ({"collision_distance_m": {"warning": 1}}, "beyond alarm"),
    ({"load_pct": {"alarm": "high"}}, "number"),
    ({"load_pct": {"alarm": 10 ** 400}}, "number"),
    ({"load_pct": {"alarm": float("nan")}}, "not finite"),
    ({"load_pct": {"alarm": float("inf")}}, "not finite"),
    ({"load_pct": {"alarm": 1e308}}, "physical range"),
    ({"wind_speed": {"warning": -20, "alarm": -10}}, "physical range"),
])
def test_bad_overrides_are_refused(override: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        load_catalogue().for_device("tower_crane", override)


def test_unknown_device_type_has_no_limits() -> None:
    camera = load_catalogue().for_device("ai_camera")
    assert camera.limits == {} and camera.evaluate({"anything": 1}) == []


def test_loading_another_csv(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text("device_type,metric,unit,warning,alarm,rule,source_tag\n"
                    "dust,pm10_ug_m3,x,1,2,,S\n", encoding="utf-8")
    assert load_catalogue(path).for_device("dust").evaluate({"pm10_ug_m3": 2})[0].level == "alarm"
