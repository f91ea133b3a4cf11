"""devices/broker_acl.py: who gets which grant, and what a grant covers (no broker, no database)."""
from __future__ import annotations

from devices.broker_acl import SERVICE_GRANT, Authority, Grant, covers


def topics_of(username: str, password: str) -> list[str]:
    if password != "tok":
        raise ValueError("device_credentials_invalid")
    return [f"sitecase/P1/dust/{username}/data", f"sitecase/P1/dust/{username}/alarm"]


AUTHORITY = Authority("sitecase-sidecar", "svc-pw", topics_of)


def test_the_service_account_needs_its_password() -> None:
    assert AUTHORITY.grant("sitecase-sidecar", "svc-pw") == SERVICE_GRANT
    assert AUTHORITY.grant("sitecase-sidecar", "tok") is None
    assert AUTHORITY.grant("sitecase-sidecar", None) is None
    assert Authority("sitecase-sidecar", "", topics_of).grant("sitecase-sidecar", "") is None


def test_a_device_gets_its_own_topics_to_publish_and_nothing_to_subscribe() -> None:
    assert AUTHORITY.grant("D1", "tok") == Grant(
        publish=("sitecase/P1/dust/D1/data", "sitecase/P1/dust/D1/alarm"))
    assert AUTHORITY.grant("D1", "wrong") is None
    assert AUTHORITY.grant(None, "tok") is None and AUTHORITY.grant("", "tok") is None


def test_a_wildcard_in_a_device_code_does_not_widen_its_rights() -> None:
    assert AUTHORITY.grant("+", "tok") == Grant(publish=())
    assert AUTHORITY.grant("#", "tok") == Grant(publish=())


def test_covers_follows_mqtt_filter_rules() -> None:
    assert covers("sitecase/#", "sitecase/P1/dust/D1/data")
    assert covers("sitecase/#", "sitecase/+/+/+/data")
    assert not covers("sitecase/#", "#")
    assert covers("sitecase/P1/dust/D1/data", "sitecase/P1/dust/D1/data")
    assert not covers("sitecase/P1/dust/D1/data", "sitecase/P1/dust/D2/data")
