"""系统备份: the backups on disk with their size and verification state, and the archived months
of the audit log (administrators only)."""
from __future__ import annotations

from flask import render_template

from app.services.backup import records
from app.web import bp
from app.web.common import page, web_actor

STATES = {"ok": "校验通过", "failed": "校验失败", "missing": "文件缺失", "unverified": "未校验"}
KINDS = {"manual": "手动", "scheduled": "定时"}


@bp.get("/admin/backups")
@page
def admin_backups():
    actor = web_actor()
    backups = records.list_backups(actor)
    return render_template("admin/backups.html", backups=backups, archives=records.list_audit_archives(actor),
                           policy=records.retention_policy(), states=STATES, kinds=KINDS)


@bp.app_template_filter("filesize")
def _filesize(size: int) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return str(size)
