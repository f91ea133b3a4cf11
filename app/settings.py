"""The settings services and infra read: one frozen object, built from `app.config` once by
create_app. Services call `settings.current()`; only this module knows that the running app
keeps it (app/config.py stays the only reader of os.environ)."""
from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from cryptography.fernet import Fernet
from flask import Flask, current_app

EXTENSION_KEY = "sitecase.settings"


@dataclass(frozen=True)
class Settings:
    secret_key: str
    files_dir: Path
    domain_dir: Path  # the deployment's own domain CSVs
    timezone: str
    public_base_url: str
    # Notice numbers: a format per type code, else the common one.
    notice_number_format: str
    notice_number_formats: Mapping[str, str]
    # Process defaults (diagrams read them as start data).
    device_alarm_deadline_hours: int
    hazard_panel_min_size: int
    order_deadline_days: int
    urging_days: int
    # Testing supervision: reports a day one qualified person with one calibrated instrument issues.
    quality_reports_per_unit_day: int
    # working days a project under construction may go without a supervision log (监理日志)
    supervision_log_grace_days: int
    # Accounts: token lifetime, password hashing cost, login throttling.
    token_ttl_hours: int
    argon2_time_cost: int
    argon2_memory_cost: int
    login_max_failures: int
    login_lock_minutes: int
    login_lock_max_minutes: int
    # Demo cases the seed starts (off under tests unless a test asks).
    demo_order_cases: bool
    demo_hazard_cases: bool
    # What the health check probes.
    celery_broker_url: str
    celery_data_dir: Path
    mqtt_url: str = field(repr=False)  # may hold the sidecar's password
    # Backups (app/services/backup): where archives go, how many of each period are kept,
    # the PostgreSQL client binaries (pg_dump/pg_restore) when not the newest installed.
    backup_dir: Path = Path("instance/backups")
    backup_keep_daily: int = 7
    backup_keep_weekly: int = 4
    backup_keep_monthly: int = 12
    pg_bin_dir: str = ""
    # Monthly audit-log archives: where the signed files go, and the HMAC key that signs them.
    audit_archive_dir: Path = Path("instance/audit-archive")
    audit_archive_key: str = field(default="", repr=False)
    # Keys that signed earlier archives (after a rotation): accepted when verifying, never used to sign.
    audit_archive_previous_keys: tuple[str, ...] = field(default=(), repr=False)
    audit_online_months: int = 12  # full months kept in the table before the monthly archive
    # Webhooks: POST timeout, attempts before the dead-letter list, back-off, the hosts allowed
    # although they resolve to loopback or private addresses.
    webhook_timeout_seconds: float = 5.0
    webhook_max_attempts: int = 8
    webhook_backoff_seconds: float = 30.0
    webhook_backoff_max_seconds: float = 3600.0
    webhook_allowed_hosts: frozenset[str] = frozenset()
    # The delivery log's retention: delivered (days), dead letters (days; 0 = until replayed).
    webhook_keep_days: int = 30
    webhook_dead_keep_days: int = 365
    # Fernet keys sealing the webhook secrets at rest, newest (the encrypting one) first.
    webhook_secret_keys: tuple[str, ...] = field(default=(), repr=False)

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> Settings:
        demo_default = not config.get("TESTING", False)
        return cls(
            secret_key=config["SECRET_KEY"],
            files_dir=Path(config["FILES_DIR"]),
            domain_dir=Path(config["DOMAIN_DIR"]),
            timezone=config.get("TIMEZONE", "Asia/Shanghai"),
            public_base_url=str(config.get("PUBLIC_BASE_URL", "")),
            notice_number_format=config["NOTICE_NUMBER_FORMAT"],
            notice_number_formats=MappingProxyType(dict(config.get("NOTICE_NUMBER_FORMATS") or {})),
            device_alarm_deadline_hours=int(config.get("DEVICE_ALARM_DEADLINE_HOURS", 24)),
            hazard_panel_min_size=int(config.get("HAZARD_PANEL_MIN_SIZE", 5)),
            order_deadline_days=int(config.get("ORDER_DEFAULT_DEADLINE_DAYS", 7)),
            urging_days=int(config.get("URGING_DEFAULT_DAYS", 5)),
            quality_reports_per_unit_day=int(config.get("QUALITY_REPORTS_PER_UNIT_DAY", 20)),
            supervision_log_grace_days=int(config.get("SUPERVISION_LOG_GRACE_DAYS", 3)),
            token_ttl_hours=int(config["TOKEN_TTL_HOURS"]),
            argon2_time_cost=int(config["ARGON2_TIME_COST"]),
            argon2_memory_cost=int(config["ARGON2_MEMORY_COST"]),
            login_max_failures=int(config["LOGIN_MAX_FAILURES"]),
            login_lock_minutes=int(config["LOGIN_LOCK_MINUTES"]),
            login_lock_max_minutes=int(config["LOGIN_LOCK_MAX_MINUTES"]),
            demo_order_cases=bool(config.get("DEMO_ORDER_CASES", demo_default)),
            demo_hazard_cases=bool(config.get("DEMO_HAZARD_CASES", demo_default)),
            celery_broker_url=config["CELERY_BROKER_URL"],
            celery_data_dir=Path(config["CELERY_DATA_DIR"]),
            mqtt_url=config["MQTT_URL"],
            backup_dir=Path(config.get("BACKUP_DIR") or Path(config["INSTANCE_DIR"]) / "backups"),
            backup_keep_daily=int(config.get("BACKUP_KEEP_DAILY", 7)),
            backup_keep_weekly=int(config.get("BACKUP_KEEP_WEEKLY", 4)),
            backup_keep_monthly=int(config.get("BACKUP_KEEP_MONTHLY", 12)),
            pg_bin_dir=str(config.get("PG_BIN_DIR") or ""),
            audit_archive_dir=Path(config.get("AUDIT_ARCHIVE_DIR")
                                   or Path(config["INSTANCE_DIR"]) / "audit-archive"),
            audit_online_months=int(config.get("AUDIT_ONLINE_MONTHS", 12)),
            audit_archive_key=config.get("AUDIT_ARCHIVE_KEY") or hmac.new(
                config["SECRET_KEY"].encode(), b"sitecase audit archive", hashlib.sha256).hexdigest(),
            audit_archive_previous_keys=tuple(
                k.strip() for k in str(config.get("AUDIT_ARCHIVE_PREVIOUS_KEYS") or "").split(",") if k.strip()),
            webhook_timeout_seconds=float(config.get("WEBHOOK_TIMEOUT_SECONDS", 5)),
            webhook_max_attempts=int(config.get("WEBHOOK_MAX_ATTEMPTS", 8)),
            webhook_backoff_seconds=float(config.get("WEBHOOK_BACKOFF_SECONDS", 30)),
            webhook_backoff_max_seconds=float(config.get("WEBHOOK_BACKOFF_MAX_SECONDS", 3600)),
            webhook_allowed_hosts=frozenset(
                h.strip().lower() for h in str(config.get("WEBHOOK_ALLOWED_HOSTS") or "").split(",") if h.strip()),
            webhook_secret_keys=_webhook_keys(config),
            webhook_keep_days=int(config.get("WEBHOOK_KEEP_DAYS", 30)),
            webhook_dead_keep_days=int(config.get("WEBHOOK_DEAD_KEEP_DAYS", 365)),
        )


