"""One webhook POST to a pinned address (webhook_targets.pin): the TCP connection goes to the
address that was checked, while the Host header, the TLS server name (SNI) and the certificate
check are the URL's host name — so no second DNS lookup happens between the check and the
connection. No proxy from the environment, no redirects, no retries here (the delivery pass
retries with back-off)."""
from __future__ import annotations

import ssl
from functools import lru_cache

import certifi
import urllib3

from app.services.exchange.webhook_targets import Target


@lru_cache(maxsize=1)
def _tls() -> ssl.SSLContext:
    return ssl.create_default_context(cafile=certifi.where())  # hostname check and CERT_REQUIRED on


def _host_header(target: Target) -> str:
    name = f"[{target.host}]" if ":" in target.host else target.host
    default = 443 if target.scheme == "https" else 80
    return name if target.port == default else f"{name}:{target.port}"


def post(target: Target, body: bytes, headers: dict[str, str], timeout: float) -> int:
    """POST `body` to the target's address; returns the HTTP status. Raises urllib3's HTTPError
    (connection refused, timeout, TLS failure — the name's certificate did not match)."""
    common = {"host": target.address, "port": target.port, "maxsize": 1, "retries": False,
              "timeout": urllib3.Timeout(connect=timeout, read=timeout)}
    if target.scheme == "https":
        pool = urllib3.HTTPSConnectionPool(**common, ssl_context=_tls(), server_hostname=target.host,
                                           assert_hostname=target.host)
    else:
        pool = urllib3.HTTPConnectionPool(**common)
    try:
        answer = pool.urlopen("POST", target.path, body=body, headers={**headers, "Host": _host_header(target)},
                              redirect=False, assert_same_host=False, preload_content=False)
        answer.drain_conn()
        answer.release_conn()
        return answer.status
    finally:
        pool.close()
