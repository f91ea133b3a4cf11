"""Server-rendered pages (Chinese UI, English through Flask-Babel), one module per feature."""
from flask import Blueprint

# "/assets", not "/static": the app's own (empty) static route would shadow the blueprint's.
bp = Blueprint("web", __name__, template_folder="templates", static_folder="static",
               static_url_path="/assets")


@bp.record_once
def _setup(state) -> None:
    from app.web.i18n import init_babel

    init_babel(state.app)


from app.web import (  # noqa: E402,F401
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
    tasks,
    verify,
    workbench,
)
