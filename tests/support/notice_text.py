"""What an issued notice prints, read back from its stored PDF: no blank, no code, no UTC time."""
from __future__ import annotations

import re
import subprocess

from app import settings
from app.extensions import db
from app.models import IssuedDocument
from app.rendering import render_html
from app.services.notices import issuing, photos
from tests.support.raw_codes import code_tokens, find_codes

RECEIPT = re.compile(r'<section class="receipt">.*?</section>', re.S)  # filled in by hand
EMPTY_CELL = re.compile(r"<td(?![^>]*by-hand)[^>]*>\s*</td>")  # `by-hand`: a signature written on paper


def printed_text(document_id: int) -> str:
    """The text of the notice's PDF (rendered now if the outbox has not yet)."""
    issuing.render_document(document_id)
    db.session.expire_all()
    document = db.session.get(IssuedDocument, document_id)
    assert document.status == "rendered", document.error
    path = settings.current().files_dir / document.file_path
    return subprocess.run(["pdftotext", "-layout", "-enc", "UTF-8", str(path), "-"], check=True,
                          capture_output=True, text=True).stdout


def notice_problems(document_id: int) -> list[str]:
    """Blanks (（未填写）, an empty cell), raw codes, internal numbers and UTC times the notice prints."""
    document = db.session.get(IssuedDocument, document_id)
    found = find_codes(printed_text(document_id), code_tokens())
    html = RECEIPT.sub("", render_html(document.template, photos.with_images(dict(document.context),
                                                                             document.instance_id)))
    found += [f"empty cell after {re.sub(r'<[^>]+>', '', html[max(0, m.start() - 80):m.start()])[-20:]!r}"
              for m in EMPTY_CELL.finditer(html)]
    return found
