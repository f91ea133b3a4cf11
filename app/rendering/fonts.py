"""Compact embedding of CID-keyed CJK fonts (Noto CJK) in WeasyPrint PDFs.

Why: WeasyPrint 70 subsets fonts with ``RETAIN_GIDS`` so that glyph ids in the
content streams stay valid. For Noto CJK (65,535 glyphs, Chinese glyphs at high
ids) that keeps tens of thousands of empty glyph slots: every embedded face costs
80–150 KB even for a title of eight characters, and two faces already exceed the
300 KB budget of a one-page notice.

Noto CJK fonts are CID-keyed CFF with ``CID == GID``. A CID-keyed CFF subset keeps
each glyph's original CID in its charset, so the glyph ids WeasyPrint writes
(``Identity-H``) stay valid without retaining empty slots — provided the font is
embedded as a bare CFF program (``/FontFile3 /Subtype /CIDFontType0C``, the form
Acrobat itself writes for CJK subsets) rather than wrapped in OpenType, where
viewers index by GID.

The change is scoped with a context variable: it only applies inside
:func:`compact_fonts`, so other WeasyPrint users in the process are unaffected.
Any font that is not CID-keyed CFF falls back to WeasyPrint's own subsetting.
"""

from __future__ import annotations

import io
import struct
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

import pydyf
from fontTools.cffLib import CFFFontSet
from weasyprint.pdf import fonts as wp_fonts
from weasyprint.text.ffi import ffi, harfbuzz, harfbuzz_subset
from weasyprint.text.fonts import get_hb_object_data

_ACTIVE: ContextVar[bool] = ContextVar("notice_compact_fonts", default=False)
# Written against WeasyPrint 70; on a version without this hook nothing is
# patched and fonts are simply embedded the stock (larger) way.
_original_subset = getattr(wp_fonts.Font, "_harfbuzz_subset", None)


def _cff_table(sfnt: bytes) -> bytes | None:
    """Return the raw 'CFF ' table of an OpenType font, or None."""
    if sfnt[:4] != b"OTTO":
        return None
    (count,) = struct.unpack(">H", sfnt[4:6])
    for i in range(count):
        tag, _checksum, offset, length = struct.unpack(
            ">4sIII", sfnt[12 + 16 * i : 28 + 16 * i])
        if tag == b"CFF ":
            return sfnt[offset : offset + length]
    return None


def _is_cid_keyed(cff: bytes) -> bool:
    font_set = CFFFontSet()
    font_set.decompile(io.BytesIO(cff), None)
    return hasattr(font_set.topDictIndex[0], "ROS")


def _compact_subset(self: wp_fonts.Font, to_unicode: dict, hinting: bool) -> None:
    """Subset without retaining glyph ids when the font is CID-keyed CFF."""
    if not _ACTIVE.get() or "CFF " not in self.tables:
        return _original_subset(self, to_unicode, hinting)
    subset_input = ffi.gc(
        harfbuzz_subset.hb_subset_input_create_or_fail(),
        harfbuzz_subset.hb_subset_input_destroy)
    gid_set = harfbuzz_subset.hb_subset_input_glyph_set(subset_input)
    gids = ffi.new(f"hb_codepoint_t[{len(to_unicode)}]", sorted(to_unicode))
    harfbuzz.hb_set_add_sorted_array(gid_set, gids, len(to_unicode))
    # Desubroutinized: measured smaller than harfbuzz's subroutinized subset here.
    flags = (harfbuzz_subset.HB_SUBSET_FLAGS_DESUBROUTINIZE
             | harfbuzz_subset.HB_SUBSET_FLAGS_NO_HINTING)
    if self.missing:
        flags |= harfbuzz_subset.HB_SUBSET_FLAGS_NOTDEF_OUTLINE
    harfbuzz_subset.hb_subset_input_set_flags(subset_input, flags)
    face = ffi.gc(
        harfbuzz_subset.hb_subset_or_fail(self.hb_face, subset_input),
        harfbuzz.hb_face_destroy)
    content = get_hb_object_data(face) if face else None
    cff = _cff_table(content) if content else None
    if cff is None or not _is_cid_keyed(cff):
        return _original_subset(self, to_unicode, hinting)
    self.file_content = content
    return None


if _original_subset is not None and harfbuzz_subset is not None:
    wp_fonts.Font._harfbuzz_subset = _compact_subset


def bare_cff_finisher(_document: object, pdf: pydyf.PDF) -> None:
    """WeasyPrint finisher: re-embed CID-keyed OpenType-CFF fonts as bare CFF."""
    for obj in pdf.objects:
        if not isinstance(obj, pydyf.Stream) or obj.extra.get("Subtype") != "/OpenType":
            continue
        cff = _cff_table(b"".join(obj.stream))
        if cff is not None and _is_cid_keyed(cff):
            obj.stream = [cff]
            obj.extra["Subtype"] = "/CIDFontType0C"


@contextmanager
def compact_fonts() -> Iterator[None]:
    """Enable compact CID font subsetting for WeasyPrint calls in this context."""
    token = _ACTIVE.set(True)
    try:
        yield
    finally:
        _ACTIVE.reset(token)
