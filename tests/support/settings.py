"""Changing an app's settings for one test. Settings are frozen and built once by create_app, so a
test swaps in a changed copy; monkeypatch puts the original back (the PostgreSQL app is shared)."""
from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest
from flask import Flask

from app import settings


def change_settings(monkeypatch: pytest.MonkeyPatch, app: Flask, **changes: Any) -> None:
    monkeypatch.setitem(app.extensions, settings.EXTENSION_KEY, replace(settings.of(app), **changes))
