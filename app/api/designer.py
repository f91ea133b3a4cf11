"""The process designer's catalogue and checks: operators a service task may name (with their
parameters) and expressions/scripts compiled by the sandbox as the designer types; moving
running cases to a newer version (check, one case, every case of a version)."""
from __future__ import annotations

from flask import request
from flask_babel import get_locale, gettext

from app.api import bp
from app.api.auth import api_actor
from app.api.envelope import ok
from app.api.openapi import doc
from app.schemas.designer import (
    CaseMigrationSchema,
    MigrationCheckSchema,
    MigrationResultSchema,
    OperatorSchema,
    SourceCheckSchema,
    SourceResultSchema,
    VersionMigrationSchema,
)
from app.services.designer import case_migrations as migrations
from app.services.designer import catalogue


@bp.get("/designer/operators")
@doc(response=OperatorSchema, many=True)
def designer_operators():
    return ok(OperatorSchema(many=True).dump([_in_words(o) for o in catalogue.operators(api_actor())]))


def _in_words(info: dict) -> dict:
    """An operator's summary and help in the asker's language (English with ?lang=en or the session's)."""
    def words(text: str | None) -> str | None:
        return gettext(text) if text else text
    return {**info, "summary": words(info.get("summary")), "free_params": words(info.get("free_params")),
            "params": [{**p, "help": words(p.get("help"))} for p in info.get("params") or []]}


@bp.post("/designer/expressions/check")
@doc(body=SourceCheckSchema, response=SourceResultSchema, many=True)
def designer_check_expressions():
    body = request.get_json(silent=True)
    items = body.get("items") if isinstance(body, dict) else None
    return ok(SourceResultSchema(many=True).dump(catalogue.check_sources(api_actor(), items, str(get_locale() or "zh"))))


@bp.get("/designer/processes/<key>/migrations")
@doc(response=MigrationCheckSchema, many=True, args=("to_version",))
def designer_migration_check(key: str):
    preview = migrations.migration_preview(api_actor(), key, request.args.get("to_version", type=int))
    return ok(MigrationCheckSchema(many=True).dump(preview.cases), meta={"to_version": preview.to_version})


@bp.post("/designer/processes/<key>/migrations")
@doc(body=VersionMigrationSchema, response=MigrationResultSchema)
def designer_migrate_version(key: str):
    actor = api_actor()
    migrations.require_migrator(actor)  # who asks, before what he sends
    body = VersionMigrationSchema().load(request.get_json(silent=True) or {})
    result = migrations.migrate_version(actor, key, body["from_version"], body["to_version"])
    return ok(MigrationResultSchema().dump(result))


@bp.post("/designer/cases/<int:instance_id>/migration")
@doc(body=CaseMigrationSchema, response=MigrationResultSchema)
def designer_migrate_case(instance_id: int):
    actor = api_actor()
    migrations.require_migrator(actor)  # who asks, before what he sends
    body = CaseMigrationSchema().load(request.get_json(silent=True) or {})
    return ok(MigrationResultSchema().dump(migrations.migrate_case(actor, instance_id, body["to_version"])))
