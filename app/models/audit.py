"""The append-only audit log: logins and every write, with who, when, from where."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import DDL, Boolean, ForeignKey, String, event
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models._base import JSONType, UTCDateTime, utcnow


class AuditLog(db.Model):
    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    username: Mapped[str | None] = mapped_column(String(64))
    ip: Mapped[str | None] = mapped_column(String(45))
    action: Mapped[str] = mapped_column(String(40), index=True)
    entity_type: Mapped[str | None] = mapped_column(String(40))
    entity_id: Mapped[str | None] = mapped_column(String(64))
    before: Mapped[dict | None] = mapped_column(JSONType)
    after: Mapped[dict | None] = mapped_column(JSONType)
    success: Mapped[bool] = mapped_column(Boolean, default=True)


# The log is append-only: the database itself refuses UPDATE, and DELETE of any row that no
# verified monthly archive (audit_archive, written by app/services/backup/audit_archive.py)
# covers. The migrations create the same triggers; these cover schemas built with create_all.
ARCHIVED = ("EXISTS (SELECT 1 FROM audit_archive a WHERE a.verified_at IS NOT NULL "
            "AND OLD.id BETWEEN a.first_id AND a.last_id "
            "AND OLD.at >= a.period_start AND OLD.at < a.period_end)")
PG_FUNCTION = f"""
CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' AND {ARCHIVED} THEN RETURN OLD; END IF;
  RAISE EXCEPTION 'audit_log is append-only';
END; $$"""
SQLITE_NO_DELETE = ("CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log "
                    f"WHEN NOT {ARCHIVED} "
                    "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END")
SQLITE_NO_UPDATE = ("CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log "
                    "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END")
_PG_TRIGGER = DDL("CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE ON audit_log "
                  "FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()")
for _ddl in (DDL(PG_FUNCTION), _PG_TRIGGER):
    event.listen(AuditLog.__table__, "after_create", _ddl.execute_if(dialect="postgresql"))
for _sql in (SQLITE_NO_UPDATE, SQLITE_NO_DELETE):
    event.listen(AuditLog.__table__, "after_create", DDL(_sql).execute_if(dialect="sqlite"))
