"""The REST API under /api/v1: JSON envelope, bearer tokens (or the web session plus CSRF)."""
from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1")
