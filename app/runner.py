"""``python -m app.runner``: the embedded run — MQTT broker, Celery worker, web server, sidecar.

Why a small supervisor of our own: `make run` must work on a fresh machine with nothing else
installed, and stopping must go in reverse start order so nothing outlives what it depends on.
Each child gets its own session (a terminal Ctrl-C reaches only us; we stop the children in
order) and, where util-linux's setpriv exists, a parent-death signal so a killed runner does
not leave orphans holding the ports.

A child that dies is restarted, not mourned: one crash must not take the web pages, the worker
and the device stream down with it. The delay doubles with each death in a row (RESTART_MIN_S up
to RESTART_MAX_S) so a child that cannot start is retried without a tight loop, and falls back
to the minimum once the child has stayed up for STABLE_S.
"""
from __future__ import annotations

import argparse
import contextlib
import functools
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from types import FrameType
from urllib.parse import urlsplit

from app.config import ROOT, Config

STARTUP_TIMEOUT = 180.0  # importing the app takes a while on a busy two-core machine
STOP_TIMEOUT = 20.0
POLL_SECONDS = 0.25
RESTART_MIN_S = 1.0
RESTART_MAX_S = 30.0
STABLE_S = 60.0


@dataclass
class Child:
    """A supervised process; it counts as ready once `ready` (if any) returns True."""

    name: str
    argv: list[str]
    ready: Callable[[], bool] | None = None
    proc: subprocess.Popen | None = None
    started_at: float = 0.0
    deaths_in_a_row: int = 0
    restart_at: float | None = None


@dataclass(frozen=True)
class Backoff:
    """Restart delays: ``min_s`` doubling per death in a row up to ``max_s``; reset after ``stable_s`` up."""

    min_s: float = RESTART_MIN_S
    max_s: float = RESTART_MAX_S
    stable_s: float = STABLE_S

    def delay(self, deaths_in_a_row: int) -> float:
        return min(self.max_s, self.min_s * 2 ** max(0, deaths_in_a_row - 1))


class ChildFailed(RuntimeError):
    """A child never became ready."""


class StopRequested(Exception):
    """SIGINT or SIGTERM arrived."""


class Supervisor:
    """Starts children in order, watches them, and stops them in reverse order."""

    def __init__(self, children: list[Child], env: dict[str, str], backoff: Backoff = Backoff()) -> None:
        self.children, self.env, self.backoff = children, env, backoff
        self.started: list[Child] = []
        self.stop_signal: int | None = None
        self.restarts = 0

    def run(self, on_ready: Callable[[], None]) -> int:
        """Return 0 after a requested stop, 1 when a child never became ready."""
        previous = {signum: signal.signal(signum, self._request_stop)
                    for signum in (signal.SIGINT, signal.SIGTERM)}
        try:
            for child in self.children:
                self._start(child)
                self._wait_ready(child)
            on_ready()
            while True:
                self._check()
                time.sleep(POLL_SECONDS)
        except StopRequested:
            say(f"signal {self.stop_signal}: stopping")
            return 0
        except ChildFailed as exc:
            say(f"{exc}; stopping the rest")
            return 1
        finally:
            for child in reversed(self.started):
                self._stop(child)
            for signum, handler in previous.items():
                signal.signal(signum, handler)

    def _request_stop(self, signum: int, _frame: FrameType | None) -> None:
        self.stop_signal = signum

    def _start(self, child: Child) -> None:
        argv = child.argv
        if sys.platform.startswith("linux") and shutil.which("setpriv"):
            argv = ["setpriv", "--pdeathsig", "TERM", "--", *argv]
        child.proc = subprocess.Popen(argv, cwd=ROOT, env=self.env, stdin=subprocess.DEVNULL,
                                      start_new_session=True)
        child.started_at, child.restart_at = time.monotonic(), None
        if child not in self.started:
            self.started.append(child)
        say(f"started {child.name} (pid {child.proc.pid})")

    def _check(self) -> None:
        if self.stop_signal is not None:
            raise StopRequested
        now = time.monotonic()
        for child in self.started:
            if child.restart_at is not None:
                if now >= child.restart_at:
                    self.restarts += 1
                    self._start(child)
                continue
            code = child.proc.poll()
            if code is not None:
                self._schedule_restart(child, code, now)

    def _schedule_restart(self, child: Child, code: int, now: float) -> None:
        if now - child.started_at >= self.backoff.stable_s:
            child.deaths_in_a_row = 0
        child.deaths_in_a_row += 1
        delay = self.backoff.delay(child.deaths_in_a_row)
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(child.proc.pid, signal.SIGKILL)  # whatever the dead child left behind
        say(f"{child.name} (pid {child.proc.pid}) exited with code {code}; restarting in "
            f"{delay:.1f}s (death {child.deaths_in_a_row} in a row)")
        child.restart_at = now + delay

    def _wait_ready(self, child: Child) -> None:
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while child.ready is not None and not child.ready():
            self._check()
            if time.monotonic() > deadline:
                raise ChildFailed(f"{child.name} was not ready within {STARTUP_TIMEOUT:.0f}s")
            time.sleep(POLL_SECONDS)

    def _stop(self, child: Child) -> None:
        proc = child.proc
        if proc.poll() is None:
            say(f"stopping {child.name} (pid {proc.pid})")
            with contextlib.suppress(ProcessLookupError):
                proc.terminate()
            try:
                proc.wait(STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                say(f"{child.name} ignored SIGTERM for {STOP_TIMEOUT:.0f}s: killing it")
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, signal.SIGKILL)  # the process and anything it left behind
        proc.wait()


