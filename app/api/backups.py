"""Backups for administrators: the list with verification state, and asking for a new one."""
from __future__ import annotations

from app.api import bp
from app.api.auth import api_actor
from app.api.envelope import ok
from app.api.openapi import doc
from app.schemas.backups import BackupQueuedSchema, BackupSchema
from app.services.backup import records


@bp.get("/backups")
@doc(response=BackupSchema, many=True)
def list_backups():
    """The backups on disk, newest first, with size and verification state (administrators)."""
    return ok(BackupSchema(many=True).dump(records.list_backups(api_actor())))


@bp.post("/backups")
@doc(no_body=True, status=202, response=BackupQueuedSchema)
def request_backup():
    """Queue a manual backup (written and verified in the background; see GET /backups)."""
    records.request_backup(api_actor())
    return ok({"queued": True}, status=202)
