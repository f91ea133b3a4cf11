"""python -m devices: the ingest function is found by name, or the start fails loudly."""
from __future__ import annotations

import sys
import types

import pytest

from devices.__main__ import IngestServiceMissing, build_handler, load_ingest_function
from devices.messages import RawMessage


def test_missing_service_module_is_a_clear_error() -> None:
    with pytest.raises(IngestServiceMissing, match="no_such_ingest is missing"):
        load_ingest_function("tests.unit.devices.no_such_ingest")


def test_missing_function_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "fake_ingest", types.ModuleType("fake_ingest"))
    with pytest.raises(IngestServiceMissing, match="no function ingest_messages"):
        load_ingest_function("fake_ingest")


def test_broken_import_inside_the_service_is_not_hidden(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(name: str, *args: object, **kwargs: object) -> types.ModuleType:
        raise ModuleNotFoundError("No module named 'sqlalchemy_x'", name="sqlalchemy_x")

    monkeypatch.setattr("importlib.import_module", broken)
    with pytest.raises(ModuleNotFoundError, match="sqlalchemy_x"):
        load_ingest_function("fake_ingest")


class FakeApp:
    def __init__(self) -> None:
        self.contexts = 0

    def app_context(self) -> FakeApp:
        return self

    def __enter__(self) -> None:
        self.contexts += 1

    def __exit__(self, *exc: object) -> None:
        return None


def test_handler_sends_dicts_inside_an_app_context() -> None:
    app, received = FakeApp(), []
    handler = build_handler(app, lambda dicts: received.append(dicts) or {"ok": len(dicts)})
    handler([RawMessage("sitecase/P/dust/D/data", b'{"a": 1}')])
    assert app.contexts == 1
    [[message]] = received
    assert message["topic"] == "sitecase/P/dust/D/data" and message["payload"] == '{"a": 1}'
    assert set(message) == {"topic", "payload", "payload_encoding", "qos", "retain", "dup",
                            "received_at"}


def test_the_default_is_the_apps_ingestion_entry_point() -> None:
    from app.services.ingestion import entry

    assert load_ingest_function() is entry.ingest_messages
