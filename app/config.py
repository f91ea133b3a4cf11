"""The only module that reads os.environ. Every setting has an embedded default."""
from __future__ import annotations

import hashlib
import hmac
import os
from pathlib import Path
from urllib.parse import quote, urlsplit

ROOT = Path(__file__).resolve().parent.parent
INSTANCE_DIR = Path(os.environ.get("SITECASE_INSTANCE_DIR", ROOT / "instance"))
SHARED_DIR = Path(os.environ.get("SITECASE_SHARED_DIR", ROOT.parent / "shared"))


def _bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


DEVELOPMENT_SECRET_KEY = "dev-only-change-me"
# The Fernet key that seals webhook secrets while SECRET_KEY is the development value (never in a
# deployment: one that sets SECRET_KEY must set WEBHOOK_SECRET_KEYS, or create_app refuses to start).
DEVELOPMENT_WEBHOOK_KEY = "3Fahla6HZ-RO9MG1CiTOzANGZQRqHBP5lcNM-YspczU="


class Config:
    SECRET_KEY = os.environ.get("SECRET_KEY", DEVELOPMENT_SECRET_KEY)
    INSTANCE_DIR = INSTANCE_DIR
    SQLALCHEMY_DATABASE_URI = os.environ.get(
        "DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'sitecase.sqlite'}")
    SQLALCHEMY_ENGINE_OPTIONS: dict = {}
    # PostgreSQL only: how the app's sessions compress large values (TOAST), e.g. a case's ~5 kB
    # state rewritten on every step; lz4 costs the server less CPU than the server's default pglz
    # (BENCHMARKS.md, "The case path on PostgreSQL"). Needs PostgreSQL 14+ built with lz4 (the
    # Debian and PGDG packages are); empty leaves the server's own default_toast_compression.
    PG_TOAST_COMPRESSION = os.environ.get("PG_TOAST_COMPRESSION", "lz4")
    # Celery: Redis at scale; the embedded default is kombu's filesystem transport.
    REDIS_URL = os.environ.get("REDIS_URL", "")
    CELERY_BROKER_URL = REDIS_URL or "filesystem://"
    CELERY_RESULT_BACKEND = REDIS_URL or None
    CELERY_DATA_DIR = INSTANCE_DIR / "celery"
    CELERY_ALWAYS_EAGER = _bool("CELERY_ALWAYS_EAGER", False)
    TIMER_SWEEP_SECONDS = float(os.environ.get("TIMER_SWEEP_SECONDS", 30))
    OUTBOX_RELAY_SECONDS = float(os.environ.get("OUTBOX_RELAY_SECONDS", 60))
    # Webhooks (push delivery of the change feed): the delivery pass runs every N seconds; a
    # failed POST waits BACKOFF * 2^(attempt-1) seconds (at most BACKOFF_MAX) and after
    # MAX_ATTEMPTS the delivery is dead (the admins' dead-letter list). Targets on loopback,
    # private or link-local addresses are refused unless their host is in ALLOWED_HOSTS.
    WEBHOOK_POLL_SECONDS = float(os.environ.get("WEBHOOK_POLL_SECONDS", 10))
    WEBHOOK_TIMEOUT_SECONDS = float(os.environ.get("WEBHOOK_TIMEOUT_SECONDS", 5))
    WEBHOOK_MAX_ATTEMPTS = int(os.environ.get("WEBHOOK_MAX_ATTEMPTS", 8))
    WEBHOOK_BACKOFF_SECONDS = float(os.environ.get("WEBHOOK_BACKOFF_SECONDS", 30))
    WEBHOOK_BACKOFF_MAX_SECONDS = float(os.environ.get("WEBHOOK_BACKOFF_MAX_SECONDS", 3600))
    WEBHOOK_ALLOWED_HOSTS = os.environ.get("WEBHOOK_ALLOWED_HOSTS", "")
    # The delivery log: delivered deliveries (and their attempts) kept N days; dead letters kept
    # until replayed, or DEAD_KEEP_DAYS when above 0 (beat webhooks.prune, daily).
    WEBHOOK_KEEP_DAYS = int(os.environ.get("WEBHOOK_KEEP_DAYS", 30))
    WEBHOOK_DEAD_KEEP_DAYS = int(os.environ.get("WEBHOOK_DEAD_KEEP_DAYS", 365))
    # Fernet keys (comma-separated, newest first) sealing the webhook signing secrets at rest:
    # the first encrypts, all decrypt (app/infra/secret_box.py). Required once SECRET_KEY is set.
    WEBHOOK_SECRET_KEYS = os.environ.get(
        "WEBHOOK_SECRET_KEYS", DEVELOPMENT_WEBHOOK_KEY if SECRET_KEY == DEVELOPMENT_SECRET_KEY else "")
    CELERY_BEAT_SCHEDULE = {
        "sweep-timers": {"task": "timers.sweep", "schedule": TIMER_SWEEP_SECONDS},
        "relay-outbox": {"task": "outbox.relay", "schedule": OUTBOX_RELAY_SECONDS},
        # webhooks: new change-feed entries to deliveries, due deliveries POSTed (app/services/exchange)
        "webhooks-deliver": {"task": "webhooks.deliver", "schedule": WEBHOOK_POLL_SECONDS},
        # webhook delivery log: delivered entries past WEBHOOK_KEEP_DAYS, dead ones past DEAD_KEEP_DAYS
        "webhooks-prune": {"task": "webhooks.prune", "schedule": 24 * 3600.0},
        # special operators of cranes and hoists: unregistered / expired certificates (daily)
        "device-compliance": {"task": "devices.compliance", "schedule": 24 * 3600.0},
        # site health check: last month's scores and rectification cases (daily; idempotent, so
        # the first run of a month scores the month before and later runs change nothing)
        "health-check-monthly": {"task": "health_check.monthly", "schedule": 24 * 3600.0},
        # assessment points: last month's results per district and enterprise (daily; idempotent)
        "assessment-monthly": {"task": "assessment.monthly", "schedule": 24 * 3600.0},
        # backup of the database and stored files, then retention (daily / weekly / monthly kept)
        "backup-scheduled": {"task": "backup.scheduled", "schedule": 24 * 3600.0},
        # audit log: months past AUDIT_ONLINE_MONTHS to signed archives (idempotent, daily)
        "audit-archive-due": {"task": "audit.archive_due", "schedule": 24 * 3600.0},
        # testing agencies: expired certificates, qualifications and calibrations (daily)
        "quality-expiries": {"task": "quality.sweep_expiries", "schedule": 24 * 3600.0},
        # safety education: active projects without a session for 30 days (daily; once per 30 days)
        "education-reminders": {"task": "safety_education.remind", "schedule": 24 * 3600.0},
        # projects under construction without a supervision log for N working days (daily, idempotent)
        "supervision-log-reminders": {"task": "site_records.remind_missing_logs", "schedule": 24 * 3600.0},
        # supervision records pending from before the review chain: their review cases (daily, idempotent)
        "supervision-review-cases": {"task": "site_records.start_missing_reviews", "schedule": 24 * 3600.0},
        # the days whose alarms changed: their statistics rollups recomputed (app/services/insight/rollups.py)
        "insight-rollups": {"task": "insight.rollups", "schedule": 60.0},
    }
    # Notice numbers: {prefix} is the issuing org unit's notice_prefix, e.g. 金建安整〔2026〕第0007号.
    NOTICE_NUMBER_FORMAT = os.environ.get("NOTICE_NUMBER_FORMAT", "{prefix}安{type_code}〔{year}〕第{sequence:04d}号")
    NOTICE_NUMBER_FORMATS: dict[str, str] = {}
    # Testing agencies' capacity (量能): reports a day per qualified person with a calibrated instrument.
    QUALITY_REPORTS_PER_UNIT_DAY = int(os.environ.get("QUALITY_REPORTS_PER_UNIT_DAY", 20))
    # A project under construction without a supervision log for this many working days warns its
    # chief supervisor and the district officers.
    SUPERVISION_LOG_GRACE_DAYS = int(os.environ.get("SUPERVISION_LOG_GRACE_DAYS", 3))
    # MQTT: an external broker at scale; the run command starts an embedded one on this URL.
    MQTT_URL = os.environ.get("MQTT_URL", "mqtt://127.0.0.1:1883")
    # The run command starts an embedded broker (amqtt, MQTT 3.1.1 only) unless MQTT_URL names one.
    MQTT_EMBEDDED = _bool("MQTT_EMBEDDED", not os.environ.get("MQTT_URL"))
    MQTT_PROTOCOL = os.environ.get("MQTT_PROTOCOL", "3.1.1" if MQTT_EMBEDDED else "5")
    # The sidecar's own account: the only MQTT client that may subscribe to every device topic.
    # The embedded broker checks it; the default password derives from SECRET_KEY so that every
    # process of one deployment (and `flask devices simulate`) agrees on it without a file.
    MQTT_SERVICE_USERNAME = os.environ.get("MQTT_SERVICE_USERNAME", "sitecase-sidecar")
    MQTT_SERVICE_PASSWORD = os.environ.get("MQTT_SERVICE_PASSWORD") or hmac.new(
        SECRET_KEY.encode(), b"sitecase mqtt service account", hashlib.sha256).hexdigest()
    if MQTT_EMBEDDED and not urlsplit(MQTT_URL).username:
        MQTT_URL = MQTT_URL.replace("://", f"://{quote(MQTT_SERVICE_USERNAME, safe='')}:"
                                           f"{quote(MQTT_SERVICE_PASSWORD, safe='')}@", 1)
    # amqtt has no $share/ subscriptions; the embedded setup runs exactly one sidecar anyway.
    MQTT_SHARED_GROUP = os.environ.get("MQTT_SHARED_GROUP", "" if MQTT_EMBEDDED else "sitecase")
    # Each sidecar needs its own stable id: the broker keeps its session and queued messages under it.
    MQTT_CLIENT_ID = os.environ.get("MQTT_CLIENT_ID") or None
    # `python -m devices` processes on the shared subscription: one uses at most one core.
    MQTT_SIDECAR_PROCESSES = int(os.environ.get("MQTT_SIDECAR_PROCESSES", 1))
    MQTT_SESSION_EXPIRY_S = int(os.environ.get("MQTT_SESSION_EXPIRY_S", 7 * 24 * 3600))
    MQTT_BATCH_SIZE = int(os.environ.get("MQTT_BATCH_SIZE", 200))
    MQTT_BATCH_MS = int(os.environ.get("MQTT_BATCH_MS", 50))
    MQTT_RECEIVE_MAXIMUM = int(os.environ.get("MQTT_RECEIVE_MAXIMUM", 200))
    FILES_DIR = Path(os.environ.get("SITECASE_FILES_DIR", INSTANCE_DIR / "files"))
    MAX_CONTENT_LENGTH = int(os.environ.get("MAX_UPLOAD_BYTES", 20 * 1024 * 1024))
    PORT = int(os.environ.get("PORT", 5000))
    PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL", f"http://127.0.0.1:{PORT}")
    DOMAIN_DIR = Path(os.environ.get("SITECASE_DOMAIN_DIR", ROOT / "app" / "data"))
    TIMEZONE = "Asia/Shanghai"
    # `?format=xlsx` on a paged list page exports the whole filtered list, up to this many rows;
    # a longer list is refused (export_too_large) rather than cut short.
    EXPORT_MAX_ROWS = int(os.environ.get("EXPORT_MAX_ROWS", 50_000))
    # Process defaults that a deployment may change (diagrams read them as start data).
    DEVICE_ALARM_DEADLINE_HOURS = int(os.environ.get("DEVICE_ALARM_DEADLINE_HOURS", 24))
    HAZARD_PANEL_MIN_SIZE = int(os.environ.get("HAZARD_PANEL_MIN_SIZE", 5))
    # Login policy: 5 failures of one username from one address block that address for 15
    # minutes, each further failure doubles the wait up to a day (other addresses stay open).
    LOGIN_MAX_FAILURES = 5
    LOGIN_LOCK_MINUTES = 15
    LOGIN_LOCK_MAX_MINUTES = 24 * 60
    TOKEN_TTL_HOURS = int(os.environ.get("TOKEN_TTL_HOURS", 12))
    # argon2 cost; tests lower it so a seeded demo does not take seconds.
    ARGON2_TIME_COST = 3
    ARGON2_MEMORY_COST = 65536
    WTF_CSRF_ENABLED = True
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    # Served over HTTPS (PUBLIC_BASE_URL https://…, or said explicitly): the session cookie is
    # sent over HTTPS only, and the answers carry HSTS.
    SESSION_COOKIE_SECURE = _bool("SESSION_COOKIE_SECURE", PUBLIC_BASE_URL.startswith("https://"))
    REMEMBER_COOKIE_SECURE = SESSION_COOKIE_SECURE
    DEMO_PASSWORD = os.environ.get("SITECASE_DEMO_PASSWORD", "Demo@2026")
    # Backups (`flask backup create`, the scheduled backup): archives go to BACKUP_DIR (default
    # INSTANCE_DIR/backups); the scheduled run keeps the newest of each of the last N days,
    # weeks and months. PG_BIN_DIR names pg_dump/pg_restore when not the newest installed.
    BACKUP_DIR = os.environ.get("SITECASE_BACKUP_DIR") or None
    BACKUP_KEEP_DAILY = int(os.environ.get("BACKUP_KEEP_DAILY", 7))
    BACKUP_KEEP_WEEKLY = int(os.environ.get("BACKUP_KEEP_WEEKLY", 4))
    BACKUP_KEEP_MONTHLY = int(os.environ.get("BACKUP_KEEP_MONTHLY", 12))
    PG_BIN_DIR = os.environ.get("PG_BIN_DIR", "")
    # Monthly audit-log archives (`flask audit archive`): signed with AUDIT_ARCHIVE_KEY (default
    # derived from SECRET_KEY), written to AUDIT_ARCHIVE_DIR (default INSTANCE_DIR/audit-archive).
    AUDIT_ARCHIVE_DIR = os.environ.get("SITECASE_AUDIT_ARCHIVE_DIR") or None
    AUDIT_ARCHIVE_KEY = os.environ.get("AUDIT_ARCHIVE_KEY", "")
    # After rotating AUDIT_ARCHIVE_KEY (or SECRET_KEY, when the key is derived from it): the old
    # keys, comma-separated, so that earlier archives still verify. New archives use the new key.
    AUDIT_ARCHIVE_PREVIOUS_KEYS = os.environ.get("AUDIT_ARCHIVE_PREVIOUS_KEYS", "")
    # The daily beat archives every month older than the current one minus AUDIT_ONLINE_MONTHS.
    AUDIT_ONLINE_MONTHS = int(os.environ.get("AUDIT_ONLINE_MONTHS", 12))
    # Application log: rotated by size when LOG_FILE is set (else the log goes to stderr).
    LOG_FILE = os.environ.get("LOG_FILE", "")
    LOG_MAX_BYTES = int(os.environ.get("LOG_MAX_BYTES", 10 * 1024 * 1024))
    LOG_BACKUP_COUNT = int(os.environ.get("LOG_BACKUP_COUNT", 10))


class TestConfig(Config):
    TESTING = True
    WEBHOOK_SECRET_KEYS = "0whft-FquRSS_mT4N_bRhdgHZcnALdPoE1CTxGH7o1M="
    ARGON2_TIME_COST = 1
    ARGON2_MEMORY_COST = 1024
    CELERY_ALWAYS_EAGER = True
