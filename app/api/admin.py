"""The directory (org units, enterprises, users) and the read-only audit log."""
from __future__ import annotations

from flask import request

from app.api import bp
from app.api.auth import api_actor
from app.api.envelope import ok, paging
from app.api.openapi import doc
from app.schemas.answers import AcknowledgedSchema, CreatedSchema, OneTimePasswordSchema
from app.schemas.auth import AccountSchema, AccountUpdateSchema
from app.schemas.catalog import (
    AuditEntrySchema,
    EnterpriseSchema,
    OrgUnitSchema,
    RoleGrantRequestSchema,
    UserCreateSchema,
)
from app.services.access import account_care, audit_reading, directory


@bp.get("/org-units")
@doc(response=OrgUnitSchema, many=True)
def list_org_units():
    return ok(OrgUnitSchema(many=True).dump(directory.list_org_units(api_actor())))


@bp.post("/org-units")
@doc(body=OrgUnitSchema, status=201, response=CreatedSchema)
def create_org_unit():
    data = OrgUnitSchema().load(request.get_json(silent=True) or {})
    return ok({"id": directory.create_org_unit(api_actor(), **data)}, status=201)


@bp.get("/enterprises")
@doc(response=EnterpriseSchema, many=True, paged=True)
def list_enterprises():
    limit, offset = paging()
    page = directory.list_enterprises(api_actor(), limit=limit, offset=offset)
    return ok(EnterpriseSchema(many=True).dump(page.items))


@bp.post("/enterprises")
@doc(body=EnterpriseSchema, status=201, response=CreatedSchema)
def create_enterprise():
    data = EnterpriseSchema().load(request.get_json(silent=True) or {})
    return ok({"id": directory.create_enterprise(api_actor(), data)}, status=201)


@bp.post("/users")
@doc(body=UserCreateSchema, status=201, response=CreatedSchema)
def create_user():
    data = UserCreateSchema().load(request.get_json(silent=True) or {})
    password = data.pop("password")
    return ok({"id": directory.create_user(api_actor(), data, password)}, status=201)


@bp.post("/users/<int:user_id>/roles")
@doc(body=RoleGrantRequestSchema, status=201, response=CreatedSchema)
def grant_role(user_id: int):
    data = RoleGrantRequestSchema().load(request.get_json(silent=True) or {})
    grant_id = directory.grant_role(api_actor(), user_id, data["role"], org_unit_id=data["org_unit_id"],
                                    project_code=data["project_code"])
    return ok({"id": grant_id}, status=201)


@bp.get("/users/<int:user_id>")
@doc(response=AccountSchema)
def get_account(user_id: int):
    """An account with its role grants and lock state (admins)."""
    return ok(AccountSchema().dump(account_care.account(api_actor(), user_id)))


@bp.patch("/users/<int:user_id>")
@doc(body=AccountUpdateSchema, response=AccountSchema)
def update_account(user_id: int):
    """Deactivate (tokens revoked, no login) or reactivate an account (admins)."""
    data = AccountUpdateSchema().load(request.get_json(silent=True) or {})
    account_care.set_active(api_actor(), user_id, data["active"])
    return ok(AccountSchema().dump(account_care.account(api_actor(), user_id)))


@bp.post("/users/<int:user_id>/password-reset")
@doc(status=201, response=OneTimePasswordSchema, no_body=True)
def reset_password(user_id: int):
    """A one-time password (shown once) that the user must change at his next login; unlocks."""
    return ok({"id": user_id, "password": account_care.reset_password(api_actor(), user_id)}, status=201)


@bp.post("/users/<int:user_id>/unlock")
@doc(response=AccountSchema, no_body=True)
def unlock_account(user_id: int):
    account_care.unlock(api_actor(), user_id)
    return ok(AccountSchema().dump(account_care.account(api_actor(), user_id)))


@bp.delete("/users/<int:user_id>/roles/<int:grant_id>")
@doc(response=AcknowledgedSchema, no_body=True)
def revoke_role(user_id: int, grant_id: int):
    account_care.revoke_role(api_actor(), user_id, grant_id)
    return ok({"id": grant_id, "revoked": True})


@bp.get("/audit-log")
@doc(response=AuditEntrySchema, many=True, args=("action", "username", "entity_type"), paged=True)
def list_audit():
    limit, offset = paging()
    page = audit_reading.list_entries(api_actor(), action=request.args.get("action"),
                                  username=request.args.get("username"),
                                  entity_type=request.args.get("entity_type"), limit=limit, offset=offset)
    return ok(AuditEntrySchema(many=True).dump(page.items), {"total": page.total})
