"""Every template issued and rendered with the demo data; the PDF text shows what matters."""
from __future__ import annotations

import hashlib
from typing import Any

import pypdf
import segno
from sqlalchemy import func, select

from app.extensions import db
from app.models import IssuedDocument, NoticeCounter
from app.rendering import TEMPLATES
from app.rendering.environment import cn_date
from app.rendering.qr import MODULE_PX
from app.services.demo import seed

from .conftest import pdf_text, squash, stored_path


def _problems(c: dict[str, Any]) -> list[str]:
    return [p["description"] for p in c["problems"]] + [p["location"] for p in c["problems"]]


# What each notice must show beyond number, project and verification code.
EXPECTED = {
    "rectification_notice": lambda c: _problems(c) + [cn_date(c["deadline"]), c["inspected_unit"]],
    "stop_work_notice": lambda c: _problems(c) + [cn_date(c["deadline"]), c["stop_scope"]],
    "resumption_notice": lambda c: [c["stop_notice_number"], c["resumption_scope"],
                                    cn_date(c["resumption_date"])],
    "urging_notice": lambda c: [c["subject"], c["item_content"], cn_date(c["deadline"]),
                                c["contact"]["phone"]],
    "supervision_suspend_notice": lambda c: [c["reason"], c["part_under_construction"],
                                             c["applicant"]["unit"]],
    "supervision_resume_notice": lambda c: [c["acceptance_report_ref"], c["suspend_notice_number"]],
    "supervision_terminate_notice": lambda c: [c["end_proof_ref"], cn_date(c["termination_date"])],
    "expert_argumentation_report": lambda c: [c["plan_name"], c["conclusion"]]
    + [e["name"] for e in c["experts"]],
    "inspection_record": lambda c: _problems(c) + [i["name"] for i in c["inspectors"]],
    "health_check_report": lambda c: [c["month"]] + [i["name"] for i in c["indices"]],
    "quality_rectification_notice": lambda c: [c["report_no"], c["agency_name"], *c["requirements"],
                                               cn_date(c["deadline"])],
    "sample_label_sheet": lambda c: [label["code"] for label in c["labels"]],
    # The supervising engineers' records (site_records), printed when the chief supervisor approves.
    "supervision_log": lambda c: [c["record_no"], c["weather"], c["works"], c["supervision_unit"], c["reviewer"]],
    "side_station_record": lambda c: [c["record_no"], c["process"], c["location"], c["supervision_unit"],
                                      c["reviewer"]],
    "parallel_inspection_record": lambda c: [c["record_no"], c["item"], c["location"], c["supervision_unit"],
                                             c["reviewer"]],
}


def _demo_notices() -> dict[str, IssuedDocument]:
    """The seed's own notices (cases the demo runs may issue more, inside their cases)."""
    return {d.template: d for d in db.session.scalars(
        select(IssuedDocument).where(IssuedDocument.instance_id.is_(None)).order_by(IssuedDocument.id))}


def test_the_demo_holds_one_rendered_notice_of_every_template(demo_data):
    documents = _demo_notices()
    assert set(documents) == set(TEMPLATES) == set(EXPECTED)
    for template, document in documents.items():
        assert document.status == "rendered", (template, document.error)
        data = stored_path(demo_data, document).read_bytes()
        assert hashlib.sha256(data).hexdigest() == document.sha256 and len(data) == document.size
        assert document.number == f"金建安{TEMPLATES[template].type_code}〔{document.year}〕第0001号"
        context = document.context
        text = pdf_text(stored_path(demo_data, document))
        # the urging notice is sent to the urged units, the others to the project's firms
        addressee = context["lead_unit"] if template == "urging_notice" else "中建七局第二建筑有限公司"
        needles = [document.number, "金水湾住宅小区一期工程", context["project"]["address"],
                   context["verify_code"], addressee, "金水区建设工程安全监督站"]
        for needle in needles + EXPECTED[template](context):
            assert squash(str(needle)) in text, (template, needle)
        assert "（未填写）" not in text, template  # the demo data is complete


def test_resumption_notice_cites_the_stop_notice_by_its_real_number(demo_data):
    numbers = _demo_notices()
    assert numbers["resumption_notice"].context["stop_notice_number"] == numbers["stop_work_notice"].number
    assert numbers["supervision_resume_notice"].context["suspend_notice_number"] == \
        numbers["supervision_suspend_notice"].number


def test_seeding_again_issues_nothing_and_takes_no_number(demo_data):
    before = db.session.scalar(select(func.sum(NoticeCounter.last_value)))
    issued = db.session.scalar(select(func.count()).select_from(IssuedDocument))
    seed.load_demo(demo_data.config["DEMO_PASSWORD"])
    assert db.session.scalar(select(func.count()).select_from(IssuedDocument)) == issued
    assert db.session.scalar(select(func.sum(NoticeCounter.last_value))) == before == issued


def test_the_qr_code_opens_the_public_verify_page(demo_data):
    document = _demo_notices()["urging_notice"]
    url = f"{demo_data.config['PUBLIC_BASE_URL'].rstrip('/')}/verify/{document.verify_code}"
    reader = pypdf.PdfReader(stored_path(demo_data, document))
    [image] = {img.data: img for page in reader.pages for img in page.images}.values()
    qr = image.image.convert("L")
    matrix = segno.make(url, error="m", micro=False).matrix
    assert qr.size == ((len(matrix) + 4) * MODULE_PX,) * 2  # 2 modules of quiet zone each side
    dark = [[qr.getpixel(((x + 2) * MODULE_PX + MODULE_PX // 2, (y + 2) * MODULE_PX + MODULE_PX // 2)) < 128
             for x in range(len(matrix))] for y in range(len(matrix))]
    assert dark == [[bool(v) for v in row] for row in matrix]
    assert demo_data.test_client().get(f"/verify/{document.verify_code}").status_code == 200
