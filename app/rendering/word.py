"""A rendered notice's HTML → a Word document (.docx) with the same content (seed 001: Word/WPS
export). Pure: no database, no Flask app.

The notice templates are the one source: the walk below turns their HTML into Word blocks —
headings, paragraphs (bold where the notice is bold), tables cell by cell (merged cells kept),
numbered items with the printed "（n）" numbers, images given as data URIs (annex photos, the
verification QR code) — and prints the notice number in the page header and the page numbers
in the footer, as the PDF does. Layout is Word's own: same text, not the same pixels.
"""
from __future__ import annotations

import base64
import binascii
import re
from io import BytesIO

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from lxml import html as lxml_html

BLOCKS = {"p", "div", "h1", "h2", "h3", "h4", "table", "ol", "ul", "section", "header", "main", "figure",
          "figcaption", "li", "footer"}
BOLD = {"strong", "b", "th"}
_SPACE = re.compile(r"\s+")
_DATA_URI = re.compile(r"^data:image/(png|jpeg|jpg|gif);base64,(.+)$", re.S)
FONT = "宋体"


def html_to_docx(html: str, number: str = "") -> bytes:
    """The .docx bytes of a notice's HTML; `number` goes in the page header like the PDF's."""
    root = lxml_html.document_fromstring(html)
    document = Document()
    _page_setup(document, number)
    body = root.find("body")
    _blocks(document, body if body is not None else root)
    out = BytesIO()
    document.save(out)
    return out.getvalue()


def _page_setup(document, number: str) -> None:
    style = document.styles["Normal"]
    style.font.name, style.font.size = FONT, Pt(10.5)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin, section.left_margin, section.right_margin = (Mm(13), Mm(14),
                                                                                           Mm(20), Mm(17))
    section.different_first_page_header_footer = True  # the first page has no number on top, as printed
    if number:
        header = section.header.paragraphs[0]
        header.text, header.alignment = number, WD_ALIGN_PARAGRAPH.RIGHT
    for footer in (section.footer, section.first_page_footer):
        paragraph = footer.paragraphs[0]
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        paragraph.add_run("第 ")
        _field(paragraph, "PAGE")
        paragraph.add_run(" 页 共 ")
        _field(paragraph, "NUMPAGES")
        paragraph.add_run(" 页")


def _field(paragraph, code: str) -> None:
    run = paragraph.add_run()
    for kind, text in (("begin", None), (None, code), ("separate", None), (None, "1"), ("end", None)):
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        else:
            element = OxmlElement("w:instrText" if text == code else "w:t")
            element.set(qn("xml:space"), "preserve")
            element.text = text
        run._r.append(element)


def _has_blocks(element) -> bool:
    return any(isinstance(child.tag, str) and child.tag in BLOCKS for child in element)


def _blocks(container, element) -> None:
    """Word blocks for the children of `element`, added to `container` (the document or a cell)."""
    inline: list = []
    if (element.text or "").strip():
        inline.append(element.text)
    for child in element:
        if not isinstance(child.tag, str):
            _tail(inline, child)
            continue
        if child.tag in BLOCKS or child.tag == "img":
            _flush(container, inline)
            inline = []
            _block(container, child)
        else:
            inline.append(child)
        _tail(inline, child)
    _flush(container, inline)


def _tail(inline: list, child) -> None:
    if (child.tail or "").strip():
        inline.append(child.tail)


def _block(container, element) -> None:
    tag = element.tag
    if tag == "table":
        _table(container, element)
    elif tag in ("ol", "ul"):
        for n, item in enumerate((li for li in element if li.tag == "li"), start=1):
            prefix = f"（{n}）" if tag == "ol" else "· "
            paragraph = container.add_paragraph()
            paragraph.add_run(prefix)
            _runs(paragraph, item)
    elif tag == "img":
        _image(container, element)
    elif tag in ("h1", "h2", "h3", "h4"):
        paragraph = container.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        for run in _runs(paragraph, element):
            run.bold = True
            run.font.size = Pt(18 if tag == "h1" else 12)
    elif _has_blocks(element) or element.find(".//img") is not None:
        _blocks(container, element)
    else:
        _runs(container.add_paragraph(), element)


def _flush(container, inline: list) -> None:
    if not inline:
        return
    paragraph = container.add_paragraph()
    for part in inline:
        if isinstance(part, str):
            _add_text(paragraph, part, False)
        else:
            _runs(paragraph, part)


def _runs(paragraph, element, bold: bool = False) -> list:
    """Runs for the text of `element` and its inline children (bold inside strong/th/.strong)."""
    bold = bold or element.tag in BOLD or "strong" in (element.get("class") or "").split()
    runs = [_add_text(paragraph, element.text or "", bold)]
    for child in element:
        if isinstance(child.tag, str):
            if child.tag == "br":
                paragraph.add_run().add_break()
            elif child.tag == "img":
                _inline_image(paragraph, child)
            else:
                runs += _runs(paragraph, child, bold)
        runs.append(_add_text(paragraph, child.tail or "", bold))
    return [run for run in runs if run is not None]


def _add_text(paragraph, text: str, bold: bool):
    text = _SPACE.sub(" ", text)
    if not text.strip():
        return None
    run = paragraph.add_run(text)
    run.bold = bold or None
    return run


def _table(container, element) -> None:
    rows = [tr for tr in element.iter("tr") if tr.getparent() is element or tr.getparent().getparent() is element]
    cells = [[c for c in tr if c.tag in ("td", "th")] for tr in rows]
    width = max((sum(int(c.get("colspan", 1)) for c in row) for row in cells), default=0)
    if not rows or not width:
        return
    table = container.add_table(rows=len(rows), cols=width)
    table.style = "Table Grid" if "grid" in (element.get("class") or "").split() else None
    for r, row in enumerate(cells):
        col = 0
        for cell in row:
            span = max(1, int(cell.get("colspan", 1)))
            target = table.cell(r, col)
            if span > 1:
                target = target.merge(table.cell(r, col + span - 1))
            target.paragraphs[0]._p.getparent().remove(target.paragraphs[0]._p)
            if cell.tag == "th":
                for run in _runs(target.add_paragraph(), cell):
                    run.bold = True
            else:
                _blocks(target, cell)
            if not target.paragraphs:
                target.add_paragraph()
            col += span
        if rows[r].getparent().tag == "thead":  # repeated on every page, as the PDF repeats it
            header = OxmlElement("w:tblHeader")
            table.rows[r]._tr.get_or_add_trPr().append(header)


def _picture(src: str) -> BytesIO | None:
    match = _DATA_URI.match(src or "")
    if match is None:
        return None
    try:
        return BytesIO(base64.b64decode(match.group(2)))
    except (binascii.Error, ValueError):
        return None


def _image(container, element) -> None:
    data = _picture(element.get("src"))
    if data is not None:
        _inline_image(container.add_paragraph(), element)


def _inline_image(paragraph, element) -> None:
    data = _picture(element.get("src"))
    if data is None:
        return
    small = element.get("alt") == "核验二维码"
    try:
        paragraph.add_run().add_picture(data, width=Mm(24 if small else 120))
    except Exception:  # noqa: BLE001 — an unreadable image is left out, the text stays
        return
