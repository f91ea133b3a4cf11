"""Process definitions, cases (instances), messages and incidents."""
from __future__ import annotations

from dataclasses import asdict, is_dataclass

from flask import request

from app.api import bp
from app.api.auth import api_actor
from app.api.envelope import ok
from app.api.openapi import doc
from app.schemas.answers import (
    AcknowledgedSchema,
    BundleProblemSchema,
    CreatedSchema,
    DeployOutcomeSchema,
    MessageOutcomeSchema,
    RetryOutcomeSchema,
)
from app.schemas.workflow import (
    CancelSchema,
    CaseSchema,
    DefinitionSchema,
    IncidentQuerySchema,
    IncidentSchema,
    MessageSchema,
    StartCaseSchema,
)
from app.services.designer import uploads
from app.services.workflow import cases, incidents, messages
from app.web.i18n import english, in_language


def _plain(value):
    return asdict(value) if is_dataclass(value) else value


@bp.get("/process-definitions")
@doc(response=DefinitionSchema, many=True)
def list_definitions():
    return ok(DefinitionSchema(many=True).dump(uploads.list_definitions(api_actor())))


def _lang() -> str:
    """The problems' language: English with `?lang=en` or `Accept-Language: en`, else Chinese."""
    return "en" if english() else "zh"


@bp.post("/process-definitions")
@doc(upload=("files",), status=201, response=DeployOutcomeSchema, many=True)
def upload_definitions():
    outcomes = uploads.deploy_upload(api_actor(), request.files.getlist("files"), _lang())
    return ok([_plain(o) for o in outcomes], status=201)


@bp.post("/process-definitions/validate")
@doc(upload=("files",), response=BundleProblemSchema, many=True)
def validate_definitions():
    return ok(uploads.validate_upload(api_actor(), request.files.getlist("files"), _lang()))


@bp.post("/process-instances")
@doc(body=StartCaseSchema, status=201, response=CreatedSchema)
def start_case():
    body = StartCaseSchema().load(request.get_json(silent=True) or {})
    key = body.pop("process_key")
    instance_id = cases.start_case(api_actor(), key, **body)
    return ok({"id": instance_id}, status=201)


@bp.get("/process-instances/<int:instance_id>")
@doc(response=CaseSchema)
def get_case(instance_id: int):
    """A case: its header, open tasks and timeline."""
    actor = api_actor()
    return ok(CaseSchema().dump({**_plain(cases.get_case(actor, instance_id)),
                                 "history": cases.case_history(actor, instance_id)}))


@bp.post("/process-instances/<int:instance_id>/cancel")
@doc(body=CancelSchema, response=AcknowledgedSchema)
def cancel_case(instance_id: int):
    body = CancelSchema().load(request.get_json(silent=True) or {})
    cases.cancel_case(api_actor(), instance_id, body["reason"])
    return ok({"id": instance_id, "status": "cancelled"})


@bp.post("/messages")
@doc(body=MessageSchema, status=(200, 201), response=MessageOutcomeSchema)
def deliver_message():
    body = MessageSchema().load(request.get_json(silent=True) or {})
    outcome = messages.deliver_message(api_actor(), body["name"], body["correlation"], body["payload"],
                                       body["idempotency_key"])
    return ok(_plain(outcome), status=200 if getattr(outcome, "repeated", False) else 201)


@bp.get("/incidents")
@doc(query=IncidentQuerySchema, response=IncidentSchema, many=True)
def list_incidents():
    """A page (`limit`, `offset`; `meta.total`) of the open (or `?status=resolved`) incidents, newest
    first; `message` in the request's language (`?lang=en` or `Accept-Language: en`: its English
    where SiteCase wrote it, an engine's error as it was raised)."""
    args = IncidentQuerySchema().load(request.args)
    page = incidents.list_incidents(api_actor(), status=args["status"], limit=args["limit"], offset=args["offset"])
    return ok(IncidentSchema(many=True).dump([{**r, "message": in_language(r["message"])} for r in page.items]),
              {"total": page.total})


@bp.post("/incidents/<int:incident_id>/retry")
@doc(response=RetryOutcomeSchema, no_body=True)
def retry_incident(incident_id: int):
    return ok(_plain(incidents.retry_incident(api_actor(), incident_id)))