def _webhook_keys(config: Mapping[str, Any]) -> tuple[str, ...]:
    """WEBHOOK_SECRET_KEYS, checked: the app does not start without valid keys."""
    keys = tuple(k.strip() for k in str(config.get("WEBHOOK_SECRET_KEYS") or "").split(",") if k.strip())
    try:
        if not keys:
            raise ValueError("no key")
        for key in keys:
            Fernet(key.encode())  # ValueError: not 32 url-safe base64-encoded bytes
    except ValueError:
        raise RuntimeError(
            "WEBHOOK_SECRET_KEYS must be set to one or more Fernet keys (comma-separated, newest first) "
            "when SECRET_KEY is set: python -c 'from cryptography.fernet import Fernet; "
            "print(Fernet.generate_key().decode())'") from None
    return keys


def install(app: Flask, settings: Settings | None = None) -> Settings:
    """Give `app` its settings (built from its config unless given); returns them."""
    app.extensions[EXTENSION_KEY] = settings or Settings.from_config(app.config)
    return app.extensions[EXTENSION_KEY]


def of(app: Flask) -> Settings:
    """The settings of `app`."""
    return app.extensions[EXTENSION_KEY]


def current() -> Settings:
    """The settings of the app whose context is active (every request, CLI command, Celery task
    and sidecar batch runs in one: they all come from create_app)."""
    return of(current_app)
