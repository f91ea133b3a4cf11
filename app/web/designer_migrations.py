"""Process designer: move running cases of older versions to a newer one (one case or a whole
version), with the tasks that block each case in words."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from app.errors import DomainError
from app.http_status import status_of
from app.services.designer import case_migrations as migrations
from app.web import bp
from app.web.common import flash_said, page, web_actor


@bp.get("/designer/<key>/migrations")
@page
def designer_migrations(key: str):
    preview = migrations.migration_preview(web_actor(), key, request.args.get("to_version", type=int))
    return render_template("designer/migrations.html", key=key, preview=preview)


@bp.post("/designer/<key>/migrations")
@page
def designer_migrate(key: str):
    to_version = request.form.get("to_version", type=int) or 0
    instance_id, from_version = request.form.get("instance_id", type=int), request.form.get("from_version", type=int)
    try:
        if instance_id:
            result = migrations.migrate_case(web_actor(), instance_id, to_version)
        else:
            result = migrations.migrate_version(web_actor(), key, from_version or 0, to_version)
        flash(_("已将 %(count)s 个案件迁移到 v%(version)s。", count=len(result.migrated), version=result.to_version), "ok")
    except DomainError as exc:
        if status_of(exc) in (403, 404):
            raise
        flash_said(exc.message, "error")
    return redirect(url_for("web.designer_migrations", key=key, to_version=to_version or None))
