"""The authorisation matrix as data: for every endpoint of the URL map (method + rule), who may use it.

Adding a route? Add its line to MATRIX: `"METHOD /rule": Entry(WHO, …)` with WHO the demo users
allowed to use it on an object of their own district (see USERS in world.py), `params` when a URL
parameter is not one of cells.PARAM_KINDS, `body` when an empty body cannot reach the decision,
and `public=True` when no login is needed (then nobody is refused for scope). The test
then checks, for each demo user and anonymous:
  allowed user, object of his district          -> anything but 401/403/404 (or a login redirect);
  allowed user, object of the other district    -> 403/404 (pages: also a redirect with an error);
  user without the right                        -> 403/404 (idem);
  anonymous                                     -> 401 (API) or a redirect to /login (pages).
`body_first=True` marks an endpoint that validates the body before it checks who asks (a finding
of this matrix, see the report): its refusals may still be 422 until that is fixed.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from tests.integration.authz.cells import Fixed
from tests.integration.authz.world import USERS

ALL = frozenset(USERS)
OFFICIALS = frozenset({"admin", "city_official", "urging_clerk", "designer", "auditor", "district_safety",
                       "district_quality", "district_leader", "district_safety2"})
ENTERPRISE = frozenset({"owner_rep", "contractor_pm", "tech_lead", "safety_officer", "chief_supervisor",
                        "supervisor", "contractor_pm2"})
ADMIN = frozenset({"admin"})
DESIGNERS = frozenset({"admin", "designer"})
# Safety and quality stations (and above) keep the reference data: clauses, experts, categories,
# enterprises and projects.
STATIONS = frozenset({"admin", "city_official", "district_safety", "district_quality", "district_safety2"})
DEVICE_KEEPERS = frozenset({"admin", "city_official", "district_safety", "district_quality", "district_leader",
                            "district_safety2", "contractor_pm", "contractor_pm2"})
PMS = frozenset({"contractor_pm", "contractor_pm2"})
# The open reply task of the world's rectification orders: its candidates are the district's PM.
CANDIDATES = frozenset({"admin"}) | PMS
ANNOUNCERS = frozenset({"admin", "city_official", "district_safety", "district_quality", "district_leader",
                        "district_safety2"})
NOBODY: frozenset[str] = frozenset()
# Rejected device messages: officials in jurisdiction and the PM of the project.
REJECTION_READERS = (OFFICIALS - {"designer"}) | PMS
# Cancel, assign, take back a claim: officials who act on cases (not the read-only auditor, not
# the process designer); technical failures (incidents): those and the designer.
CASE_MANAGERS = OFFICIALS - {"designer", "auditor"}
INCIDENT_HANDLERS = OFFICIALS - {"auditor"}
# Statistics: everyone with a jurisdiction or a project (figures are scoped, not refused).
SCOPED = ALL - {"expert01"}
# Assessment points are kept by the city (seed 000 3.1.9.1: the upper unit assesses the lower ones).
CITY = frozenset({"admin", "city_official"})


@dataclass(frozen=True)
class Entry:
    allowed: frozenset[str]
    params: dict[str, str | Fixed] = field(default_factory=dict)
    body: dict[str, str | Fixed] = field(default_factory=dict)  # resolved like params
    public: bool = False
    body_first: bool = False


def _(allowed: frozenset[str], **kw) -> Entry:
    return Entry(allowed, **kw)


CATEGORY = {"code": "category"}
# Testing supervision: the quality stations keep the agency registry; supervisors take samples.
QUALITY_KEEPERS = frozenset({"admin", "city_official", "district_quality"})
SAMPLERS = frozenset({"admin", "chief_supervisor", "supervisor"})
SAMPLE = {"sample_code": "sample"}
AGENCY = {"agency_id": "agency"}
# Concrete: the stations keep the producers; the project's PM and supervisors record deliveries;
# supervisors and the quality officer enter strength tests (<delivery_id>: cells.PARAM_KINDS).
DELIVERY_RECORDERS = SAMPLERS | PMS
STRENGTH_TESTERS = SAMPLERS | {"district_quality"}
EDUCATION_KEEPERS = frozenset({"admin", "safety_officer"}) | PMS
# Supervision records: the project's supervisors write, the author revises, the chief reviews.
RECORD = {"record_id": "supervision_record"}
RECORD_FILE = {"record_id": "supervision_record", "file_id": "supervision_record_file"}
AUTHOR = frozenset({"supervisor"})
CHIEFS = frozenset({"admin", "chief_supervisor"})
MATRIX: dict[str, Entry] = {
    # --- API -------------------------------------------------------------------------------------
    "POST /api/v1/auth/token": _(ALL, public=True),
    "POST /api/v1/auth/password": _(ALL),
    "GET /api/v1/me": _(ALL),
    "GET /api/v1/openapi.json": _(ALL, public=True),
    "POST /api/v1/device-data": _(ALL, public=True),  # a device token, not a user, authorises it
    "GET /api/v1/device-rejections": _(REJECTION_READERS),
    "GET /api/v1/alarms": _(ALL),
    "GET /api/v1/attachments/<int:attachment_id>": _(ALL),
    "GET /api/v1/audit-log": _(frozenset({"admin", "auditor"})),
    "GET /api/v1/clauses": _(ALL),
    "POST /api/v1/clauses": _(STATIONS, body_first=True),
    "PATCH /api/v1/clauses/<int:clause_id>": _(STATIONS),
    "GET /api/v1/clues": _(OFFICIALS),
    "GET /api/v1/devices": _(ALL),
    "GET /api/v1/devices/<int:device_id>": _(ALL),
    "PATCH /api/v1/devices/<int:device_id>": _(DEVICE_KEEPERS),
    "GET /api/v1/devices/<int:device_id>/operators": _(ALL),
    "POST /api/v1/devices/<int:device_id>/operators": _(DEVICE_KEEPERS, body_first=True),
    "PATCH /api/v1/devices/<int:device_id>/operators/<int:operator_id>": _(DEVICE_KEEPERS),
    "DELETE /api/v1/devices/<int:device_id>/operators/<int:operator_id>": _(DEVICE_KEEPERS),
    "GET /api/v1/devices/<int:device_id>/readings": _(ALL),
    "PATCH /api/v1/devices/<int:device_id>/thresholds": _(DEVICE_KEEPERS, body_first=True),
    "POST /api/v1/devices/<int:device_id>/token": _(DEVICE_KEEPERS),
    "GET /api/v1/documents/<int:document_id>": _(ALL),
    "GET /api/v1/documents/<int:document_id>/pdf": _(ALL),
    "GET /api/v1/documents/<int:document_id>/docx": _(ALL),
    "POST /api/v1/documents/<int:document_id>/render": _(CASE_MANAGERS),
    "POST /api/v1/documents/preview": _(OFFICIALS, body_first=True),
    "GET /api/v1/emergency-plans/<int:plan_id>": _(ALL),
    "GET /api/v1/emergency-plans/<int:plan_id>/file": _(ALL),
    "GET /api/v1/enterprises": _(ALL),
    "POST /api/v1/enterprises": _(STATIONS, body_first=True),
    "GET /api/v1/experts": _(STATIONS),
    "POST /api/v1/experts": _(STATIONS, body_first=True),
    "PATCH /api/v1/experts/<int:expert_id>": _(STATIONS),
    "PUT /api/v1/experts/<int:expert_id>/active": _(STATIONS, body_first=True),
    "GET /api/v1/hazardous-categories": _(STATIONS),
    "POST /api/v1/hazardous-categories": _(STATIONS, body_first=True),
    "PATCH /api/v1/hazardous-categories/<code>": _(STATIONS, params=CATEGORY),
    "PUT /api/v1/hazardous-categories/<code>/active": _(STATIONS, params=CATEGORY, body_first=True),
    "GET /api/v1/hazardous-works/<int:work_id>": _(ALL),
    "GET /api/v1/hazardous-works/<int:work_id>/emergency-plans": _(ALL),
    "POST /api/v1/hazardous-works/<int:work_id>/emergency-plans": _(PMS, body_first=True),
    "GET /api/v1/hazardous-works/stats": _(ALL),
    "GET /api/v1/incidents": _(OFFICIALS),
    "POST /api/v1/incidents/<int:incident_id>/retry": _(INCIDENT_HANDLERS),
    "POST /api/v1/messages": _(OFFICIALS, body_first=True),
    "GET /api/v1/notifications": _(ALL),
    "POST /api/v1/notifications/<int:notification_id>/read": _(ALL),
    "GET /api/v1/org-units": _(ALL),
    "POST /api/v1/org-units": _(ADMIN, body_first=True),
    "GET /api/v1/process-definitions": _(OFFICIALS),
    "POST /api/v1/process-definitions": _(DESIGNERS),
    "POST /api/v1/process-definitions/validate": _(DESIGNERS),
    "POST /api/v1/process-instances": _(OFFICIALS, body={"process_key": Fixed("rectification_order"),
                                                          "project_code": "project"}),
    "GET /api/v1/process-instances/<int:instance_id>": _(ALL),
    "POST /api/v1/process-instances/<int:instance_id>/cancel": _(CASE_MANAGERS, body_first=True),
    "GET /api/v1/process-instances/<int:instance_id>/documents": _(ALL),
    "GET /api/v1/projects": _(ALL),
    "POST /api/v1/projects": _(STATIONS, body_first=True),
    "GET /api/v1/projects/<code>": _(ALL),
    "POST /api/v1/projects/<code>/devices": _(DEVICE_KEEPERS, body_first=True),
    "GET /api/v1/projects/<code>/documents": _(ALL),
    "GET /api/v1/projects/<code>/hazardous-works": _(ALL),
    "GET /api/v1/projects/<code>/health-check": _(ALL),
    "GET /api/v1/projects/<code>/overview": _(ALL),
    "GET /api/v1/health-check/standards": _(ALL),
    "POST /api/v1/health-check/standards": _(STATIONS),
    "GET /api/v1/health-check/ranking": _(ALL),
    "POST /api/v1/projects/<code>/hazardous-works": _(frozenset({"owner_rep"}) | PMS, body_first=True),
    "PATCH /api/v1/projects/<code>/thresholds/<device_type>": _(DEVICE_KEEPERS, body_first=True),
    "POST /api/v1/registrations/enterprise": _(ENTERPRISE, body_first=True),
    "GET /api/v1/registrations/enterprise-changes": _(ALL - {"expert01"}),
    "POST /api/v1/registrations/projects": _(frozenset({"admin", "owner_rep"}), body_first=True),
    "POST /api/v1/registrations/tasks/<int:task_id>/complete": _(NOBODY, body_first=True),
    "GET /api/v1/tasks": _(ALL),
    "GET /api/v1/tasks/<int:task_id>": _(ALL),
    "GET /api/v1/tasks/counts": _(ALL),
    "POST /api/v1/tasks/<int:task_id>/assign": _(CASE_MANAGERS, body_first=True),
    "POST /api/v1/tasks/<int:task_id>/attachments": _(CANDIDATES, body_first=True),
    "POST /api/v1/tasks/<int:task_id>/claim": _(CANDIDATES),
    "POST /api/v1/tasks/<int:task_id>/comments": _(ALL, body_first=True),
    "POST /api/v1/tasks/<int:task_id>/complete": _(CANDIDATES),
    # Officials with jurisdiction manage the task (an unclaimed task: nothing to give back for a PM).
    "POST /api/v1/tasks/<int:task_id>/unclaim": _(CASE_MANAGERS),
    "GET /api/v1/stats/alarms": _(SCOPED),
    "GET /api/v1/stats/alarms/export": _(SCOPED),
    "GET /api/v1/stats/supervision": _(SCOPED),
    "GET /api/v1/stats/supervision/export": _(SCOPED),
    "GET /api/v1/command-centre": _(SCOPED),
    "GET /api/v1/stats/assessment/districts": _(SCOPED),
    "GET /api/v1/stats/assessment/enterprises": _(SCOPED),
    "GET /api/v1/stats/assessment/export": _(SCOPED),
    "GET /api/v1/assessment/points": _(ALL),
    "POST /api/v1/assessment/points": _(CITY),
    "PATCH /api/v1/assessment/points/<int:point_id>": _(CITY),
    "DELETE /api/v1/assessment/points/<int:point_id>": _(CITY),
    "GET /api/v1/display/command-centre": _(ALL, public=True),  # a display token, not a user, opens it
    "GET /api/v1/urging/stats": _(OFFICIALS),
    "POST /api/v1/users": _(ADMIN, body_first=True),
    "GET /api/v1/users/<int:user_id>": _(ADMIN),
    "PATCH /api/v1/users/<int:user_id>": _(ADMIN, body_first=True),
    "POST /api/v1/users/<int:user_id>/password-reset": _(ADMIN),
    "POST /api/v1/users/<int:user_id>/roles": _(ADMIN, body_first=True),
    "DELETE /api/v1/users/<int:user_id>/roles/<int:grant_id>": _(ADMIN),
    "POST /api/v1/users/<int:user_id>/unlock": _(ADMIN),
    # --- pages -----------------------------------------------------------------------------------
    "GET /": _(ALL, public=True),
    "GET /login": _(ALL, public=True),
    "POST /login": _(ALL, public=True),
    "POST /logout": _(ALL, public=True),
    "GET /healthz": _(ALL, public=True),
    "GET /verify": _(ALL, public=True),
    "GET /verify/<code>": _(ALL, public=True, params={"code": "verify_code"}),
    "GET /assets/<path:filename>": _(ALL, public=True, params={"filename": Fixed("site.css")}),
    "GET /favicon.ico": _(ALL, public=True),
    "GET /static/<path:filename>": _(NOBODY, public=True, params={"filename": Fixed("site.css")}),
    "GET /account/password": _(ALL),
    "POST /account/password": _(ALL),
    "GET /admin": _(OFFICIALS),  # the sections he may use; enterprise users and experts have none
    "GET /admin/<section>": _(ADMIN, params={"section": Fixed("users")}),
    "GET /admin/backups": _(ADMIN),
    "GET /admin/exchange": _(ADMIN),
    "POST /admin/exchange": _(ADMIN),
    "POST /admin/exchange/<int:account_id>/revoke": _(ADMIN, params={"account_id": Fixed("1")}),
    "GET /admin/webhooks": _(ADMIN),
    "POST /admin/webhooks": _(ADMIN),
    "POST /admin/webhooks/<int:subscription_id>/disable": _(ADMIN, params={"subscription_id": "webhook"}),
    "POST /admin/webhooks/deliveries/<int:delivery_id>/replay": _(ADMIN, params={"delivery_id": "webhook_delivery"}),
    "GET /admin/<kind>/new": _(ADMIN, params={"kind": Fixed("org-units")}),
    "POST /admin/<kind>/new": _(ADMIN, params={"kind": Fixed("org-units")}),
    "GET /admin/enterprises/new": _(STATIONS),
    "POST /admin/enterprises/new": _(STATIONS),
    "GET /admin/org-units/new": _(ADMIN),
    "POST /admin/org-units/new": _(ADMIN),
    "GET /admin/projects/new": _(STATIONS),
    "POST /admin/projects/new": _(STATIONS),
    "GET /admin/projects/<code>/devices/new": _(OFFICIALS | PMS),
    "POST /admin/projects/<code>/devices/new": _(OFFICIALS | PMS, body_first=True),
    "GET /admin/users/new": _(ADMIN),
    "POST /admin/users/new": _(ADMIN),
    "GET /admin/users/<int:user_id>": _(ADMIN),
    "POST /admin/users/<int:user_id>/<action>": _(ADMIN, params={"action": Fixed("unlock")}),
    "GET /admin/users/<int:user_id>/roles": _(ADMIN),
    "POST /admin/users/<int:user_id>/roles": _(ADMIN),
    "GET /announcements": _(ALL),
    "POST /announcements": _(ANNOUNCERS),
    "GET /announcements/<int:announcement_id>": _(ALL),
    "GET /health-check": _(ALL),
    "POST /health-check/standards": _(STATIONS),
    "GET /health-check/projects/<code>": _(ALL),
    "GET /cases/<int:instance_id>": _(ALL),
    "POST /cases/<int:instance_id>/cancel": _(CASE_MANAGERS, body_first=True),
    "GET /clauses": _(ALL),
    "POST /clauses": _(STATIONS),
    "GET /clues": _(OFFICIALS),
    "GET /designer": _(OFFICIALS),
    "GET /designer/<key>": _(OFFICIALS - {"urging_clerk", "auditor"}),
    "GET /designer/new": _(DESIGNERS),
    "GET /designer/<key>/edit": _(DESIGNERS),
    "GET /designer/<key>/versions/<int:version>": _(DESIGNERS, params={"version": Fixed("1")}),
    "GET /designer/<key>/forms/<name>": _(DESIGNERS, params={"name": Fixed("rectification_order_issue.schema.json")}),
    "POST /designer/deploy": _(DESIGNERS),
    "POST /designer/forms/preview": _(DESIGNERS),
    "POST /designer/validate": _(DESIGNERS),
    "GET /designer/incidents": _(OFFICIALS),
    "POST /designer/incidents/<int:incident_id>/retry": _(INCIDENT_HANDLERS),
    "GET /devices": _(ALL),
    "GET /devices/rejections": _(REJECTION_READERS),
    # The workbench's expiring certificates whole: everyone, scoped (jurisdiction / own projects).
    "GET /devices/certificates": _(ALL),
    "GET /devices/<int:device_id>": _(ALL),
    "GET /devices/<int:device_id>/edit": _(DEVICE_KEEPERS),
    "POST /devices/<int:device_id>/edit": _(DEVICE_KEEPERS),
    "GET /devices/<int:device_id>/operators/new": _(DEVICE_KEEPERS),
    "POST /devices/<int:device_id>/operators/new": _(DEVICE_KEEPERS),
    "GET /devices/<int:device_id>/operators/<int:operator_id>/edit": _(DEVICE_KEEPERS),
    "POST /devices/<int:device_id>/operators/<int:operator_id>/edit": _(DEVICE_KEEPERS),
    "POST /devices/<int:device_id>/operators/<int:operator_id>/delete": _(DEVICE_KEEPERS),
    "GET /devices/<int:device_id>/thresholds": _(DEVICE_KEEPERS),
    "POST /devices/<int:device_id>/thresholds": _(DEVICE_KEEPERS),
    "POST /devices/<int:device_id>/token": _(DEVICE_KEEPERS),
    "GET /inbox": _(ALL),
    "GET /notifications": _(ALL),
    "POST /notifications/<int:notification_id>/read": _(ALL),
    "GET /projects": _(ALL),
    "GET /projects/<code>": _(ALL),
    "GET /projects/<code>/overview": _(ALL),
    "GET /projects/<code>/works/new": _(frozenset({"owner_rep"}) | PMS),
    "POST /projects/<code>/works/new": _(frozenset({"owner_rep"}) | PMS),
    "GET /start": _(ALL),
    # A rectification order starts in an official's lane: enterprise users are refused.
    "POST /start": _(OFFICIALS,
                     body={"process_key": Fixed("rectification_order"), "project_code": "project"}),
    "GET /tasks/<int:task_id>": _(ALL),
    "POST /tasks/<int:task_id>": _(CANDIDATES),
    "POST /tasks/<int:task_id>/assign": _(CASE_MANAGERS, body_first=True),
    "POST /tasks/<int:task_id>/attachments": _(CANDIDATES, body_first=True),
    "POST /tasks/<int:task_id>/claim": _(CANDIDATES),
    "POST /tasks/<int:task_id>/comments": _(ALL, body_first=True),
    "POST /tasks/<int:task_id>/unclaim": _(CASE_MANAGERS),
    "GET /stats": _(SCOPED),
    "GET /command-centre": _(SCOPED),
    "GET /assessment": _(SCOPED),
    "GET /assessment/points": _(ALL),
    "POST /assessment/points": _(CITY),
    "POST /assessment/points/<int:point_id>": _(CITY),
    "POST /assessment/points/<int:point_id>/delete": _(CITY),
    "GET /display": _(ALL, public=True),  # the wall: a display token in the URL, no login
    "GET /urging/stats": _(OFFICIALS),
    "GET /workbench": _(ALL),
    "GET /works/<int:work_id>": _(ALL),
    "POST /works/<int:work_id>/plans": _(PMS, body_first=True),
    "POST /works/<int:work_id>/start": _(ALL),
    "GET /api/v1/schemas/<record>.xsd": _(ALL, public=True, params={"record": Fixed("project")}),
    "GET /api-docs": _(ALL, public=True),
    "GET /api/v1/orders": _(ALL),
    "GET /api/v1/exchange/changes": _(ALL),
    "GET /api/v1/exchange/webhooks": _(ADMIN),
    "POST /api/v1/exchange/webhooks": _(ADMIN),
    "POST /api/v1/exchange/webhooks/<int:subscription_id>/disable": _(ADMIN, params={"subscription_id": "webhook"}),
    "GET /api/v1/exchange/webhook-deliveries": _(ADMIN),
    "GET /api/v1/exchange/webhook-deliveries/<int:delivery_id>": _(ADMIN, params={"delivery_id": "webhook_delivery"}),
    "POST /api/v1/exchange/webhook-deliveries/<int:delivery_id>/replay": _(
        ADMIN, params={"delivery_id": "webhook_delivery"}),
    "GET /api/v1/backups": _(ADMIN),
    "POST /api/v1/backups": _(ADMIN),
    "GET /api/v1/orders/<int:instance_id>": _(ALL),
    # --- testing supervision (quality): agencies are city-wide, samples follow their project ----
    "GET /api/v1/quality/agencies": _(ALL),
    "POST /api/v1/quality/agencies": _(QUALITY_KEEPERS),
    "GET /api/v1/quality/agencies/<int:agency_id>": _(ALL, params=AGENCY),
    "POST /api/v1/quality/agencies/<int:agency_id>/people": _(QUALITY_KEEPERS, params=AGENCY),
    "POST /api/v1/quality/agencies/<int:agency_id>/equipment": _(QUALITY_KEEPERS, params=AGENCY),
    "POST /api/v1/quality/agencies/<int:agency_id>/token": _(QUALITY_KEEPERS, params=AGENCY),
    "POST /api/v1/quality/agencies/<int:agency_id>/reports": _(frozenset({"admin", "district_quality"}), params=AGENCY),
    "POST /api/v1/quality/reports": _(ALL, public=True),  # an agency token, not a user, authorises it
    "GET /api/v1/quality/reports": _(ALL),
    "GET /api/v1/quality/report-rejections": _(QUALITY_KEEPERS),
    "GET /api/v1/quality/warnings": _(ALL),
    "GET /api/v1/quality/console": _(ALL),
    "GET /api/v1/quality/console/export": _(ALL),
    "GET /api/v1/projects/<code>/samples": _(ALL),
    "POST /api/v1/projects/<code>/samples": _(SAMPLERS),
    "GET /api/v1/samples/<sample_code>": _(ALL, params=SAMPLE),
    "PATCH /api/v1/samples/<sample_code>": _(SAMPLERS, params=SAMPLE),
    "POST /api/v1/projects/<code>/sample-labels": _(SAMPLERS),
    "GET /api/v1/concrete/producers": _(ALL),
    "POST /api/v1/concrete/producers": _(QUALITY_KEEPERS),
    "GET /api/v1/concrete/deliveries": _(ALL),
    "GET /api/v1/concrete/deliveries/export": _(ALL),
    "POST /api/v1/projects/<code>/concrete-deliveries": _(DELIVERY_RECORDERS),
    "GET /api/v1/concrete/deliveries/<int:delivery_id>": _(ALL),
    "POST /api/v1/concrete/deliveries/<int:delivery_id>/strength-tests": _(STRENGTH_TESTERS),
    "GET /api/v1/projects/<code>/commissions": _(ALL),
    "POST /api/v1/projects/<code>/commissions": _(SAMPLERS | PMS),
    # --- safety education: the project's PM and safety officer keep the roster and the records ----
    "GET /api/v1/projects/<code>/workers": _(ALL),
    "POST /api/v1/projects/<code>/workers": _(EDUCATION_KEEPERS),
    "POST /api/v1/workers/<int:worker_id>/leave": _(EDUCATION_KEEPERS),
    "GET /api/v1/education-sessions": _(ALL),
    "POST /api/v1/projects/<code>/education-sessions": _(EDUCATION_KEEPERS),
    "GET /api/v1/education-sessions/<int:session_id>": _(ALL),
    "GET /api/v1/projects/<code>/education": _(ALL),
    "GET /api/v1/projects/<code>/education/export": _(ALL),
    "GET /projects/<code>/education": _(ALL),
    "GET /projects/<code>/education/export": _(ALL),
    "POST /projects/<code>/workers": _(EDUCATION_KEEPERS),
    "POST /projects/<code>/education-sessions": _(EDUCATION_KEEPERS),
    "POST /api/v1/projects/<code>/supervision-logs": _(SAMPLERS),
    "POST /api/v1/projects/<code>/side-station-records": _(SAMPLERS),
    "POST /api/v1/projects/<code>/parallel-inspections": _(SAMPLERS),
    "GET /api/v1/supervision-records": _(ALL),
    "GET /api/v1/supervision-records/export": _(ALL),
    "GET /api/v1/supervision-records/<int:record_id>": _(ALL, params=RECORD),
    "PUT /api/v1/supervision-records/<int:record_id>": _(AUTHOR, params=RECORD),
    "POST /api/v1/supervision-records/<int:record_id>/review": _(CHIEFS, params=RECORD),
    "POST /api/v1/supervision-records/<int:record_id>/files": _(AUTHOR, params=RECORD),
    "GET /api/v1/supervision-records/<int:record_id>/files/<int:file_id>": _(ALL, params=RECORD_FILE),
    "GET /api/v1/supervision-log-reminders": _(ALL),
    "GET /supervision-records": _(ALL),
    "GET /supervision-records/export": _(ALL),
    "GET /projects/<code>/supervision-records": _(ALL),
    "POST /projects/<code>/supervision-records": _(SAMPLERS),
    "GET /supervision-records/<int:record_id>": _(ALL, params=RECORD),
    "POST /supervision-records/<int:record_id>": _(AUTHOR, params=RECORD),
    "POST /supervision-records/<int:record_id>/review": _(CHIEFS, params=RECORD),
    "POST /supervision-records/<int:record_id>/files": _(AUTHOR, params=RECORD),
    "GET /supervision-records/<int:record_id>/files/<int:file_id>": _(ALL, params=RECORD_FILE),
    "GET /quality": _(ALL),
    "GET /quality/console": _(ALL),
    "GET /quality/console/export": _(ALL),
    "GET /concrete": _(ALL),
    "POST /concrete/producers": _(QUALITY_KEEPERS),
    "GET /concrete/export": _(ALL),
    "GET /projects/<code>/concrete": _(ALL),
    "POST /projects/<code>/concrete": _(DELIVERY_RECORDERS),
    "GET /concrete/deliveries/<int:delivery_id>": _(ALL),
    "POST /concrete/deliveries/<int:delivery_id>/strength-tests": _(STRENGTH_TESTERS),
    "POST /quality/agencies": _(QUALITY_KEEPERS),
    "POST /quality/reports": _(frozenset({"admin", "district_quality"}), body=AGENCY),
    "GET /quality/agencies/<int:agency_id>": _(ALL, params=AGENCY),
    "POST /quality/agencies/<int:agency_id>/<kind>": _(QUALITY_KEEPERS, params={**AGENCY, "kind": Fixed("people")}),
    "GET /projects/<code>/samples": _(ALL),
    "POST /projects/<code>/samples": _(SAMPLERS),
    "POST /projects/<code>/sample-labels": _(SAMPLERS),
    "GET /samples/<sample_code>": _(ALL, params=SAMPLE),
    "POST /samples/<sample_code>": _(SAMPLERS, params=SAMPLE),
    # The designer's properties panel: the operator catalogue and sandbox checks as you type.
    "GET /api/v1/designer/operators": _(DESIGNERS),
    # Moving running cases to a newer version: process designers (and admins) only.
    "GET /api/v1/designer/processes/<key>/migrations": _(DESIGNERS),
    "POST /api/v1/designer/processes/<key>/migrations": _(DESIGNERS),
    "POST /api/v1/designer/cases/<int:instance_id>/migration": _(DESIGNERS),
    "GET /designer/<key>/migrations": _(DESIGNERS),
    "POST /designer/<key>/migrations": _(DESIGNERS, body={"from_version": Fixed("1"), "to_version": Fixed("1")}),
    "POST /api/v1/designer/expressions/check": _(DESIGNERS),
}
