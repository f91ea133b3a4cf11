"""The alarm statistics' plain dump equals marshmallow's, value for value and type for type."""
from flask import json

from app.schemas.stats import AlarmStatsSchema, dump_alarm_stats
from app.services.insight.alarm_stats import _Tally


def _figures(*counts) -> dict:
    tally = _Tally()
    tally.add(*counts)
    return tally.figures()


def test_the_plain_dump_equals_marshmallows():
    data = {
        "overview": _figures(7, 5, 3, 1, 4, 17.25),
        "open_by_type": [{"type": "wind_speed", "label": "风速", "count": 2}],
        "trend": [{"bucket": "2026-03", "raised": 7, "closed": 5}, {"bucket": "2026-04", "raised": 0, "closed": 0}],
        "by_type": [{"type": "wind_speed", "label": "风速", "count": 7, "share": 1.0}],
        "by_level": [{"level": "alarm", "label": "报警", "count": 3, "share": 0.4286}],
        "by_district": [{"district": "东区", "label": "东区", **_figures(7, 5, 3, 1, 4, 17.25)}],
        "by_project": [{"project": "ZZ-1", "label": "一号工程", **_figures(7, 5, 3, 1, 4, 17.25)},
                       {"project": "ZZ-2", "label": "二号工程", **_figures(0, 0, 0, 0, 0, 0.0)}],
        "by_device_type": [{"device_type": "dust", "label": "扬尘", **_figures(1, 0, 0, 0, 0, 0.0)}],
    }
    plain, reference = dump_alarm_stats(data), AlarmStatsSchema().dump(data)
    assert json.dumps(plain, sort_keys=True) == json.dumps(reference, sort_keys=True)
    assert "district" not in plain["by_project"][0]   # a key the row lacks stays out, as in marshmallow's
