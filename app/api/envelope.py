"""One JSON envelope everywhere: {"data": …, "meta": …} or {"error": {code, message, fields}}."""
from __future__ import annotations

from typing import Any

from flask import jsonify, request


def ok(data: Any, meta: dict | None = None, status: int = 200):
    return jsonify({"data": data, "meta": meta or {}}), status


def error(code: str, message: str, status: int, fields: dict | None = None):
    return jsonify({"error": {"code": code, "message": message, "fields": fields or {}}}), status


def paging() -> tuple[int, int]:
    """limit/offset from the query string, bounded."""
    try:
        limit = min(max(int(request.args.get("limit", 50)), 1), 500)
        offset = max(int(request.args.get("offset", 0)), 0)
    except ValueError:
        limit, offset = 50, 0
    return limit, offset
