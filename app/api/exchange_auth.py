"""`Authorization: Exchange <token>`: an upper platform's exchange account (issue 18).

Kept apart from the users' bearer tokens (app/api/auth.py only hands the header over). An
exchange account reads, within its scope, the change feed and the GETs of the exchanged records
(and their XSDs); any other endpoint or method is refused with `exchange_endpoint_not_allowed`.
"""
from __future__ import annotations

from flask import request

from app.domain.actors import Actor
from app.errors import PermissionDeniedError
from app.services.exchange import accounts

SCHEME = "Exchange "
# The reads an upper platform is given: the feed and the exchanged records (seed 001, 6.2.4).
ALLOWED_ENDPOINTS = frozenset({
    "api.exchange_changes", "api.list_projects", "api.get_project", "api.list_works", "api.get_work",
    "api.list_alarms", "api.device_readings", "api.list_orders", "api.get_order", "api.get_case",
    "api.get_document", "api.list_case_documents", "api.list_project_documents", "api.me",
})


def exchange_actor(header: str, ip: str | None) -> Actor:
    """The exchange account's reader for this request. Raises ExchangeTokenInvalid, or
    PermissionDeniedError(`exchange_endpoint_not_allowed`) outside the reads it is given."""
    actor = accounts.actor_for_token(header[len(SCHEME):].strip(), ip)
    if request.method not in ("GET", "HEAD") or request.endpoint not in ALLOWED_ENDPOINTS:
        raise PermissionDeniedError("交换账号只能读取数据交换接口。", code="exchange_endpoint_not_allowed")
    return actor
