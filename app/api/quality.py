"""Testing supervision (检测监管): agency registries, witness samples, commissions, reports
(agencies post them with `Authorization: Agency <token>`), refusals and warnings."""
from __future__ import annotations

from dataclasses import asdict

from flask import request

from app.api import bp
from app.api.auth import api_actor
from app.api.envelope import ok
from app.api.openapi import doc
from app.extensions import csrf
from app.http_downloads import XLSX, xlsx_file
from app.infra.safe_xml import XML_TYPES
from app.schemas.quality import (
    AgencyBodySchema,
    AgencyDetailSchema,
    AgencySchema,
    AgencyTokenSchema,
    CommissionBodySchema,
    CommissionSchema,
    ConsoleSchema,
    CreatedSchema,
    EquipmentSchema,
    LabelSheetBodySchema,
    LabelSheetSchema,
    PageQuerySchema,
    PersonSchema,
    ReportBodySchema,
    ReportOutcomeSchema,
    ReportQuerySchema,
    ReportRejectionSchema,
    ReportSchema,
    SampleBodySchema,
    SampleCodeSchema,
    SampleDetailSchema,
    SampleSchema,
    WarningQuerySchema,
    WarningSchema,
)
from app.services.quality import commissions, console, labels, registries, reports, samples, warnings


def _body():
    return request.get_json(silent=True)


@bp.get("/quality/agencies")
@doc(response=AgencySchema, many=True)
def list_testing_agencies():
    return ok(AgencySchema(many=True).dump(registries.list_agencies(api_actor())))


@bp.post("/quality/agencies")
@doc(body=AgencyBodySchema, response=AgencyTokenSchema, status=201)
def create_testing_agency():
    """Register an agency; its report token is in the answer, once."""
    return ok(AgencyTokenSchema().dump(asdict(registries.create_agency(api_actor(), _body()))), status=201)


@bp.get("/quality/agencies/<int:agency_id>")
@doc(response=AgencyDetailSchema)
def get_testing_agency(agency_id: int):
    return ok(AgencyDetailSchema().dump(registries.get_agency(api_actor(), agency_id)))


@bp.post("/quality/agencies/<int:agency_id>/people")
@doc(body=PersonSchema, response=CreatedSchema, status=201)
def add_agency_person(agency_id: int):
    return ok({"id": registries.add_person(api_actor(), agency_id, _body())}, status=201)


@bp.post("/quality/agencies/<int:agency_id>/equipment")
@doc(body=EquipmentSchema, response=CreatedSchema, status=201)
def add_agency_equipment(agency_id: int):
    return ok({"id": registries.add_equipment(api_actor(), agency_id, _body())}, status=201)


@bp.post("/quality/agencies/<int:agency_id>/token")
@doc(response=AgencyTokenSchema, no_body=True)
def reset_agency_token(agency_id: int):
    return ok({"id": agency_id, "token": registries.reset_token(api_actor(), agency_id)})


@bp.get("/projects/<code>/samples")
@doc(response=SampleSchema, many=True)
def list_project_samples(code: str):
    return ok(SampleSchema(many=True).dump(samples.list_samples(api_actor(), code)))


@bp.post("/projects/<code>/samples")
@doc(body=SampleBodySchema, response=SampleCodeSchema, status=201)
def record_sample(code: str):
    return ok({"code": samples.record_sample(api_actor(), code, _body())}, status=201)


@bp.post("/projects/<code>/sample-labels")
@doc(body=LabelSheetBodySchema, response=LabelSheetSchema, status=201)
def issue_sample_labels(code: str):
    """The printable QR label sheet of the project's samples (its PDF: /documents/<id>/pdf)."""
    return ok(LabelSheetSchema().dump(labels.issue_label_sheet(api_actor(), code, _body())), status=201)


@bp.get("/samples/<sample_code>")
@doc(response=SampleDetailSchema)
def get_sample(sample_code: str):
    return ok(SampleDetailSchema().dump(samples.get_sample(api_actor(), sample_code)))


@bp.patch("/samples/<sample_code>")
@doc(body=SampleBodySchema, response=SampleCodeSchema)
def update_sample(sample_code: str):
    return ok({"code": sample_code, "changed": samples.update_sample(api_actor(), sample_code, _body())})


@bp.get("/projects/<code>/commissions")
@doc(response=CommissionSchema, many=True)
def list_project_commissions(code: str):
    return ok(CommissionSchema(many=True).dump(commissions.list_commissions(api_actor(), code)))


@bp.post("/projects/<code>/commissions")
@doc(body=CommissionBodySchema, response=CommissionSchema, status=201)
def create_commission(code: str):
    return ok({"number": commissions.create_commission(api_actor(), code, _body())}, status=201)


@bp.post("/quality/reports")
@csrf.exempt
@doc(body=ReportBodySchema, xml_body="quality_report", response=ReportOutcomeSchema, public=True, status=202)
def post_test_report():
    """A test report from an agency (Authorization: Agency <token>), in JSON or in XML
    (Content-Type: application/xml); refused ones come back `rejected` with their reason and
    are kept."""
    header = request.headers.get("Authorization")
    outcome = (reports.receive_xml_report(header, request.get_data()) if request.mimetype in XML_TYPES
               else reports.receive_report(header, _body()))
    return ok(ReportOutcomeSchema().dump(asdict(outcome)), status=202)


@bp.post("/quality/agencies/<int:agency_id>/reports")
@doc(body=ReportBodySchema, response=ReportOutcomeSchema, status=202)
def enter_test_report(agency_id: int):
    outcome = reports.enter_report(api_actor(), agency_id, _body())
    return ok(ReportOutcomeSchema().dump(asdict(outcome)), status=202)


@bp.get("/quality/reports")
@doc(query=ReportQuerySchema, response=ReportSchema, many=True)
def list_test_reports():
    args = ReportQuerySchema().load(request.args)
    actor, project, modified = api_actor(), args.get("project"), args.get("modified", False)
    rows = reports.list_reports(actor, project, modified_only=modified, limit=args["limit"], offset=args["offset"])
    return ok(ReportSchema(many=True).dump(rows),
              {"total": reports.count_reports(actor, project, modified_only=modified)})


@bp.get("/quality/report-rejections")
@doc(query=PageQuerySchema, response=ReportRejectionSchema, many=True)
def list_report_rejections():
    args, actor = PageQuerySchema().load(request.args), api_actor()
    rows = reports.list_rejections(actor, limit=args["limit"], offset=args["offset"])
    return ok(ReportRejectionSchema(many=True).dump(rows), {"total": reports.count_rejections(actor)})


@bp.get("/quality/warnings")
@doc(query=WarningQuerySchema, response=WarningSchema, many=True)
def list_quality_warnings():
    args, actor = WarningQuerySchema().load(request.args), api_actor()
    rows = warnings.list_warnings(actor, args.get("kind"), limit=args["limit"], offset=args["offset"])
    return ok(WarningSchema(many=True).dump(rows), {"total": warnings.count_warnings(actor, args.get("kind"))})


@bp.get("/quality/console")
@doc(response=ConsoleSchema)
def quality_console():
    """Reports, unqualified, modified and warnings per agency and per district, in scope."""
    return ok(ConsoleSchema().dump(console.console(api_actor())))


@bp.get("/quality/console/export")
@doc(file=XLSX)
def export_quality_console():
    return xlsx_file(console.console_workbook(api_actor()), "quality-console.xlsx")
