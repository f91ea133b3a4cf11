"""A project's overview page (项目概况): charts and tables drawn from /api/v1/projects/{code}/overview."""
from __future__ import annotations

from flask import render_template

from app.services.insight.project_overview import overview_page
from app.web import bp
from app.web.common import page, web_actor


@bp.get("/projects/<code>/overview")
@page
def project_overview(code: str):
    return render_template("insight/project_overview.html", project=overview_page(web_actor(), code))
