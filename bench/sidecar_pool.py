"""The shipped sidecar, ``python -m devices --processes N``, run against the benchmark's site."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


class SidecarPool:
    """N sidecar processes on ``$share/bench-<tag>/…``; ready once all of them subscribed.

    Session expiry 0: the broker forgets these sessions (and their group membership) when the
    pool stops, so it does not keep queueing a share of later runs' messages for them.
    """

    def __init__(self, app, broker, processes: int, tag: str, log_dir: Path) -> None:
        self.processes, self.tag = processes, tag
        self.log_path = log_dir / f"sidecar-{tag}.log"
        self.env = {**os.environ, "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
                    "SITECASE_INSTANCE_DIR": str(app.config["INSTANCE_DIR"]),
                    "MQTT_URL": broker.url, "MQTT_EMBEDDED": "0", "MQTT_PROTOCOL": "5",
                    "MQTT_CLIENT_ID": f"bench-{tag}", "MQTT_SHARED_GROUP": f"bench-{tag}",
                    "MQTT_SESSION_EXPIRY_S": "0", "MQTT_BATCH_SIZE": "500", "MQTT_BATCH_MS": "50",
                    "MQTT_RECEIVE_MAXIMUM": "1000", "PYTHONUNBUFFERED": "1"}
        self.proc: subprocess.Popen | None = None

    def __enter__(self) -> SidecarPool:
        log_dir = self.log_path.parent
        log_dir.mkdir(parents=True, exist_ok=True)
        self._log = open(self.log_path, "ab")  # noqa: SIM115 - closed in __exit__
        self.proc = subprocess.Popen([sys.executable, "-m", "devices", "--processes", str(self.processes)],
                                     cwd=ROOT, env=self.env, stdout=self._log, stderr=subprocess.STDOUT,
                                     start_new_session=True)
        deadline = time.monotonic() + 120
        while self._log_text().count("MQTT subscribed to") < self.processes:
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"sidecar pool did not subscribe; see {self.log_path}")
            time.sleep(0.1)
        return self

    def _log_text(self) -> str:
        return self.log_path.read_text(errors="replace")

    def __exit__(self, *exc: object) -> None:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(60)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()
        self._log.close()
