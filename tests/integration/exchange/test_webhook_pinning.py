"""Webhook DNS pinning: each POST resolves its host once, checks every address, and connects to
the checked one (Host header and TLS name still the URL's), so a name re-pointed at an inside
address between the check and the connection (DNS rebinding) reaches nothing. Names resolve
through the delivery's resolver hook; the receivers are real servers."""
from __future__ import annotations

import datetime as dt
import ssl
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from app.domain.actors import SYSTEM
from app.extensions import db
from app.models import WebhookAttempt
from app.services.exchange import accounts, webhook_delivery, webhook_subscriptions, webhook_targets
from tests.support.factories import gen_district, gen_project
from tests.support.settings import change_settings
from tests.support.webhook_receiver import Receiver

PUBLIC = "93.184.215.14"


class Names:
    """A resolver hook: each name answers its list of answers in turn (the last one repeats)."""

    def __init__(self, answers: dict[str, list[list[str]]]):
        self.answers, self.asked = answers, []

    def __call__(self, host: str, port: int) -> list[str]:
        self.asked.append(host)
        turns = self.answers[host]
        return turns.pop(0) if len(turns) > 1 else turns[0]


@pytest.fixture
def receiver(tmp_path):
    r = Receiver(tmp_path / "received.jsonl").start()
    yield r
    r.stop()


def _subscribe_and_change(url: str) -> None:
    district = gen_district()
    account, _ = accounts.create_account(SYSTEM, "省平台", district.code)
    webhook_subscriptions.create_subscription(SYSTEM, account.id, url, ["project"])
    gen_project(district)


def test_the_post_goes_to_the_address_checked_once_with_the_urls_host_name(sqlite_app, monkeypatch, receiver):
    names = Names({"platform.test": [["127.0.0.1"]]})  # unknown to the system's DNS
    monkeypatch.setattr(webhook_targets, "resolver", names)
    change_settings(monkeypatch, sqlite_app, webhook_allowed_hosts=frozenset({"platform.test"}))
    _subscribe_and_change(f"http://platform.test:{receiver.port}/hook")
    assert webhook_delivery.run_pass()["delivered"] == 1
    [got] = receiver.received()
    assert got["headers"]["Host"] == f"platform.test:{receiver.port}"
    assert names.asked == ["platform.test"]  # one lookup for the one POST, none by the HTTP client


@pytest.mark.parametrize("turns", [[[PUBLIC], ["127.0.0.1"]], [[PUBLIC], ["::ffff:127.0.0.1"]],
                                   [[PUBLIC], [PUBLIC, "169.254.169.254"]]])
def test_a_name_rebound_to_an_inside_address_after_the_check_reaches_nothing(sqlite_app, monkeypatch,
                                                                             receiver, turns):
    names = Names({"rebind.test": turns})
    monkeypatch.setattr(webhook_targets, "resolver", names)
    change_settings(monkeypatch, sqlite_app, webhook_allowed_hosts=frozenset({"127.0.0.1"}))
    _subscribe_and_change(f"http://rebind.test:{receiver.port}/hook")  # public when subscribed
    webhook_delivery.run_pass()
    [attempt] = db.session.query(WebhookAttempt).all()
    assert attempt.error == "webhook_url_not_allowed" and attempt.http_status is None
    assert receiver.received() == [] and names.asked == ["rebind.test", "rebind.test"]


def _certificate(name: str, folder) -> tuple[str, str]:
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = dt.datetime.now(dt.UTC)
    cert = (x509.CertificateBuilder().subject_name(subject).issuer_name(subject).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName(name)]), critical=False)
            .sign(key, hashes.SHA256()))
    cert_file, key_file = folder / "cert.pem", folder / "key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return str(cert_file), str(key_file)


def test_tls_is_asked_for_the_urls_name_and_its_certificate_checked(sqlite_app, monkeypatch, tmp_path):
    served, names_seen = [], []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 — the http.server hook name
            served.append(self.path)
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args) -> None:
            pass

    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(*_certificate("platform.test", tmp_path))
    context.sni_callback = lambda sock, name, ctx: names_seen.append(name)
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        monkeypatch.setattr(webhook_targets, "resolver", Names({"platform.test": [["127.0.0.1"]]}))
        change_settings(monkeypatch, sqlite_app, webhook_allowed_hosts=frozenset({"platform.test"}))
        _subscribe_and_change(f"https://platform.test:{server.server_address[1]}/hook")
        webhook_delivery.run_pass()
    finally:
        server.shutdown()
        server.server_close()
    [attempt] = db.session.query(WebhookAttempt).all()
    # the name went out as SNI; the self-signed certificate is not trusted: nothing was POSTed
    assert names_seen == ["platform.test"] and served == []
    assert not attempt.ok and attempt.http_status is None and attempt.error
