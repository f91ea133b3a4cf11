"""The command centre (shape only): the query it takes and the figures it returns."""
from marshmallow import Schema, fields, validate


class CommandCentreQuerySchema(Schema):
    district = fields.Str(validate=validate.Length(min=1, max=32))


class _StatusCount(Schema):
    status = fields.Str()
    label = fields.Str()
    count = fields.Int()


class _ProjectsByDistrict(Schema):
    label = fields.Str()
    total = fields.Int()
    registered = fields.Int()
    active = fields.Int()
    suspended = fields.Int()
    completed = fields.Int()


class _Projects(Schema):
    total = fields.Int()
    by_status = fields.List(fields.Nested(_StatusCount))
    by_district = fields.List(fields.Nested(_ProjectsByDistrict))


class _Monitoring(Schema):
    devices = fields.Int()
    reporting = fields.Int()
    silent = fields.Int()
    access_rate = fields.Float()
    readings_today = fields.Int()
    alarms_month = fields.Int()
    closed_month = fields.Int()
    open_alarms = fields.Int()


class _OrderType(Schema):
    order_type = fields.Str()
    label = fields.Str()
    total = fields.Int()
    open = fields.Int()
    issued = fields.Int()
    replied = fields.Int()
    returned = fields.Int()
    overdue = fields.Int()
    urged = fields.Int()
    closed = fields.Int()


class _Orders(Schema):
    total = fields.Int()
    open = fields.Int()
    stops = fields.Int()
    open_stops = fields.Int()
    by_type = fields.List(fields.Nested(_OrderType))
    by_status = fields.List(fields.Nested(_StatusCount))


class _Works(Schema):
    total = fields.Int()
    by_status = fields.List(fields.Nested(_StatusCount))


class _Ranked(Schema):
    rank = fields.Int()
    project = fields.Str()
    label = fields.Str()
    district = fields.Str()
    value = fields.Float()


class _Rankings(Schema):
    dust = fields.List(fields.Nested(_Ranked))
    noise = fields.List(fields.Nested(_Ranked))


class _DistrictRow(Schema):
    rank = fields.Int()
    label = fields.Str()
    projects = fields.Int()
    active_projects = fields.Int()
    devices = fields.Int()
    reporting = fields.Int()
    silent = fields.Int()
    access_rate = fields.Float()
    alarms_month = fields.Int()
    closed_month = fields.Int()
    open_alarms = fields.Int()
    open_orders = fields.Int()


class _District(Schema):
    code = fields.Str()
    name = fields.Str()


class CommandCentreSchema(Schema):
    level = fields.Str()
    district = fields.Nested(_District, allow_none=True)
    today = fields.Str()
    projects = fields.Nested(_Projects)
    monitoring = fields.Nested(_Monitoring)
    orders = fields.Nested(_Orders)
    works = fields.Nested(_Works)
    rankings = fields.Nested(_Rankings)
    districts = fields.List(fields.Nested(_DistrictRow))


class _Display(Schema):
    name = fields.Str()
    unit = fields.Str()


class DisplayFiguresSchema(CommandCentreSchema):
    display = fields.Nested(_Display)
