"""Concrete supervision: producers, deliveries with their weighbridge record, strength tests (shape
only; app/services/quality/producers.py and concrete.py validate the bodies after checking who asks)."""
from marshmallow import Schema, fields, validate

from app.domain.concrete_strength import GRADES

TEXT = validate.Length(min=1, max=100)


class ProducerBodySchema(Schema):
    name = fields.Str(required=True, validate=TEXT)
    credit_code = fields.Str(required=True, validate=validate.Length(equal=18))
    certificate_no = fields.Str(required=True, validate=validate.Length(min=1, max=64))
    plant_address = fields.Str(required=True, validate=validate.Length(min=1, max=200))
    valid_until = fields.Date(required=True)


class ProducerSchema(ProducerBodySchema):
    id = fields.Int()
    expired = fields.Bool()


class DeliveryBodySchema(Schema):
    producer_id = fields.Int(required=True)
    grade = fields.Str(required=True, validate=validate.OneOf(list(GRADES)))
    volume_m3 = fields.Float(required=True, validate=validate.Range(min=0.5, max=20))
    location = fields.Str(required=True, validate=validate.Length(min=1, max=200),
                          metadata={"description": "the pour location (浇筑部位)"})
    delivered_at = fields.DateTime(required=True, metadata={"description": "with its offset"})
    vehicle_plate = fields.Str(required=True, validate=validate.Length(min=1, max=16))
    weighbridge_no = fields.Str(required=True, validate=validate.Length(min=1, max=64))
    gross_kg = fields.Int(required=True, validate=validate.Range(min=1, max=100_000))
    tare_kg = fields.Int(required=True, validate=validate.Range(min=1, max=100_000))


class StrengthTestBodySchema(Schema):
    agency_id = fields.Int(required=True)
    report_no = fields.Str(required=True, validate=validate.Length(min=1, max=64))
    age_days = fields.Int(required=True, validate=validate.Range(min=1, max=365))
    tested_on = fields.Date(required=True)
    groups = fields.List(fields.List(fields.Float(), validate=validate.Length(equal=3)), required=True,
                         validate=validate.Length(min=1, max=30),
                         metadata={"description": "specimen groups of three cube strengths in MPa"})


class StrengthTestSchema(Schema):
    id = fields.Int()
    report_no = fields.Str()
    agency_id = fields.Int()
    agency_name = fields.Str()
    age_days = fields.Int()
    tested_on = fields.Date()
    groups = fields.List(fields.List(fields.Float()))
    representative = fields.List(fields.Float(allow_none=True),
                                 metadata={"description": "per group; null for an invalid group"})
    mean_mpa = fields.Float(allow_none=True)
    min_mpa = fields.Float(allow_none=True)
    rule = fields.Str()
    conclusion = fields.Str(metadata={"description": "qualified | unqualified"})
    conclusion_label = fields.Str()
    handling_instance_id = fields.Int(allow_none=True)
    entered_by = fields.Str()


class DeliverySchema(Schema):
    id = fields.Int()
    number = fields.Str()
    project_code = fields.Str()
    project_name = fields.Str()
    producer_id = fields.Int()
    producer_name = fields.Str()
    grade = fields.Str()
    volume_m3 = fields.Float()
    location = fields.Str()
    delivered_at = fields.DateTime()
    vehicle_plate = fields.Str()
    weighbridge_no = fields.Str()
    gross_kg = fields.Int()
    tare_kg = fields.Int()
    net_kg = fields.Int()
    density = fields.Float(metadata={"description": "net mass / volume, t/m³"})
    weight_mismatch = fields.Bool()
    recorded_by = fields.Str()
    verdict = fields.Str(allow_none=True)
    verdict_label = fields.Str()
    tests = fields.List(fields.Nested(StrengthTestSchema))


class DeliveryNumberSchema(Schema):
    number = fields.Str()
    id = fields.Int()


class DeliveryQuerySchema(Schema):
    project = fields.Str(validate=validate.Length(max=50))
    limit = fields.Int(load_default=50, validate=validate.Range(min=1, max=500))
    offset = fields.Int(load_default=0, validate=validate.Range(min=0))
