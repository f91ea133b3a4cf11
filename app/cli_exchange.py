"""flask exchange: the exchange accounts of upper platforms (issue 18)."""
from __future__ import annotations

import click
from flask import Flask

from app.errors import DomainError

EXIT_REFUSED = 2


def register_exchange_commands(app: Flask) -> None:
    @app.cli.group()
    def exchange() -> None:
        """Exchange accounts of upper platforms (change feed and record reads)."""

    @exchange.command("create")
    @click.argument("unit_code")
    @click.argument("name")
    def create(unit_code: str, name: str) -> None:
        """An account NAME reading the org unit UNIT_CODE and below; its token is shown once."""
        from app.domain.actors import SYSTEM
        from app.services.exchange import accounts

        try:
            row, token = accounts.create_account(SYSTEM, name, unit_code)
        except DomainError as exc:
            click.echo(f"refused: {exc.code}: {exc.message}", err=True)
            raise SystemExit(EXIT_REFUSED) from None
        click.echo(f"exchange account {row.id} ({row.name}): {token}")
        click.echo("send it as  Authorization: Exchange <token>  (shown once; only its hash is kept)")

    @exchange.command("revoke")
    @click.argument("account_id", type=int)
    def revoke(account_id: int) -> None:
        """Revoke an exchange account: its token opens nothing from the next request on."""
        from app.domain.actors import SYSTEM
        from app.services.exchange import accounts

        try:
            accounts.revoke_account(SYSTEM, account_id)
        except DomainError as exc:
            click.echo(f"refused: {exc.code}: {exc.message}", err=True)
            raise SystemExit(EXIT_REFUSED) from None
        click.echo(f"exchange account {account_id} revoked")

    @exchange.command("reseal-webhook-secrets")
    def reseal_webhook_secrets() -> None:
        """After putting a new key first in WEBHOOK_SECRET_KEYS: re-encrypt every webhook secret
        with it (then the old key may be dropped)."""
        from app.services.exchange import webhook_subscriptions

        try:
            count = webhook_subscriptions.reseal_secrets()
        except DomainError as exc:
            click.echo(f"refused: {exc.code}: {exc.message}", err=True)
            raise SystemExit(EXIT_REFUSED) from None
        click.echo(f"{count} webhook secrets sealed with the first key")

    @exchange.command("list")
    def list_() -> None:
        """Every exchange account: id, scope, name, state."""
        from app.domain.actors import SYSTEM
        from app.services.exchange import accounts

        for row in accounts.list_accounts(SYSTEM):
            state = f"revoked {row.revoked_at:%Y-%m-%d}" if row.revoked_at else "active"
            click.echo(f"{row.id}\t{row.org_unit.code}\t{row.name}\t{state}")
