"""/api-docs: the interactive API page for integrators (Swagger UI, served from this host; no login).

It reads the same public documents an integrator's program would: /api/v1/openapi.json and the
XSD of the exchanged records. Trying an operation needs a token (the page's 授权 button) or
the signed-in session.
"""
from __future__ import annotations

from flask import render_template

from app.api.xml_schemas import published_records
from app.web import bp


@bp.get("/api-docs")
def api_docs():
    return render_template("api_docs/index.html", records=published_records())
