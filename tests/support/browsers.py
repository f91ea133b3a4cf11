"""A Flask test client signed in as a demo user (pages, not the API)."""
from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient


def signed_in(app: Flask, username: str, password: str | None = None) -> FlaskClient:
    client = app.test_client()
    r = client.post("/login", data={"username": username, "password": password or app.config["DEMO_PASSWORD"]})
    assert r.status_code == 302, r.get_data(as_text=True)[:200]
    return client
