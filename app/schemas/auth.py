from marshmallow import Schema, fields, validate


class TokenRequestSchema(Schema):
    username = fields.Str(required=True, validate=validate.Length(min=1, max=64))
    password = fields.Str(required=True, validate=validate.Length(min=1, max=256))


class PasswordChangeSchema(Schema):
    current_password = fields.Str(required=True, validate=validate.Length(min=1, max=256))
    new_password = fields.Str(required=True, validate=validate.Length(min=1, max=256))


class AccountUpdateSchema(Schema):
    active = fields.Bool(required=True)


class AccountGrantSchema(Schema):
    id = fields.Int()
    role = fields.Str(attribute="role_code")
    org_unit_id = fields.Int(allow_none=True)
    project_id = fields.Int(allow_none=True)


class AccountSchema(Schema):
    id = fields.Int(attribute="user.id")
    username = fields.Str(attribute="user.username")
    display_name = fields.Str(attribute="user.display_name")
    active = fields.Bool(attribute="user.is_active")
    locked = fields.Bool()
    password_change_required = fields.Bool(attribute="user.password_change_required")
    last_login_at = fields.DateTime(attribute="user.last_login_at", allow_none=True)
    grants = fields.List(fields.Nested(AccountGrantSchema))


class GrantSchema(Schema):
    role = fields.Str()
    org_unit_id = fields.Int(allow_none=True)
    project_id = fields.Int(allow_none=True)


class ActorSchema(Schema):
    user_id = fields.Int(allow_none=True)  # null for an exchange account (no user)
    username = fields.Str()
    display_name = fields.Str()
    enterprise_id = fields.Int(allow_none=True)
    org_unit_id = fields.Int(allow_none=True)
    roles = fields.Method("_roles")
    grants = fields.List(fields.Nested(GrantSchema))

    def _roles(self, actor):
        return sorted(actor.roles)
