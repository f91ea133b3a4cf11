"""QR code of a notice's verification URL, as a PNG data URI.

Why PNG and not inline SVG: a raster QR becomes one image XObject in the PDF,
which tests can pull out and compare module by module with the expected code;
at 8 px per module and 24 mm printed it is ~270 dpi, plenty for phone cameras.
"""

from __future__ import annotations

from typing import Any

import segno

MODULE_PX = 8


def qr_data_uri(url: Any) -> str:
    """Return ``data:image/png;base64,…`` for ``url``; empty string when missing."""
    if not isinstance(url, str) or not url.strip():
        return ""
    code = segno.make(url.strip(), error="m", micro=False)
    return code.png_data_uri(scale=MODULE_PX, border=2)
