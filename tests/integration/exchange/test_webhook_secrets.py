"""Webhook signing secrets are sealed at rest (Fernet, WEBHOOK_SECRET_KEYS): the database (and so
every backup) holds no clear secret, deliveries still sign with it, keys rotate, migration 0025
seals the secrets stored in clear before, and a deployment without keys does not start."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from flask_migrate import downgrade, upgrade
from sqlalchemy import text

from app import settings
from app.domain.actors import SYSTEM
from app.extensions import db
from app.infra import secret_box
from app.models import WebhookAttempt
from app.services.exchange import accounts, webhook_delivery, webhook_subscriptions
from tests.support.apps import build_app, migrate_to_head
from tests.support.factories import gen_district
from tests.support.settings import change_settings

ROOT = Path(__file__).resolve().parents[3]


def _stored(subscription_id: int) -> str:
    return db.session.execute(text("SELECT secret FROM webhook_subscription WHERE id = :id"),
                              {"id": subscription_id}).scalar_one()


def _subscribe(url: str = "https://93.184.215.14/hook"):
    account, _ = accounts.create_account(SYSTEM, "省平台", gen_district().code)
    return webhook_subscriptions.create_subscription(SYSTEM, account.id, url)


def test_the_secret_is_stored_sealed_and_opens_only_with_the_keys(app):
    sub, secret = _subscribe()
    stored = _stored(sub.id)
    assert stored.startswith("fernet:") and secret not in stored and secret[6:] not in stored
    assert secret_box.unseal(stored) == secret
    with pytest.raises(secret_box.SecretUnreadableError):
        secret_box.unseal(stored, (Fernet.generate_key().decode(),))


def test_a_rotated_key_still_opens_old_secrets_and_reseal_moves_them_to_the_new_key(app, monkeypatch):
    sub, secret = _subscribe()
    old = settings.of(app).webhook_secret_keys
    new = Fernet.generate_key().decode()
    change_settings(monkeypatch, app, webhook_secret_keys=(new, *old))
    assert secret_box.unseal(_stored(sub.id)) == secret  # the old key still opens it
    done = app.test_cli_runner().invoke(args=["exchange", "reseal-webhook-secrets"])
    assert done.exit_code == 0 and "1 webhook secrets sealed" in done.output, done.output
    resealed = _stored(sub.id)
    assert secret_box.unseal(resealed, (new,)) == secret  # the old key may now be dropped
    with pytest.raises(secret_box.SecretUnreadableError):
        secret_box.unseal(resealed, old)


def test_a_secret_no_key_opens_fails_the_attempt_and_is_retried_not_sent_unsigned(app, monkeypatch):
    change_settings(monkeypatch, app, webhook_allowed_hosts=frozenset({"127.0.0.1"}))
    sub, _ = _subscribe("http://127.0.0.1:9/hook")  # nothing listens: no request may be made anyway
    db.session.execute(text("INSERT INTO webhook_delivery (subscription_id, event_id, record_type, record_id, "
                            "action, body, status, attempts, next_attempt_at, created_at) VALUES (:s, '0-1', "
                            "'project', 1, 'changed', '{}', 'pending', 0, '2000-01-01', '2000-01-01')"),
                       {"s": sub.id})
    db.session.commit()
    change_settings(monkeypatch, app, webhook_secret_keys=(Fernet.generate_key().decode(),))
    webhook_delivery.run_pass()
    [attempt] = db.session.query(WebhookAttempt).all()
    assert attempt.error == "secret_unreadable" and attempt.http_status is None and not attempt.ok


def _migration_seals(url: str, tmp_path: Path) -> None:
    app = build_app(url, tmp_path / "inst")
    migrate_to_head(app)
    with app.app_context():
        sub, secret = _subscribe()
        sub_id = sub.id
        db.session.remove()
        downgrade(revision="0027")  # before 0025: the secret in clear, as 0023 stored it
        assert _stored(sub_id) == secret
        db.session.remove()
        upgrade()
        stored = _stored(sub_id)
        assert stored.startswith("fernet:") and secret_box.unseal(stored) == secret
        db.session.remove()
        db.engine.dispose()


def test_0025_seals_the_secrets_stored_in_clear_sqlite(tmp_path):
    _migration_seals(f"sqlite:///{tmp_path / 'sealed.sqlite'}", tmp_path)


def test_0025_seals_the_secrets_stored_in_clear_postgresql(fresh_postgres_db, tmp_path):
    _migration_seals(fresh_postgres_db, tmp_path)


@pytest.mark.parametrize("keys", [None, "", "not-a-fernet-key"])
def test_a_deployment_with_its_own_secret_key_needs_webhook_keys_to_start(tmp_path, keys):
    env = {k: v for k, v in os.environ.items() if k not in ("WEBHOOK_SECRET_KEYS", "DATABASE_URL")}
    env.update(SECRET_KEY="a-production-secret", SITECASE_INSTANCE_DIR=str(tmp_path))
    if keys is not None:
        env["WEBHOOK_SECRET_KEYS"] = keys
    start = [sys.executable, "-c", "from app import create_app; create_app()"]
    refused = subprocess.run(start, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert refused.returncode != 0 and "WEBHOOK_SECRET_KEYS must be set" in refused.stderr
    env["WEBHOOK_SECRET_KEYS"] = f"{Fernet.generate_key().decode()},{Fernet.generate_key().decode()}"
    started = subprocess.run(start, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert started.returncode == 0, started.stderr[-2000:]
