"""Web page tests: the demo data, the web_review fixture process, session logins."""
from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from app.services.definitions.deployments import Bundle, deploy
from app.services.demo import seed

WEB_FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "web"


def web_bundle() -> Bundle:
    return Bundle({p.name: p.read_bytes() for p in WEB_FIXTURES.glob("*.bpmn")},
                  {p.name: p.read_bytes() for p in (WEB_FIXTURES / "forms").glob("*.json")})


@pytest.fixture
def site(app: Flask) -> Flask:
    """The app on SQLite and on PostgreSQL, with the demo data and web_review deployed."""
    seed.load_demo(app.config["DEMO_PASSWORD"])
    deploy(web_bundle())
    return app


class Browser:
    """A test client that logs in through the login form, like a person."""

    def __init__(self, app: Flask):
        self.app = app
        self.clients: dict[str, FlaskClient] = {}

    def __call__(self, username: str) -> FlaskClient:
        if username not in self.clients:
            client = self.app.test_client()
            r = client.post("/login", data={"username": username, "password": self.app.config["DEMO_PASSWORD"]})
            assert r.status_code == 302, r.get_data(as_text=True)
            self.clients[username] = client
        return self.clients[username]


@pytest.fixture
def browser(site: Flask) -> Browser:
    return Browser(site)
