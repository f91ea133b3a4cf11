"""Filters and helpers of the notice environment."""

from __future__ import annotations

import datetime as dt

from app.rendering import missing_fields, sample_context
from app.rendering.environment import as_list, cn_date, is_missing, number


def test_cn_date_formats_dates_datetimes_and_iso_strings() -> None:
    assert cn_date(dt.date(2026, 3, 5)) == "2026年3月5日"
    assert cn_date(dt.datetime(2026, 3, 5, 16, 0)) == "2026年3月5日16时00分"
    assert cn_date(dt.datetime(2026, 3, 5), with_time=False) == "2026年3月5日"
    assert cn_date("2026-03-12") == "2026年3月12日"
    assert cn_date("2026年2月") == "2026年2月"


def test_as_list_and_is_missing() -> None:
    assert as_list(None) == [] and as_list("") == []
    assert as_list("a") == ["a"] and as_list({"a": 1}) == [{"a": 1}] and as_list(3) == [3]
    assert as_list(("a", "b")) == ["a", "b"]
    assert is_missing("  ") and not is_missing(0)


def test_number_drops_trailing_zero() -> None:
    assert number(17.0) == "17" and number(63.75, 2) == "63.75" and number("x") == "x"


def test_missing_fields_reports_dotted_keys() -> None:
    ctx = sample_context("urging_notice")
    ctx["contact"]["phone"] = ""
    del ctx["deadline"]
    assert missing_fields("urging_notice", ctx) == ["deadline", "contact.phone"]
