"""The multi-process sidecar: who may scale, worker ids, and the pool's stop and restart."""
from __future__ import annotations

import signal
import sys
import threading
import time

import pytest

from devices import workers


def test_several_processes_need_a_shared_group() -> None:
    workers.check_can_scale(1, None)
    workers.check_can_scale(3, "sitecase")
    with pytest.raises(workers.WorkerSetupError, match="MQTT_SHARED_GROUP"):
        workers.check_can_scale(2, None)
    with pytest.raises(workers.WorkerSetupError, match="at least 1"):
        workers.check_can_scale(0, "sitecase")


def test_worker_client_ids_are_stable_and_distinct() -> None:
    ids = [workers.worker_client_id("sitecase-sidecar-host", i) for i in range(3)]
    assert ids == ["sitecase-sidecar-host-0", "sitecase-sidecar-host-1", "sitecase-sidecar-host-2"]


def test_pool_restarts_a_dead_worker_and_stops_the_rest_on_sigterm(tmp_path) -> None:
    marker = tmp_path / "starts"

    def argv_for(index: int) -> list[str]:
        # worker 0 dies at once on its first start; every start is recorded
        code = (f"import pathlib, sys, time; p = pathlib.Path({str(marker)!r}); "
                f"first = not p.exists() or '{index}' not in p.read_text(); "
                f"p.open('a').write('{index}'); "
                f"sys.exit(3) if {index} == 0 and first else time.sleep(60)")
        return [sys.executable, "-c", code]

    pool = workers.WorkerPool(2, argv_for, restart_delay_s=0.2)
    stopper = threading.Timer(3.0, lambda: signal.raise_signal(signal.SIGTERM))
    stopper.start()
    began = time.monotonic()
    assert pool.run() == 0
    assert time.monotonic() - began < 20  # the sleeping workers were stopped, not waited for
    assert sorted(marker.read_text()) == ["0", "0", "1"] and pool.restarts == 1
    assert all(w.proc.poll() is not None for w in pool.workers)
