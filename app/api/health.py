"""GET /healthz: database, broker and MQTT status (no authentication, nothing confidential)."""
from flask import Blueprint, jsonify

from app.infra import health

health_bp = Blueprint("health", __name__)


@health_bp.get("/healthz")
def healthz():
    status = health.check()
    return jsonify(status), 200 if status["ok"] else 503
