"""Which addresses a webhook may POST to: global unicast only, judged also by any IPv4 address
an IPv6 one carries (an attacker's [::ffff:127.0.0.1] or NAT64 form of the metadata service)."""
import pytest

from app.services.exchange.webhook_targets import public_address


@pytest.mark.parametrize("address", ["93.184.215.14", "2606:4700::1111", "::ffff:93.184.215.14",
                                     "2002:5db8:d70e::1", "64:ff9b::5db8:d70e"])
def test_public_addresses_are_allowed(address):
    assert public_address(address)


@pytest.mark.parametrize("address", [
    "127.0.0.1", "10.0.0.1", "172.16.0.1", "192.168.1.1", "100.64.0.1", "169.254.169.254", "0.0.0.0",
    "224.0.0.1", "240.0.0.1", "255.255.255.255", "198.18.0.1",
    "::1", "::", "fe80::1", "fe80::1%eth0", "fc00::1", "ff02::1", "ff0e::1",
    "::ffff:127.0.0.1", "::ffff:169.254.169.254", "::ffff:10.0.0.1", "::7f00:1",
    "2002:7f00:1::1", "64:ff9b::a9fe:a9fe", "2001:0:4136:e378:8000:63bf:3fff:fdd2"])
def test_loopback_private_link_local_multicast_reserved_and_their_ipv6_forms_are_refused(address):
    assert not public_address(address)
