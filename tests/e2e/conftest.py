"""End-to-end: the real app (waitress in a thread, SQLite in a temp dir with the demo data) driven by
Debian's Chromium through Playwright. Screenshots go to test-artifacts/ (gitignored)."""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import select

from app import create_app
from app.config import TestConfig
from app.extensions import db
from app.models import User
from app.services.access.actors import actor_for
from app.services.definitions.deployments import Bundle, bundle_from_dirs, deploy
from app.services.demo import seed
from app.services.workflow import cases
from tests.integration.web.conftest import web_bundle
from tests.support.served import served

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync"]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


# The real process families the scenarios run (others may be half-written by a colleague).
FAMILIES = ("hazardous_", "device_alarm_disposal", "rectification_order")


def _families() -> Bundle:
    base = bundle_from_dirs()
    return Bundle({n: b for n, b in base.files.items() if n.startswith(FAMILIES)},
                  {n: b for n, b in base.forms.items() if n.startswith(FAMILIES)})


def _prepare(app: Flask) -> None:
    with app.app_context():
        db.create_all()
        seed.load_demo(app.config["DEMO_PASSWORD"])
        deploy(web_bundle())
        deploy(_families())
        pm = actor_for(db.session.scalar(select(User).where(User.username == "contractor_pm")))
        cases.start_case(pm, "web_review", project_code="JS-2026-001", title="地下车库顶板高支模专项方案")
        db.session.remove()


@pytest.fixture(scope="session")
def live_app(tmp_path_factory) -> Flask:
    """The served app (SQLite file, CSRF on, demo data, web_review + the hazardous and alarm families)."""
    folder = tmp_path_factory.mktemp("e2e")
    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=f"sqlite:///{folder / 'e2e.sqlite'}",
                     INSTANCE_DIR=folder, FILES_DIR=folder / "files", CELERY_DATA_DIR=folder / "celery",
                     WTF_CSRF_ENABLED=True)
    _prepare(app)
    return app


@pytest.fixture(scope="session")
def live_server(live_app) -> Iterator[str]:
    """The app on a free port with one web_review case waiting."""
    with served(live_app) as base:
        yield base


@pytest.fixture(scope="session")
def chromium():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def login(chromium, live_server):
    """login(username, viewport=DESKTOP) → a logged-in Page."""
    contexts = []

    def open_as(username: str, viewport: dict = DESKTOP):
        context = chromium.new_context(viewport=viewport, locale="zh-CN", timezone_id="Asia/Shanghai")
        contexts.append(context)
        page = context.new_page()
        page.goto(f"{live_server}/login")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", TestConfig.DEMO_PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_load_state("networkidle")
        return page

    yield open_as
    for context in contexts:
        context.close()


def shoot(page, name: str) -> Path:
    """Save a full-page screenshot under test-artifacts/."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
