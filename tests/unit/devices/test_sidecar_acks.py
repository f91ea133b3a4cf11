"""Sidecar acks: a delivery is acked on the connection that delivered it, or not at all."""
from __future__ import annotations

from types import SimpleNamespace

from devices.settings import SidecarConfig
from devices.sidecar import Sidecar


class FakeClient:
    def __init__(self) -> None:
        self.acks: list[tuple[int, int]] = []

    def ack(self, mid: int, qos: int) -> None:
        self.acks.append((mid, qos))


def make_sidecar() -> tuple[Sidecar, FakeClient]:
    sidecar = Sidecar(SidecarConfig(client_id="unit"), lambda batch: None)
    fake = FakeClient()
    sidecar.client = fake  # type: ignore[assignment]
    return sidecar, fake


def deliver(sidecar: Sidecar, mid: int, qos: int = 1) -> None:
    msg = SimpleNamespace(topic="sitecase/P/dust/D/data", payload=b"{}", qos=qos, retain=0, dup=0,
                          mid=mid)
    sidecar._on_message(sidecar.client, None, msg)  # type: ignore[arg-type]


def test_ack_goes_out_after_the_handler_on_the_same_connection() -> None:
    sidecar, fake = make_sidecar()
    deliver(sidecar, 7)
    assert fake.acks == []  # receiving is not acknowledging
    sidecar.batcher.run_once(0.5)
    assert fake.acks == [(7, 1)]


def test_ack_from_a_previous_connection_is_skipped() -> None:
    sidecar, fake = make_sidecar()
    deliver(sidecar, 7)
    sidecar._on_disconnect(sidecar.client, None, None, "lost", None)  # type: ignore[arg-type]
    deliver(sidecar, 8)  # the first delivery on the new connection
    sidecar.batcher.run_once(0.5)
    assert fake.acks == [(8, 1)]
    assert sidecar.stale_acks_skipped == 1 and sidecar.stats.handled == 2


def test_qos0_deliveries_need_no_ack() -> None:
    sidecar, fake = make_sidecar()
    deliver(sidecar, 0, qos=0)
    sidecar.batcher.run_once(0.5)
    assert fake.acks == [] and sidecar.stats.handled == 1
