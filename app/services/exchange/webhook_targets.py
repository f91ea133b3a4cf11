"""Where a webhook may POST: http(s) URLs whose host resolves only to public addresses.

A subscription's URL is chosen by an administrator for a remote platform, but the server makes
the request: a URL on loopback, a private network, link-local (cloud metadata) or other
reserved addresses would turn the webhook into a probe of the inside (SSRF). Such targets are
refused unless their host is listed in WEBHOOK_ALLOWED_HOSTS (a platform inside the
government network). The check runs when the subscription is made and again before every POST
(a name may be re-pointed); redirects are never followed.
"""
from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

from app.errors import ValidationError

MAX_URL_LENGTH = 500


class WebhookUrlNotAllowed(ValidationError):
    """推送地址不可用：须为 http 或 https 地址，且不能指向本机或内部网络。"""
    code = "webhook_url_not_allowed"


def _refuse(reason: str) -> WebhookUrlNotAllowed:
    return WebhookUrlNotAllowed(reason, fields={"url": [reason]})


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
        infos = socket.getaddrinfo(host, port or 443, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError):
        raise _refuse("推送地址的主机名无法解析。") from None
    return [info[4][0] for info in infos]


def _public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast
