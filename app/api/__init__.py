"""The REST API under /api/v1: JSON envelope, bearer tokens (or the web session plus CSRF)."""
from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1")

from app.api import (  # noqa: E402,F401  (routes register on import)
    admin,
    attachments,
    auth,
    catalog,
    documents,
    emergency_plans,
    hazard_admin,
    health,
    health_check,
    notifications,
    openapi,
    orders,
    registrations,
    tasks,
    telemetry,
    workflow,
)
