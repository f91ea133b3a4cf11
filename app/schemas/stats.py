"""Statistics (shape only): the query every stats answer takes and the figures it returns."""
from marshmallow import Schema, fields, validate

from app.services.insight.filters import GRAINS


class StatsQuerySchema(Schema):
    start = fields.Date()
    end = fields.Date()
    type = fields.Str(validate=validate.Length(min=1, max=64))
    grain = fields.Str(validate=validate.OneOf(GRAINS))


class AlarmFiguresSchema(Schema):
    total = fields.Int()
    closed = fields.Int()
    closure_rate = fields.Float()
    assigned = fields.Int()
    assignment_rate = fields.Float()
    urged = fields.Int()
    urging_rate = fields.Float()
    on_time = fields.Int()
    on_time_rate = fields.Float()
    mean_disposal_hours = fields.Float()


class AlarmGroupSchema(AlarmFiguresSchema):
    district = fields.Str()
    project = fields.Str()
    device_type = fields.Str()
    label = fields.Str()


class ShareSchema(Schema):
    type = fields.Str()
    level = fields.Str()
    label = fields.Str()
    count = fields.Int()
    share = fields.Float()


class OpenCountSchema(Schema):
    type = fields.Str()
    label = fields.Str()
    count = fields.Int()


class TrendPointSchema(Schema):
    bucket = fields.Str()
    raised = fields.Int()
    closed = fields.Int()


class AlarmStatsSchema(Schema):
    overview = fields.Nested(AlarmFiguresSchema)
    open_by_type = fields.List(fields.Nested(OpenCountSchema))
    trend = fields.List(fields.Nested(TrendPointSchema))
    by_type = fields.List(fields.Nested(ShareSchema))
    by_level = fields.List(fields.Nested(ShareSchema))
    by_district = fields.List(fields.Nested(AlarmGroupSchema))
    by_project = fields.List(fields.Nested(AlarmGroupSchema))
    by_device_type = fields.List(fields.Nested(AlarmGroupSchema))


class OrderStatsSchema(Schema):
    order_type = fields.Str()
    label = fields.Str()
    issued = fields.Int()
    replied = fields.Int()
    overdue = fields.Int()
    closed = fields.Int()
    reply_rate = fields.Float()
    closure_rate = fields.Float()


class WorkCategorySchema(Schema):
    category = fields.Str()
    label = fields.Str()
    count = fields.Int()
    super_scale = fields.Int()


class WorkStatusSchema(Schema):
    status = fields.Str()
    label = fields.Str()
    count = fields.Int()


class WorkStatsSchema(Schema):
    total = fields.Int()
    super_scale = fields.Int()
    by_category = fields.List(fields.Nested(WorkCategorySchema))
    by_status = fields.List(fields.Nested(WorkStatusSchema))


class UrgingRowSchema(Schema):
    unit = fields.Str()
    assigned = fields.Int()
    signed = fields.Int()
    completed = fields.Int()
    sign_rate = fields.Float()
    completion_rate = fields.Float()
    urge_count = fields.Int()


class SupervisionStatsSchema(Schema):
    orders = fields.List(fields.Nested(OrderStatsSchema))
    works = fields.Nested(WorkStatsSchema)
    urging = fields.List(fields.Nested(UrgingRowSchema))


def _keys(schema: type[Schema]) -> tuple[str, ...]:
    kinds = (fields.Int, fields.Float, fields.Str)
    assert all(isinstance(f, kinds) for f in schema._declared_fields.values()), schema  # plain values only
    return tuple(schema._declared_fields)


_ALARM_LISTS = {name: _keys(field.inner.nested) for name, field in AlarmStatsSchema._declared_fields.items()
                if isinstance(field, fields.List)}
_FIGURES = _keys(AlarmFiguresSchema)


def dump_alarm_stats(data: dict) -> dict:
    """`AlarmStatsSchema().dump(data)` without marshmallow's calls per field (a city's per-project
    table is 2,000 rows × 14 fields: ~80 ms of a ~300 ms answer): the service's values are already
    int, float and str; a key the row lacks is left out, as marshmallow does
    (tests/unit/test_stats_dump.py holds the two equal)."""
    out = {"overview": {k: data["overview"][k] for k in _FIGURES if k in data["overview"]}}
    for name, keys in _ALARM_LISTS.items():
        out[name] = [{k: row[k] for k in keys if k in row} for row in data[name]]
    return out
