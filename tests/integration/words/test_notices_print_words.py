"""Every notice of the demo world (issued by the demo seed and through the real chains of its
cases: plan review, suspension, termination, rectification orders, urging) prints no blank, no
code, no internal number and no UTC time: read back from its PDF."""
from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.models import IssuedDocument
from tests.support.notice_text import notice_problems


def test_every_issued_notice_prints_words_and_no_blank(world):
    with world.app.app_context():
        documents = list(db.session.scalars(select(IssuedDocument).order_by(IssuedDocument.id)))
        through_chains = {d.template for d in documents if d.instance_id is not None}
        wrong = [f"{d.id} {d.template}: {found}" for d in documents if (found := notice_problems(d.id))]
        db.session.remove()
    assert {"rectification_notice", "urging_notice", "supervision_suspend_notice"} <= through_chains
    assert not wrong, "\n".join(wrong)
