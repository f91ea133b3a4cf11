"""A project's own overview (项目概况): participants, hazardous works, devices and trends, cases, alarms."""
from __future__ import annotations

from app.api import bp
from app.api.auth import api_actor
from app.api.envelope import ok
from app.api.openapi import doc
from app.schemas.project_overview import ProjectOverviewSchema
from app.services.insight.project_overview import project_overview


@bp.get("/projects/<code>/overview")
@doc(response=ProjectOverviewSchema)
def project_overview_figures(code: str):
    """The one-screen overview of a project the caller may see (404 otherwise)."""
    return ok(ProjectOverviewSchema().dump(project_overview(api_actor(), code)))
