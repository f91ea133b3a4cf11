"""flask commands: demo data, reference data."""
from __future__ import annotations

import click
from flask import Flask, current_app

from app.services import demo as demo_service
from app.services.uow import transaction


def demo_accounts() -> list[tuple[str, str, str]]:
    """(username, role code, description) of every demo account, for the run command's banner."""
    return [(u.username, u.role, u.display_name) for u in demo_service.DEMO_USERS]


def register(app: Flask) -> None:
    @app.cli.group()
    def demo() -> None:
        """Demo data."""

    @demo.command("seed")
    def seed() -> None:
        """Load the demo data (idempotent: running it again changes nothing)."""
        counts = demo_service.seed(current_app.config["DEMO_PASSWORD"])
        click.echo("demo data: " + ", ".join(f"{k} +{v}" for k, v in counts.items()))

    @app.cli.group()
    def reference() -> None:
        """Reference data shipped with SiteCase."""

    @reference.command("load")
    def load() -> None:
        """Load hazardous-work categories that are not there yet."""
        from app.services.categories import load_default_categories

        with transaction():
            added = load_default_categories()
        click.echo(f"hazardous categories: +{added}")
