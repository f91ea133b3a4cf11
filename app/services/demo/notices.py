"""Demo notices: one issued, rendered notice of each template for project JS-2026-001.

Issued through the real path (numbering, snapshot, outbox) by the 金水区 safety official,
with the sample contexts' texts; the parties come from the demo project, and the notices
refer to each other by their real numbers (the resumption notice cites the stop notice).
Idempotent: a template already issued for the demo project is skipped.
"""
from __future__ import annotations

import hashlib
from collections import Counter
from typing import Any

from sqlalchemy import select

from app.extensions import db
from app.infra.uow import transaction
from app.models import IssuedDocument, Project, User
from app.rendering import TEMPLATES, sample_context
from app.rendering.catalogue import COMMON_KEYS
from app.services.access.actors import actor_for
from app.services.notices.context import addressees
from app.services.notices.issuing import issue_notice, render_document
from app.services.notices.numbers import CODE_ALPHABET, CODE_LENGTH

DEMO_PROJECT = "JS-2026-001"
DEMO_ISSUER = "district_safety"
# Sample fields that name the sample's own firms: the service fills them from the project.
SAMPLE_PARTY_FIELDS = ("inspected_unit", "applicant", "organizer", "plan_author_unit", "units_present")
# (template, field, template whose number it cites)
CITATIONS = (("resumption_notice", "stop_notice_number", "stop_work_notice"),
             ("supervision_resume_notice", "suspend_notice_number", "supervision_suspend_notice"))


def _fields(template: str, project: Project, numbers: dict[str, str]) -> dict[str, Any]:
    common = {key.split(".")[0] for key in COMMON_KEYS}
    fields = {k: v for k, v in sample_context(template).items()
              if k not in common and k not in SAMPLE_PARTY_FIELDS}
    if template == "inspection_record":
        fields["units_present"] = [{**p, "signature": ""} for p in addressees(project)]
        fields["handling"] = f"下发《安全隐患整改通知书》（{numbers.get('rectification_notice', '')}），限期整改。"
    for cited_by, field, cited in CITATIONS:
        if template == cited_by and cited in numbers:
            fields[field] = numbers[cited]
    return fields


def demo_code(template: str) -> str:
    """A fixed verification code per demo notice: every seed prints the same PDF, so the
    seeds of a test run render each demo notice only once (see documents._PDF_CACHE)."""
    digest = hashlib.sha256(f"demo:{DEMO_PROJECT}:{template}".encode()).digest()
    return "".join(CODE_ALPHABET[b % len(CODE_ALPHABET)] for b in digest[:CODE_LENGTH])


def seed_notices(counts: Counter) -> None:
    """Issue the missing demo notices, then render any still pending (no worker needed)."""
    with transaction():
        project = db.session.scalar(select(Project).where(Project.code == DEMO_PROJECT))
        official = db.session.scalar(select(User).where(User.username == DEMO_ISSUER))
        if project is None or official is None:
            return
        existing = {d.template: d.number for d in db.session.scalars(select(IssuedDocument).where(
            IssuedDocument.project_id == project.id).order_by(IssuedDocument.id))}
        numbers = dict(existing)
        actor = actor_for(official)
        # a notice citing another's number comes after it (the catalogue is in file-name order)
        citing = {cited_by for cited_by, _, _ in CITATIONS} | {"inspection_record"}
        for template in sorted(TEMPLATES, key=lambda name: name in citing):
            if template in existing:
                continue
            document = issue_notice(actor, template, project=project, verify_code=demo_code(template),
                                    params=_fields(template, project, numbers))
            numbers[template] = document.number
            counts["notices"] += 1
    pending = db.session.scalars(select(IssuedDocument.id).where(
        IssuedDocument.project_id == project.id, IssuedDocument.status != "rendered")).all()
    for document_id in pending:
        render_document(document_id)
