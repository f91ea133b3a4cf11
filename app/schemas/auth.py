from marshmallow import Schema, fields, validate


class TokenRequestSchema(Schema):
    username = fields.Str(required=True, validate=validate.Length(min=1, max=64))
    password = fields.Str(required=True, validate=validate.Length(min=1, max=256))


class GrantSchema(Schema):
    role = fields.Str()
    org_unit_id = fields.Int(allow_none=True)
    project_id = fields.Int(allow_none=True)


class ActorSchema(Schema):
    user_id = fields.Int()
    username = fields.Str()
    display_name = fields.Str()
    enterprise_id = fields.Int(allow_none=True)
    org_unit_id = fields.Int(allow_none=True)
    roles = fields.Method("_roles")
    grants = fields.List(fields.Nested(GrantSchema))

    def _roles(self, actor):
        return sorted(actor.roles)
