"""Whose alarms a statistics answer sums, cut the way the rollup cells are kept (by district)."""
from __future__ import annotations

from sqlalchemy import select

from app.models import Project
from app.services.access.actors import Actor
from app.services.access.scoping import jurisdiction_unit_ids, visible_project_ids
from app.services.insight.rollups import Scope


def stats_scope(actor: Actor) -> Scope:
    """The actor's projects; the districts he oversees whole (admins: all; officials: those of
    his jurisdiction), and the projects he sees outside them (an enterprise user: all of his)."""
    projects = visible_project_ids(actor)
    if not (actor.is_admin or actor.jurisdiction_paths):
        return Scope.of_projects(projects)
    districts = jurisdiction_unit_ids(actor)
    extra = None
    if actor.project_ids and not actor.is_admin:
        extra = select(Project.id).where(Project.id.in_(sorted(actor.project_ids)), Project.district_id.not_in(districts))
    return Scope(projects, districts, extra)
