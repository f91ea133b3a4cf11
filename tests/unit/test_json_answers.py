"""The API's JSON answers are written by orjson (app.http_input.StrictJSONProvider.response) and
say the same as Flask's own writer: the same values once parsed, HTTP dates, Decimals as text."""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from flask import Flask
from flask.json.provider import DefaultJSONProvider

from app.http_input import StrictJSONProvider


@dataclass
class Point:
    x: int
    label: str


SAMPLE = {
    "data": [{"id": 7, "title": "审查第1号", "due_at": "2026-12-07T02:00:00+00:00", "overdue": False,
              "priority": 50, "subject_title": None, "ratio": 0.1}],
    "meta": {"total": 3001, "when": datetime(2026, 12, 7, 2, 30, tzinfo=UTC), "day": date(2026, 12, 7),
             "amount": Decimal("12.50"), "point": Point(1, "一"), "by_id": {3: "c", 1: "a"},
             "nested": [[1, 2], {"b": True, "a": "<&>"}]},
}


@pytest.fixture
def app() -> Flask:
    app = Flask(__name__)
    app.json = StrictJSONProvider(app)
    return app


def _flask_writer(app: Flask, obj):
    return DefaultJSONProvider(app).response(obj)


def test_an_answer_says_what_flasks_writer_says(app: Flask) -> None:
    with app.app_context():
        ours, theirs = app.json.response(SAMPLE), _flask_writer(app, SAMPLE)
    assert ours.mimetype == theirs.mimetype == "application/json"
    assert json.loads(ours.get_data()) == json.loads(theirs.get_data())
    assert "审查第1号".encode() in ours.get_data()  # UTF-8, no \u escapes
    assert b'"when":"Mon, 07 Dec 2026 02:30:00 GMT"' in ours.get_data()  # Flask's HTTP date
    assert ours.get_data().endswith(b"}\n")


def test_what_orjson_refuses_goes_through_flasks_writer(app: Flask) -> None:
    huge = {"n": 2**70}
    with app.app_context():
        assert json.loads(app.json.response(huge).get_data()) == huge
        with pytest.raises(TypeError):
            app.json.response({"s": {1, 2}})  # not JSON for either writer


def test_debug_answers_stay_indented(app: Flask) -> None:
    app.debug = True
    with app.app_context():
        assert b'\n  "a": 1' in app.json.response({"a": 1}).get_data()
