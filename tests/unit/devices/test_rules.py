"""The consecutive-rate rule (deep pit: over 70% of the alarm value on 3 readings in a row)."""
from __future__ import annotations

import pytest

from app.services.monitoring.threshold_catalogue import load_catalogue
from app.services.monitoring.threshold_rules import Direction, RateRule

METRIC = "wall_top_horizontal_rate_mm_d"  # alarm 2 mm/d, warning 1.4, rule "over 70% on 3…"


@pytest.fixture
def pit():
    return load_catalogue().for_device("deep_pit")


def test_rule_is_read_from_the_csv_text(pit) -> None:
    assert pit.limits[METRIC].rate_rule == RateRule(0.7, 3)
    assert pit.history_needed() == {METRIC: 2}


def test_two_readings_do_not_trigger_the_third_does(pit) -> None:
    readings = [1.5, 1.6, 1.45]
    history: list[float] = []
    levels = []
    for value in readings:
        [excursion] = pit.evaluate({METRIC: value}, {METRIC: history})
        levels.append((excursion.level, excursion.rule))
        history.append(value)
    assert levels == [("warning", "above"), ("warning", "above"), ("alarm", "consecutive")]


def test_a_dip_resets_the_run(pit) -> None:
    values = [1.5, 1.5, 1.0, 1.5, 1.5, 1.5]
    levels = []
    for i, value in enumerate(values):
        found = pit.evaluate({METRIC: value}, {METRIC: values[:i]})
        levels.append(found[0].level if found else None)
    assert levels == ["warning", "warning", None, "warning", "warning", "alarm"]


def test_exactly_seventy_percent_counts_and_below_does_not(pit) -> None:
    assert pit.evaluate({METRIC: 1.4}, {METRIC: [1.4, 1.4]})[0].rule == "consecutive"
    assert pit.evaluate({METRIC: 1.39}, {METRIC: [1.4, 1.4]}) == []


def test_without_history_only_plain_thresholds_apply(pit) -> None:
    assert pit.evaluate({METRIC: 1.5})[0].level == "warning"
    assert pit.evaluate({METRIC: 1.5}, {"other": [9, 9]})[0].level == "warning"
    assert pit.evaluate({METRIC: 2.5})[0].level == "alarm"


def test_plain_alarm_wins_over_the_rule_on_a_tie(pit) -> None:
    [excursion] = pit.evaluate({METRIC: 2.2}, {METRIC: [1.5, 1.5]})
    assert (excursion.level, excursion.rule, excursion.threshold) == ("alarm", "above", 2.0)


def test_rule_follows_a_project_override_of_the_alarm_value() -> None:
    pit = load_catalogue().for_device("deep_pit", {METRIC: {"warning": 2, "alarm": 3}})
    assert pit.evaluate({METRIC: 2.1}, {METRIC: [2.1, 2.1]})[0].threshold == 2.1
    assert pit.evaluate({METRIC: 2.0}, {METRIC: [2.1, 2.1]})[0].level == "warning"


def test_rate_rule_mirrors_for_lower_is_worse() -> None:
    rule = RateRule(0.5, 2)
    assert rule.evaluate("gap", [4.0], 4.0, 2.0, Direction.BELOW).threshold == 4.0
    assert rule.evaluate("gap", [4.1], 4.0, 2.0, Direction.BELOW) is None


@pytest.mark.parametrize("fraction, consecutive", [(0, 3), (1.5, 3), (0.7, 0)])
def test_nonsense_rules_are_refused(fraction: float, consecutive: int) -> None:
    with pytest.raises(ValueError):
        RateRule(fraction, consecutive)
