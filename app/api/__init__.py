"""The REST API under /api/v1: JSON envelope, bearer tokens (or the web session plus CSRF)."""
from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1")

from app.api import admin, auth, catalog, health, openapi, tasks, workflow  # noqa: E402,F401  (routes register on import)
