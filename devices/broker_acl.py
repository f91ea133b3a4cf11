"""Who may do what on the embedded broker: device credentials and a topic ACL (an amqtt plugin).

A device connects with username = its device code and password = its token, and may publish
only on its own topics (``sitecase/<project>/<type>/<device code>/data|alarm``); it may not
subscribe. The sidecar connects with the service account (MQTT_SERVICE_USERNAME/PASSWORD) and is
the only client that may subscribe to device topics. Everyone else is refused at CONNECT.

Device credentials are checked by the app (``device_topics``, a blocking call run in a thread);
the broker caches nothing, so a token reset or a deactivated device takes effect at the next
connect. A real login also keeps the session non-anonymous: amqtt queues QoS 1 messages for an
offline persistent session only when its client was not anonymous.
"""
from __future__ import annotations

import asyncio
import hmac
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from amqtt.contexts import Action
from amqtt.plugins.base import BaseAuthPlugin, BaseTopicPlugin
from amqtt.plugins.topic_checking import TopicAccessControlListPlugin
from amqtt.session import Session

log = logging.getLogger("devices.broker")
GRANT_ATTRIBUTE = "sitecase_grant"
DeviceTopics = Callable[[str, str], Sequence[str]]  # raises when the credentials are not valid


@dataclass(frozen=True)
class Grant:
    """Topic filters a client may publish on, and subscribe to (and so receive from)."""

    publish: tuple[str, ...] = ()
    subscribe: tuple[str, ...] = ()


SERVICE_GRANT = Grant(publish=("sitecase/#",), subscribe=("sitecase/#",))


@dataclass(frozen=True)
class Authority:
    """Decides a client's grant from its username and password (None: refused)."""

    service_username: str
    service_password: str
    device_topics: DeviceTopics

    def grant(self, username: str | None, password: str | None) -> Grant | None:
        if not username:
            return None
        if username == self.service_username:
            ok = bool(self.service_password) and hmac.compare_digest(
                (password or "").encode(), self.service_password.encode())
            return SERVICE_GRANT if ok else None
        try:
            topics = self.device_topics(username, password or "")
        except Exception as exc:  # noqa: BLE001 - a refusal (or a database hiccup) refuses the client
            log.info("MQTT client %r refused: %s", username, getattr(exc, "code", type(exc).__name__))
            return None
        # a wildcard in a device code must not widen what the device may publish on
        return Grant(publish=tuple(t for t in topics if "+" not in t and "#" not in t))


def covers(allowed: str, requested: str) -> bool:
    """Whether topic filter ``allowed`` includes the topic (or filter) ``requested``."""
    return TopicAccessControlListPlugin.topic_ac(requested, allowed)


class DeviceAclPlugin(BaseAuthPlugin, BaseTopicPlugin):
    """amqtt plugin: authenticate with an :class:`Authority`, then filter topics by the grant."""

    @dataclass
    class Config:
        authority: Any = field(default=None)

    async def authenticate(self, *, session: Session) -> bool:
        authority: Authority = self.config.authority
        grant = await asyncio.to_thread(authority.grant, session.username, session.password)
        setattr(session, GRANT_ATTRIBUTE, grant)
        if grant is None:
            log.info("MQTT CONNECT refused for client %r (username %r)", session.client_id,
                     session.username)
        return grant is not None

    async def topic_filtering(self, *, session: Session | None = None, topic: str | None = None,
                              action: Action | None = None) -> bool:
        grant: Grant | None = getattr(session, GRANT_ATTRIBUTE, None)
        if grant is None or not topic:
            return False
        filters = grant.publish if action == Action.PUBLISH else grant.subscribe
        allowed = any(covers(f, topic) for f in filters)
        if not allowed and action == Action.PUBLISH:
            log.warning("MQTT publish refused: %r may not publish on %r", session.username, topic)
        return allowed
