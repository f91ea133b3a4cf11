"""Device data, alarms, readings and threshold overrides (shapes only; rules live in services)."""
from marshmallow import Schema, fields, validate

from app.models import DEVICE_TYPES
from app.models.telemetry import ALARM_LEVELS, ALARM_STATUSES


class AlarmQuerySchema(Schema):
    project = fields.Str()
    device_type = fields.Str(validate=validate.OneOf(list(DEVICE_TYPES)))
    level = fields.Str(validate=validate.OneOf(ALARM_LEVELS))
    status = fields.Str(validate=validate.OneOf(ALARM_STATUSES))
    since = fields.AwareDateTime(default_timezone=None)
    until = fields.AwareDateTime(default_timezone=None)
    limit = fields.Int()
    offset = fields.Int()
    cursor = fields.Str(validate=validate.Length(max=200), metadata={
        "description": "meta.next_cursor of the page before: the next page starts after its last alarm "
                       "(offset is then not used). Stable while alarms arrive; an alarm whose last_at "
                       "moves on while you page reappears at the top of the list."})


class AlarmSchema(Schema):
    id = fields.Int()
    project_code = fields.Str()
    project_name = fields.Str()
    device_id = fields.Int()
    device_code = fields.Str()
    device_name = fields.Str()
    device_type = fields.Str()
    device_type_label = fields.Str()
    alarm_type = fields.Str()
    alarm_label = fields.Str()
    source = fields.Str()
    level = fields.Str()
    level_label = fields.Str()
    status = fields.Str()
    threshold = fields.Float(allow_none=True)
    unit = fields.Str(allow_none=True)
    message = fields.Str(allow_none=True)
    count = fields.Int()
    first_value = fields.Float(allow_none=True)
    first_at = fields.DateTime()
    last_value = fields.Float(allow_none=True)
    last_at = fields.DateTime()
    cleared_at = fields.DateTime(allow_none=True)
    instance_id = fields.Int(allow_none=True)
    case_error = fields.Str(allow_none=True)
    outcome = fields.Str(allow_none=True)
    closed_at = fields.DateTime(allow_none=True)


class ReadingSchema(Schema):
    data_id = fields.Str()
    kind = fields.Str()
    collected_at = fields.DateTime()
    received_at = fields.DateTime()
    metrics = fields.Dict(keys=fields.Str(), values=fields.Float())
    level = fields.Str()
    alarm_type = fields.Str(allow_none=True)


class ThresholdPatchSchema(Schema):
    """``{"overrides": {metric: {"warning": x, "alarm": y} | null}}``; a level may be null (off)."""
    overrides = fields.Dict(keys=fields.Str(), values=fields.Raw(allow_none=True), required=True)


class DeviceDataOutcomeSchema(Schema):
    index = fields.Int()
    outcome = fields.Str()
    data_id = fields.Str(allow_none=True)
    reason_code = fields.Str(allow_none=True)
    detail = fields.Str(allow_none=True)


class RejectionQuerySchema(Schema):
    project = fields.Str()
    reason = fields.Str()
    since = fields.AwareDateTime(default_timezone=None)
    until = fields.AwareDateTime(default_timezone=None)
    limit = fields.Int()
    offset = fields.Int()


class RejectionSchema(Schema):
    """A device message that was refused: when, from which device and topic, why, and what."""
    id = fields.Int()
    received_at = fields.DateTime()
    source = fields.Str()
    topic = fields.Str()
    project_code = fields.Str(allow_none=True)
    device_id = fields.Int(allow_none=True)
    device_code = fields.Str(allow_none=True)
    reason_code = fields.Str()
    reason_label = fields.Str()
    detail = fields.Str()
    payload_excerpt = fields.Str()


class DeviceMessageSchema(Schema):
    """One device message (the MQTT payload): telemetry, or an alarm with alarm_type/level/message."""
    data_id = fields.Str(required=True, validate=validate.Length(min=1, max=64))
    project_code = fields.Str(required=True, validate=validate.Length(min=1, max=64))
    device_code = fields.Str(required=True, validate=validate.Length(min=1, max=64))
    device_type = fields.Str(required=True, validate=validate.OneOf(list(DEVICE_TYPES)))
    collected_at = fields.AwareDateTime(required=True)
    metrics = fields.Dict(keys=fields.Str(), values=fields.Float())
    alarm_type = fields.Str(validate=validate.Length(min=1, max=64))
    level = fields.Str(validate=validate.OneOf(["warning", "alarm"]))
    message = fields.Str(validate=validate.Length(max=1000))
