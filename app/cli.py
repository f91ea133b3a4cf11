"""flask commands: demo data, reference data."""
from __future__ import annotations

from pathlib import Path

import click
from flask import Flask, current_app

from app.infra.uow import transaction
from app.services.demo import seed as demo_service


def demo_accounts() -> list[tuple[str, str, str]]:
    """(username, role code, description) of every demo account, for the run command's banner."""
    return [(u.username, u.role, u.display_name) for u in demo_service.DEMO_USERS]


def register(app: Flask) -> None:
    from app.cli_backup import register_backup_commands
    from app.cli_devices import register_device_commands
    from app.cli_exchange import register_exchange_commands

    register_device_commands(app)
    register_backup_commands(app)
    register_exchange_commands(app)

    @app.cli.group()
    def demo() -> None:
        """Demo data."""

    @demo.command("seed")
    def seed() -> None:
        """Load the demo data (idempotent: running it again changes nothing)."""
        counts = demo_service.load_demo(current_app.config["DEMO_PASSWORD"])
        click.echo("demo data: " + ", ".join(f"{k} +{v}" for k, v in counts.items()))

    @app.cli.group()
    def processes() -> None:
        """BPMN diagrams and forms in processes/ and forms/."""

    dirs = [click.option("--processes-dir", type=click.Path(file_okay=False, path_type=Path), default=None),
            click.option("--forms-dir", type=click.Path(file_okay=False, path_type=Path), default=None)]

    def with_dirs(fn):
        for option in reversed(dirs):
            fn = option(fn)
        return fn

    def bundle(processes_dir: Path | None, forms_dir: Path | None):
        from app.services.definitions import deployments

        root = Path(current_app.root_path).parent
        return deployments.bundle_from_dirs(processes_dir or root / "processes", forms_dir or root / "forms")

    @processes.command("validate")
    @with_dirs
    def validate(processes_dir: Path | None, forms_dir: Path | None) -> None:
        """Check every diagram and form; print file:line element code message; exit 1 on problems."""
        from app.services.definitions import deployments

        problems = deployments.validate(bundle(processes_dir, forms_dir))
        for p in problems:
            click.echo(f"{p.file}:{p.line or '?'}: {p.element_id or '-'}: {p.code}: {p.message}")
        click.echo(f"{len(problems)} problem(s)")
        if problems:
            raise SystemExit(1)

    @processes.command("operators")
    @click.argument("key")
    def operators(key: str) -> None:
        """The operators diagram KEY calls, each with the Python function behind it."""
        from app.engine.parsing import service_task_operators
        from app.services.definitions.operator_registry import operator_location

        path = Path(current_app.root_path).parent / "processes" / f"{key}.bpmn"
        if not path.is_file():
            raise click.ClickException(f"no diagram processes/{key}.bpmn")
        for name in service_task_operators(path.read_bytes()):
            click.echo(f"{name}\t{operator_location(name) or 'NOT REGISTERED'}")

    @processes.command("deploy")
    @with_dirs
    def deploy(processes_dir: Path | None, forms_dir: Path | None) -> None:
        """Deploy a new version of each process whose files changed."""
        from app.services.definitions import deployments

        try:
            outcomes = deployments.deploy(bundle(processes_dir, forms_dir))
        except deployments.BundleInvalidError as exc:
            for p in exc.problems:
                click.echo(f"{p.file}:{p.line or '?'}: {p.element_id or '-'}: {p.code}: {p.message}", err=True)
            raise SystemExit(1) from exc
        for o in outcomes:
            click.echo(f"{o.key} v{o.version} {'deployed' if o.created else 'unchanged'}")

    @processes.command("layout")
    @click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
    @click.option("--replace", is_flag=True, help="Lay out again a diagram that already has DI.")
    def layout(files: tuple[Path, ...], replace: bool) -> None:
        """Write a left-to-right lane layout (BPMN DI) into diagrams that have none."""
        from app.services.designer import diagram_writer

        for path in files:
            try:
                path.write_bytes(diagram_writer.add_layout(path.read_bytes(), path.stem, replace=replace))
            except diagram_writer.DiagramHasDIError:
                click.echo(f"{path}: already has DI, kept (use --replace to lay it out again)")
                continue
            click.echo(f"{path}: laid out")

    @app.cli.group()
    def reference() -> None:
        """Reference data shipped with SiteCase."""

    @reference.command("load")
    def load() -> None:
        """Load hazardous-work categories that are not there yet."""
        from app.services.hazard.categories import load_default_categories

        with transaction():
            added = load_default_categories()
        click.echo(f"hazardous categories: +{added}")

    @app.cli.group()
    def stats() -> None:
        """Statistics: the daily alarm rollups."""

    @stats.command("rebuild-rollups")
    def rebuild_rollups() -> None:
        """Recompute every daily alarm rollup from the alarms (after bulk loads)."""
        from app.services.insight.rollups import rebuild

        result = rebuild()
        click.echo(f"alarm rollups: {result.rows} rows over {result.days} project days")

    @app.cli.group()
    def assessment() -> None:
        """Assessment points (考核督办点): the monthly results."""

    @assessment.command("score")
    @click.option("--month", default=None, help="YYYY-MM (default: last month)")
    def score_assessment(month: str | None) -> None:
        """Score every district and enterprise for MONTH (a rerun changes nothing when the records did not)."""
        from app.errors import ValidationError
        from app.infra.months import previous_month
        from app.services.assessment.scoring import compute_month

        try:
            run = compute_month(month or previous_month())
        except ValidationError as exc:
            raise click.BadParameter(str(exc), param_hint="--month") from None
        click.echo(f"assessment {run.month}: {run.districts} districts, {run.enterprises} enterprises, "
                   f"{run.changed} rows written, {run.removed} removed")

    @app.cli.group()
    def display() -> None:
        """Display tokens of the command-centre wall (big-screen mode)."""

    @display.command("issue")
    @click.argument("unit_code")
    @click.argument("name")
    def issue_display(unit_code: str, name: str) -> None:
        """A read-only token for the command centre of the org unit UNIT_CODE (shown once)."""
        from app.services.insight.display import issue

        row, token = issue(unit_code, name)
        click.echo(f"display token {row.id} ({row.name}): {token}")
        click.echo(f"wall URL: {app.config['PUBLIC_BASE_URL']}/display?token={token}")

    @display.command("revoke")
    @click.argument("token_id", type=int)
    def revoke_display(token_id: int) -> None:
        """Revoke a display token."""
        from app.services.insight.display import revoke

        revoke(token_id)
        click.echo(f"display token {token_id} revoked")

    @display.command("list")
    def list_display() -> None:
        """Every display token: id, unit, name, state."""
        from app.services.insight.display import list_tokens

        for row in list_tokens():
            state = f"revoked {row.revoked_at:%Y-%m-%d}" if row.revoked_at else "active"
            click.echo(f"{row.id}\t{row.org_unit.code}\t{row.name}\t{state}")
