"""The pages' route modules: importing this registers them on `app.web.bp`; create_app does, before
it registers the blueprint. The package imports none of them, so each may import `bp` from it
without an import cycle."""
from app.web import (  # noqa: F401
    account,
    admin,
    admin_directory,
    admin_forms,
    admin_projects,
    announcements,
    cases,
    common,
    designer,
    device_registry,
    devices,
    emergency_plans,
    hazard,
    health_check,
    inbox,
    notifications,
    pages,
    registry,
    stats,
    tasks,
    verify,
    words,
    workbench,
)
