"""SiteCase: create_app() wires configuration, extensions, blueprints and error handlers."""
from __future__ import annotations

from flask import Flask

from app.config import Config


def create_app(config_class: type = Config, **overrides) -> Flask:
    app = Flask(__name__, instance_path=str(config_class.INSTANCE_DIR))
    app.config.from_object(config_class)
    app.config.update(overrides)
    app.config["INSTANCE_DIR"].mkdir(parents=True, exist_ok=True)
    from app import settings

    settings.install(app)  # services and infra read these, never app.config
    from app import logs

    logs.configure(app)  # LOG_FILE rotated by size

    from app import http_input

    http_input.install(app)

    from app import models  # noqa: F401  (register tables)
    from app.extensions import csrf, db, engine_options, login_manager, migrate

    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = engine_options(app.config)
    db.init_app(app)
    migrate.init_app(app, db, directory=_migrations_dir())
    csrf.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "web.login"
    login_manager.login_message = "请先登录。"

    from app.infra import (
        audit_trail,  # noqa: F401  (attach the audit listener)
        change_feed,  # noqa: F401  (attach the change feed listener)
    )
    from app.services import load_operators
    from app.services.insight import rollups  # noqa: F401  (attach the alarm rollup marker)

    load_operators()
    from app.services.access.login import load_user

    login_manager.user_loader(load_user)

    from app.api import bp as api_bp
    from app.api import errors, xml_answers
    from app.api import routes as api_routes  # noqa: F401  (registers the API's routes on api_bp)
    from app.api.health import health_bp
    from app.web import bp as web_bp
    from app.web import routes as web_routes  # noqa: F401  (registers the pages on web_bp)

    csrf.exempt(api_bp)  # the API checks CSRF itself when a browser session is used
    app.register_blueprint(api_bp)
    app.register_blueprint(health_bp)
    app.register_blueprint(web_bp)
    from app.http_sessions import CookieSessions

    app.session_interface = CookieSessions()
    errors.register(app)
    xml_answers.register(app)

    from app import http_headers

    http_headers.register(app)

    from app.cli import register as register_cli

    register_cli(app)
    _configure_celery(app)
    return app


def _migrations_dir() -> str:
    from pathlib import Path

    return str(Path(__file__).resolve().parent.parent / "migrations")


def _configure_celery(app: Flask) -> None:
    from app.celery_setup import configure_celery
    from app.extensions import celery

    configure_celery(celery, app)
