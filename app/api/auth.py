"""Bearer tokens for the API; the web session works too, with CSRF on unsafe methods."""
from __future__ import annotations

from flask import request
from flask_login import current_user

from app.api import bp, exchange_auth
from app.api.envelope import ok
from app.api.openapi import doc
from app.errors import AuthenticationError
from app.extensions import csrf
from app.schemas.answers import IssuedTokenSchema, PasswordChangedSchema
from app.schemas.auth import ActorSchema, PasswordChangeSchema, TokenRequestSchema
from app.services.access import account_care, login

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
_ACTOR_KEY = "sitecase.actor"


def client_ip() -> str | None:
    return request.remote_addr


def api_actor():
    """The authenticated actor of this request; raises AuthenticationError."""
    # Cached on the request itself: `g` can outlive a request when an app context is already pushed.
    cached = request.environ.get(_ACTOR_KEY)
    if cached is not None:
        return cached
    header = request.headers.get("Authorization", "")
    actor = None
    if header.startswith("Bearer "):
        actor = login.actor_for_token(header[7:].strip(), client_ip())
    elif header.startswith(exchange_auth.SCHEME):
        actor = exchange_auth.exchange_actor(header, client_ip())
    elif current_user.is_authenticated:
        if request.method not in SAFE_METHODS:
            csrf.protect()
        actor = login.session_actor(current_user._get_current_object(), client_ip())
    if actor is None:
        raise AuthenticationError()
    request.environ[_ACTOR_KEY] = actor
    return actor


@bp.post("/auth/token")
@csrf.exempt
@doc(body=TokenRequestSchema, public=True, status=201, response=IssuedTokenSchema)
def issue_token():
    body = TokenRequestSchema().load(request.get_json(silent=True) or {})
    actor = login.authenticate(body["username"], body["password"], client_ip())
    issued = login.issue_token(actor)
    return ok({"token": issued.token, "token_type": "Bearer",
               "expires_at": issued.expires_at.isoformat()},
              {"password_change_required": login.password_change_required(actor)}, status=201)


@bp.post("/auth/password")
@doc(body=PasswordChangeSchema, response=PasswordChangedSchema)
def change_password():
    """Change the caller's own password; every API token of the account is revoked (log in again)."""
    body = PasswordChangeSchema().load(request.get_json(silent=True) or {})
    account_care.change_own_password(api_actor(), body["current_password"], body["new_password"])
    return ok({"changed": True})


@bp.get("/me")
@doc(response=ActorSchema)
def me():
    return ok(ActorSchema().dump(api_actor()))


# Endpoints that need no authenticated actor (devices, testing agencies and command-centre walls
# authenticate with their own token).
PUBLIC_ENDPOINTS = {"api.issue_token", "api.device_data", "api.openapi", "api.record_schema",
                    "api.post_test_report", "api.display_figures_route"}


@bp.before_request
def _authenticate_first():
    """Authenticate (and check CSRF for browser sessions) before any body is parsed."""
    if request.endpoint not in PUBLIC_ENDPOINTS:
        api_actor()
