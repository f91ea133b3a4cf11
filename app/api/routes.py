"""The REST API's route modules: importing this registers them on `app.api.bp`; create_app does, before
it registers the blueprint. The package imports none of them, so each may import `bp` from it
without an import cycle."""
from app.api import (  # noqa: F401
    admin,
    attachments,
    auth,
    catalog,
    command_centre,
    designer,
    documents,
    emergency_plans,
    hazard_admin,
    health,
    health_check,
    notifications,
    openapi,
    orders,
    project_overview,
    quality,
    registrations,
    stats,
    tasks,
    telemetry,
    workflow,
    xml_schemas,
)
