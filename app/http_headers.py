"""Security headers on every answer: pages, API, files, errors.

The pages run no inline script and no inline event handler (app/web/static/site.js binds
``data-confirm`` and ``data-select-on-focus``), so ``script-src 'self'`` holds. Inline styles
stay allowed: bpmn-js positions its overlays with style attributes, and a style cannot run code.
"""
from __future__ import annotations

from flask import Flask, Response

CSP = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def register(app: Flask) -> None:
    """Add the headers after every request; HSTS too when the session cookie is HTTPS-only."""
    headers = dict(HEADERS)
    if app.config.get("SESSION_COOKIE_SECURE"):
        headers["Strict-Transport-Security"] = "max-age=31536000"

    @app.after_request
    def _security_headers(response: Response) -> Response:
        # One pass over the answer's headers (a view may have set its own policy), not a
        # case-insensitive scan of them per header added.
        present = {name.lower() for name, _value in response.headers.items()}
        for name, value in headers.items():
            if name.lower() not in present:
                response.headers.add(name, value)
        return response
