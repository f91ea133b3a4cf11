"""Where a webhook may POST: http(s) URLs whose host resolves only to public addresses.

A subscription's URL is chosen by an administrator for a remote platform, but the server makes
the request: a URL on loopback, a private network, link-local (cloud metadata) or other
reserved addresses would turn the webhook into a probe of the inside (SSRF). Such targets are
refused unless their host is listed in WEBHOOK_ALLOWED_HOSTS (a platform inside the
government network). The check runs when the subscription is made and again for every POST,
where `pin` resolves the name once and the POST connects to the address it checked (Host header
and TLS name still the URL's), so a name re-pointed between the check and the connection (DNS
rebinding) cannot reach an inside address; redirects are never followed. Addresses that carry
an IPv4 address inside IPv6 (mapped, 6to4, Teredo, NAT64, the old compatible form) are judged
by that IPv4 address.
"""
from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

from app.errors import ValidationError

MAX_URL_LENGTH = 500


class WebhookUrlNotAllowed(ValidationError):
    """推送地址不可用：须为 http 或 https 地址，且不能指向本机或内部网络。"""
    code = "webhook_url_not_allowed"


def _refuse(reason: str) -> WebhookUrlNotAllowed:
    return WebhookUrlNotAllowed(reason, fields={"url": [reason]})


def _system_resolver(host: str, port: int) -> list[str]:
    return [info[4][0] for info in socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)]


# The one place a webhook host name becomes addresses; tests put names that resolve differently here.
resolver: Callable[[str, int], list[str]] = _system_resolver


@dataclass(frozen=True)
class Target:
    """Where one POST goes: the URL's scheme, host, port and path, and the checked address."""
    scheme: str
    host: str
    port: int
    path: str
    address: str


def pin(url: str, allowed_hosts: frozenset[str]) -> Target:
    """Resolve the URL's host once and check every address it gave; the POST connects to the
    first of them. Raises WebhookUrlNotAllowed."""
    check_url(url, allowed_hosts, resolve=False)
    parts = urlsplit(url.strip())
    port = parts.port or (443 if parts.scheme == "https" else 80)
    host = parts.hostname.lower()
    addresses = _addresses(host, port, True)
    if host not in allowed_hosts and not all(_public(a) for a in addresses):
        raise _refuse("推送地址不能指向本机或内部网络。")
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return Target(parts.scheme, host, port, path, addresses[0])


def check_url(url: str, allowed_hosts: frozenset[str], *, resolve: bool = True) -> str:
    """The URL, normalised, if a webhook may POST to it; raises WebhookUrlNotAllowed.

    `resolve=False` checks only what the URL itself says (an IP literal, the allow-list), for
    a host name that does not resolve from here yet.
    """
    url = (url or "").strip()
    if not url or len(url) > MAX_URL_LENGTH:
        raise _refuse("请填写推送地址（500 字符以内）。")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise _refuse("推送地址格式不正确。") from None
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.username or parts.password:
        raise _refuse("推送地址须为 http 或 https 地址，且不含用户名和密码。")
    host = parts.hostname.lower()
    if host in allowed_hosts:
        return url
    for address in _addresses(host, port, resolve):
        if not _public(address):
            raise _refuse("推送地址不能指向本机或内部网络。")
    return url


def _addresses(host: str, port: int | None, resolve: bool) -> list[str]:
    try:
        return [str(ipaddress.ip_address(host))]
    except ValueError:
        pass
    if host == "localhost" or host.endswith(".localhost"):
        return ["127.0.0.1"]
    if not resolve:
        return []
    try:
        addresses = resolver(host, port or 443)
    except (OSError, UnicodeError):
        raise _refuse("推送地址的主机名无法解析。") from None
    if not addresses:
        raise _refuse("推送地址的主机名无法解析。")
    return addresses


_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_COMPATIBLE = ipaddress.ip_network("::/96")


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> list[ipaddress.IPv4Address]:
    found = [ip.sixtofour, *(ip.teredo or ())]
    if ip in _NAT64:
        found.append(ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF))
    return [v4 for v4 in found if v4 is not None]


def public_address(address: str) -> bool:
    """Whether a POST may go to this address: global, not multicast, and so is any IPv4
    address it carries (::ffff:127.0.0.1 is loopback, 64:ff9b::a9fe:a9fe the metadata service)."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped:
            return public_address(str(ip.ipv4_mapped))
        if ip in _COMPATIBLE or not all(public_address(str(v4)) for v4 in _embedded_ipv4(ip)):
            return False
    return ip.is_global and not ip.is_multicast


_public = public_address
