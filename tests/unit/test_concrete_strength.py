"""The strength verdict of a concrete batch: representative values of GB/T 50081 and the
acceptance criteria of GB 50107 (non-statistical below ten groups, statistical from ten)."""
from __future__ import annotations

import pytest

from app.domain.concrete_strength import judge, representative


@pytest.mark.parametrize(("group", "value"), [
    ((30.0, 32.0, 34.0), 32.0),        # within 15 %: the mean
    ((25.0, 32.0, 34.0), 32.0),        # the lowest off by more than 15 %: the middle one
    ((30.0, 32.0, 38.0), 32.0),        # the highest off: the middle one
    ((20.0, 32.0, 40.0), None),        # both off: invalid
    ((31.1, 31.5, 33.2), 31.9),
])
def test_the_representative_value_of_a_group(group, value):
    assert representative(group) == value


def test_a_batch_meeting_its_grade_below_ten_groups():
    verdict = judge("C30", [(35.0, 34.5, 36.0), (34.0, 35.2, 35.5)])
    assert verdict.qualified and verdict.mean == 35.0 and verdict.minimum == 34.9
    assert verdict.rule == "mfcu ≥ 34.5 MPa，fcu,min ≥ 28.5 MPa"


def test_a_batch_whose_mean_is_below_1_15_fcuk_fails():
    verdict = judge("C30", [(33.0, 33.5, 34.0)])  # 33.5 < 34.5
    assert not verdict.qualified and verdict.mean == 33.5


def test_a_batch_whose_minimum_is_below_0_95_fcuk_fails_though_its_mean_passes():
    verdict = judge("C30", [(40.0, 40.0, 40.0), (28.0, 28.2, 28.1)])  # mean 34.05 < 34.5 too
    assert not verdict.qualified
    assert not judge("C30", [(42.0, 42.0, 42.0), (28.0, 28.2, 28.1)]).qualified  # mean 35.05, min 28.1


def test_from_c60_on_the_mean_factor_is_1_10():
    assert judge("C60", [(66.5, 66.0, 67.0)]).qualified  # ≥ 66.0
    assert not judge("C60", [(65.5, 65.8, 65.6)]).qualified


def test_all_groups_invalid_is_unqualified():
    verdict = judge("C30", [(20.0, 32.0, 40.0)])
    assert not verdict.qualified and verdict.mean is None and verdict.representative == (None,)


def test_ten_groups_are_judged_statistically():
    groups = [(36.0 + i % 3, 36.0 + i % 3, 36.0 + i % 3) for i in range(10)]
    verdict = judge("C30", groups)  # mean 36.9, S = 2.5 floor: 36.9 − 1.15 · 2.5 = 34.0 ≥ 30
    assert verdict.qualified and verdict.rule.startswith("mfcu − 1.15·Sfcu")
    low = [(31.0, 31.0, 31.0)] * 10  # 31 − 2.875 < 30
    assert not judge("C30", low).qualified