def say(message: str) -> None:
    print(f"[runner] {message}", file=sys.stderr, flush=True)


def port_open(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


def mqtt_ready(port: int) -> bool:
    """A real CONNECT/CONNACK: a bare TCP probe makes amqtt log an error for every attempt."""
    from app.infra.health import mqtt_connack

    try:
        return mqtt_connack("127.0.0.1", port, username=Config.MQTT_SERVICE_USERNAME,
                            password=Config.MQTT_SERVICE_PASSWORD)
    except OSError:
        return False


def plan(host: str, port: int, mqtt_port: int) -> list[Child]:
    """The children in start order: each may depend on the ones before it."""
    python = sys.executable
    children = []
    if Config.MQTT_EMBEDDED:
        children.append(Child("mqtt-broker", [python, "-m", "devices.broker", "--host", "127.0.0.1",
                                              "--port", str(mqtt_port)],
                              ready=functools.partial(mqtt_ready, mqtt_port)))
    children += [
        Child("worker", [python, "-m", "celery", "-A", "app.celery_worker", "worker", "-B",
                         "--pool=solo", "--loglevel=INFO", "--hostname=sitecase@%h",
                         # gossip, mingle and heartbeats are broadcasts no single worker needs
                         "--without-gossip", "--without-mingle", "--without-heartbeat",
                         f"--schedule={Config.CELERY_DATA_DIR / 'beat-schedule'}"]),
        # the production server, one worker process per core (app/gunicorn_config.py)
        Child("web", [python, "-m", "gunicorn", "--config=python:app.gunicorn_config",
                      f"--bind={host}:{port}", "wsgi:app"],
              ready=functools.partial(port_open, _local(host), port)),
        Child("mqtt-sidecar", [python, "-m", "devices"]),
    ]
    return children


def child_env(port: int, mqtt_port: int) -> dict[str, str]:
    """The environment the children inherit, plus what the embedded broker implies."""
    env = dict(os.environ, PYTHONUNBUFFERED="1", PORT=str(port))
    if Config.MQTT_EMBEDDED:
        # amqtt speaks MQTT 3.1.1 only and has no $share/ subscriptions
        env.update(MQTT_URL=f"mqtt://127.0.0.1:{mqtt_port}", MQTT_EMBEDDED="1",
                   MQTT_PROTOCOL="3.1.1", MQTT_SHARED_GROUP="")
    return env


def _local(host: str) -> str:
    """An address of ours that reaches a server bound to `host`."""
    return "127.0.0.1" if host in ("0.0.0.0", "", "::") else host


def banner(host: str, port: int, mqtt_url: str) -> str:
    shown = _local(host)
    lines = [
        "", "SiteCase is running.",
        f"  web:         http://{shown}:{port}/",
        f"  MQTT broker: {mqtt_url}{' (embedded)' if Config.MQTT_EMBEDDED else ''}",
        f"  Celery:      {_without_credentials(Config.CELERY_BROKER_URL)}",
        f"Demo accounts (password {Config.DEMO_PASSWORD}):",
    ]
    lines += [f"  {user:<20} {role:<28} {text}" for user, role, text in demo_accounts()]
    lines += ["Press Ctrl-C to stop.", ""]
    return "\n".join(lines)


def _without_credentials(url: str) -> str:
    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return url
    return parts._replace(netloc=parts.netloc.rpartition("@")[2]).geturl()


def demo_accounts() -> list[tuple[str, str, str]]:
    try:
        from app.cli import demo_accounts as accounts
    except ImportError as exc:  # the banner must not take the run down
        return [("(unavailable)", "", f"app.cli.demo_accounts: {exc}")]
    return accounts()


def main(argv: list[str] | None = None) -> int:
    mqtt = urlsplit(Config.MQTT_URL)
    parser = argparse.ArgumentParser(prog="python -m app.runner", description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1", help="web interface to bind (0.0.0.0 for all)")
    parser.add_argument("--port", type=int, default=getattr(Config, "PORT", 5000), help="web port")
    parser.add_argument("--mqtt-port", type=int, default=mqtt.port or 1883,
                        help="port of the embedded MQTT broker")
    args = parser.parse_args(argv)
    mqtt_url = (f"mqtt://127.0.0.1:{args.mqtt_port}" if Config.MQTT_EMBEDDED
                else _without_credentials(Config.MQTT_URL))
    supervisor = Supervisor(plan(args.host, args.port, args.mqtt_port),
                            child_env(args.port, args.mqtt_port))
    return supervisor.run(lambda: print(banner(args.host, args.port, mqtt_url), flush=True))


if __name__ == "__main__":
    sys.exit(main())
