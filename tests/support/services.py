"""Real PostgreSQL, Redis and Mosquitto servers for tests, each on a free loopback port.

Why real servers: row locks, Redis queues and MQTT persistent sessions are exactly the parts
that fakes get wrong. Each server lives in its own temporary directory and process group, so a
failed test leaves neither processes nor files behind, and it never touches a system-wide
instance that may happen to run on the default port.
"""
from __future__ import annotations

import contextlib
import functools
import glob
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import psycopg
import redis
from psycopg import sql
from sqlalchemy.engine import make_url

LOOPBACK = "127.0.0.1"
START_TIMEOUT = 30.0
STOP_TIMEOUT = 15.0
PORT_ATTEMPTS = 3  # another process may grab the free port between probing and binding
LOG_TAIL_CHARS = 4000


class ServiceError(RuntimeError):
    """An installed server could not be started or did not become ready."""


class ServiceMissingError(ServiceError):
    """The server's binary is not installed; `package` names the Debian package to install."""

    def __init__(self, binary: str, package: str) -> None:
        super().__init__(f"{binary!r} not found: install the Debian package {package!r} "
                         f"(apt-get install {package})")
        self.package = package


def free_port() -> int:
    """Return a TCP port on the loopback interface that nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind((LOOPBACK, 0))
        return sock.getsockname()[1]


def find_binary(name: str, package: str, patterns: tuple[str, ...] = ()) -> str:
    """Locate `name` in the given glob patterns (newest version first), then PATH and /usr/sbin.

    Raises ServiceMissingError naming `package` when it is nowhere.
    """
    for pattern in patterns:
        found = sorted(glob.glob(pattern), key=_version_key, reverse=True)
        if found:
            return found[0]
    path = shutil.which(name) or shutil.which(name, path="/usr/sbin:/usr/local/sbin")
    if path is None:
        raise ServiceMissingError(name, package)
    return path


def find_postgres() -> str:
    return find_binary("postgres", "postgresql", ("/usr/lib/postgresql/*/bin/postgres",))


def find_redis() -> str:
    return find_binary("redis-server", "redis-server")


def find_mosquitto() -> str:
    return find_binary("mosquitto", "mosquitto")


def _version_key(path: str) -> list[int]:
    return [int(part) for part in Path(path).parts if part.isdigit()]


def _unprivileged_user(preferred: str) -> str | None:
    """The account servers run as: None (ourselves) unless we are root, as CI is.

    Why: postgres refuses to run as root, and a test server has no business running as root.
    """
    if os.geteuid() != 0:
        return None
    for name in (preferred, "nobody"):
        with contextlib.suppress(KeyError):
            return pwd.getpwnam(name).pw_name
    raise ServiceError(f"running as root, but neither user {preferred!r} nor 'nobody' exists")


@contextlib.contextmanager
def _workdir(kind: str, owner: str | None) -> Iterator[Path]:
    # /tmp rather than $TMPDIR when root: the server's user must be able to traverse the path.
    base = "/tmp" if owner else None
    path = Path(tempfile.mkdtemp(prefix=f"sitecase-{kind}-", dir=base))
    try:
        if owner:
            account = pwd.getpwnam(owner)
            os.chown(path, account.pw_uid, account.pw_gid)
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


def _user_kwargs(user: str | None) -> dict:
    if user is None:
        return {}
    account = pwd.getpwnam(user)
    return {"user": account.pw_uid, "group": account.pw_gid, "extra_groups": []}


class ServerProcess:
    """One server process in its own process group, logging to a file in its work directory."""

    def __init__(self, name: str, argv: list[str], workdir: Path, user: str | None = None,
                 stop_signal: int = signal.SIGTERM) -> None:
        self.name, self.argv, self.workdir, self.user = name, argv, workdir, user
        self.stop_signal = stop_signal
        self.log_path = workdir / f"{name}.log"
        self.proc: subprocess.Popen | None = None
        self._log_offset = 0

    def start(self) -> None:
        self._log_offset = self.log_path.stat().st_size if self.log_path.exists() else 0
        argv = self.argv
        if shutil.which("setpriv"):  # util-linux: the server dies with us even if we are SIGKILLed
            argv = ["setpriv", "--pdeathsig", "KILL", "--", *argv]
        with open(self.log_path, "ab") as log:
            self.proc = subprocess.Popen(
                argv, cwd=self.workdir, stdin=subprocess.DEVNULL, stdout=log,
                stderr=subprocess.STDOUT, start_new_session=True, **_user_kwargs(self.user))

    def wait_ready(self, probe: Callable[[], bool], timeout: float = START_TIMEOUT) -> None:
        """Poll `probe` until it returns True; raise ServiceError with the log if it never does."""
        deadline = time.monotonic() + timeout
        while True:
            code = self.proc.poll() if self.proc else -1
            if code is not None:
                raise ServiceError(f"{self.name} exited with code {code} while starting\n{self.log_tail()}")
            if probe():
                return
            if time.monotonic() > deadline:
                raise ServiceError(f"{self.name} not ready after {timeout:.0f}s\n{self.log_tail()}")
            time.sleep(0.05)

    def stop(self) -> None:
        """Ask the server to stop, wait for it, then kill whatever is left in its group."""
        if self.proc is None:
            return
        if self.proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                self.proc.send_signal(self.stop_signal)
            try:
                self.proc.wait(STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                _kill_group(self.proc.pid)
                self.proc.wait()
        _kill_group(self.proc.pid)  # children that outlived their leader
        self.proc = None

    def log_tail(self) -> str:
        try:
            with open(self.log_path, "rb") as log:
                log.seek(self._log_offset)
                text = log.read().decode("utf-8", "replace")
        except OSError as exc:
            return f"(no log: {exc})"
        header = f"--- {self.log_path} ---\n"
        return header + (text[-LOG_TAIL_CHARS:] or "(empty)")


def _kill_group(pgid: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, signal.SIGKILL)


def _start_on_free_port(make: Callable[[int], ServerProcess],
                        probe: Callable[[int], bool]) -> tuple[ServerProcess, int]:
    """Start a server on a fresh free port, retrying when another process won the port race."""
    for attempt in range(1, PORT_ATTEMPTS + 1):
        port = free_port()
        server = make(port)
        server.start()
        try:
            server.wait_ready(functools.partial(probe, port))
            return server, port
        except ServiceError:
            server.stop()
            if attempt == PORT_ATTEMPTS or "in use" not in server.log_tail():
                raise
    raise AssertionError("unreachable")


def _accepts_tcp(port: int) -> bool:
    try:
        with socket.create_connection((LOOPBACK, port), timeout=0.5):
            return True
    except OSError:
        return False


# --- PostgreSQL ------------------------------------------------------------------------------

@contextlib.contextmanager
def running_postgres(user: str = "sitecase", database: str = "sitecase", *,
                     durable: bool = False, keep: Path | None = None,
                     settings: dict[str, str] | None = None) -> Iterator[str]:
    """Yield `postgresql+psycopg://USER@127.0.0.1:PORT/DB` of a throw-away cluster.

    fsync is off (on, with synchronous commit and full page writes, when `durable`: what a
    production server pays per commit) and auth is trust: it is a test server listening on
    loopback only. With `keep` (a folder) the cluster lives there and outlives the call: a
    later call with the same folder starts the same cluster again (benchmarks whose seeding
    takes minutes). `settings` are more server settings (e.g. a benchmark's pg_stat_statements).
    """
    postgres = find_postgres()
    owner = _unprivileged_user("postgres")
    with (_kept_dir(keep, owner) if keep else _workdir("pg", owner)) as work:
        data = work / "data"
        fresh = not data.exists()
        if fresh:
            _initdb(str(Path(postgres).with_name("initdb")), data, user, work, owner)

        def make(port: int) -> ServerProcess:
            argv = [postgres, "-D", str(data), "-p", str(port), "-h", LOOPBACK, "-k", str(work),
                    "-c", "shared_buffers=32MB", "-c", "max_connections=200"]
            if not durable:
                argv += ["-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off"]
            for name, value in (settings or {}).items():
                argv += ["-c", f"{name}={value}"]
            # SIGINT is postgres' "fast shutdown": roll back open sessions and stop now.
            return ServerProcess("postgres", argv, work, owner, stop_signal=signal.SIGINT)

        server, port = _start_on_free_port(make, lambda port: _pg_accepts(user, port))
        try:
            url = f"postgresql+psycopg://{user}@{LOOPBACK}:{port}/{database}"
            if fresh:
                create_database(url, database)
            yield url
        finally:
            server.stop()


def _initdb(initdb: str, data: Path, user: str, work: Path, owner: str | None) -> None:
    init = ServerProcess("initdb", [initdb, "-D", str(data), "-U", user, "-A", "trust", "-E", "UTF8",
                                    "--no-locale", "--no-sync", "--no-instructions"], work, owner)
    init.start()
    try:
        code = init.proc.wait(120)
    finally:
        init.stop()
    if code != 0:
        raise ServiceError(f"initdb failed with code {code}\n{init.log_tail()}")


@contextlib.contextmanager
def _kept_dir(path: Path, owner: str | None) -> Iterator[Path]:
    path.mkdir(parents=True, exist_ok=True)
    if owner:
        account = pwd.getpwnam(owner)
        os.chown(path, account.pw_uid, account.pw_gid)
    yield path


def _pg_accepts(user: str, port: int) -> bool:
    try:
        psycopg.connect(host=LOOPBACK, port=port, user=user, dbname="postgres", connect_timeout=2).close()
        return True
    except psycopg.OperationalError:
        return False


def _maintenance_connection(url: str) -> psycopg.Connection:
    parsed = make_url(url)
    return psycopg.connect(host=parsed.host, port=parsed.port, user=parsed.username,
                           password=parsed.password, dbname="postgres", autocommit=True)


def database_url(url: str, name: str) -> str:
    """The same server URL pointing at database `name`."""
    return make_url(url).set(database=name).render_as_string(hide_password=False)


def create_database(url: str, name: str | None = None, template: str = "template0") -> str:
    """Create an empty database (or a copy of `template`) on the server of `url`; return its URL.

    Copying a migrated template database is much faster than migrating every test database.
    """
    name = name or f"test_{uuid.uuid4().hex[:12]}"
    with _maintenance_connection(url) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
            sql.Identifier(name), sql.Identifier(template)))
    return database_url(url, name)


def drop_database(url: str, name: str) -> None:
    """Drop database `name`, disconnecting any session still using it."""
    with _maintenance_connection(url) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


# --- Redis -----------------------------------------------------------------------------------

@contextlib.contextmanager
def running_redis() -> Iterator[str]:
    """Yield `redis://127.0.0.1:PORT/0` of an in-memory Redis without any persistence."""
    binary = find_redis()
    with _workdir("redis", None) as work:
        def make(port: int) -> ServerProcess:
            argv = [binary, "--port", str(port), "--bind", LOOPBACK, "--save", "", "--appendonly", "no",
                    "--dir", str(work), "--daemonize", "no", "--logfile", ""]
            return ServerProcess("redis", argv, work)

        server, port = _start_on_free_port(make, _redis_answers)
        try:
            yield f"redis://{LOOPBACK}:{port}/0"
        finally:
            server.stop()


def _redis_answers(port: int) -> bool:
    client = redis.Redis(host=LOOPBACK, port=port, socket_connect_timeout=0.5, socket_timeout=2)
    try:
        return bool(client.ping())
    except redis.exceptions.ConnectionError:
        return False
    finally:
        client.close()


# --- Mosquitto -------------------------------------------------------------------------------

class MosquittoBroker:
    """A Mosquitto broker that a test may stop and start again on the same port and data.

    Persistence is on so that persistent sessions and their queued QoS 1 messages survive a
    restart, which is what the device sidecar's reconnect tests need to observe.
    """

    def __init__(self, binary: str, workdir: Path, user: str | None) -> None:
        self.host = LOOPBACK
        self.port = 0
        self._binary, self._workdir, self._user = binary, workdir, user
        self._server: ServerProcess | None = None

    @property
    def url(self) -> str:
        return f"mqtt://{self.host}:{self.port}"

    def start(self) -> None:
        """Start on a free port the first time, on the same port and data afterwards."""
        if self._server is not None:
            return
        if self.port:
            self._server = self._make(self.port)
            self._server.start()
            self._server.wait_ready(lambda: _accepts_tcp(self.port))
        else:
            self._server, self.port = _start_on_free_port(self._make, _accepts_tcp)

    def stop(self) -> None:
        """Stop gracefully; mosquitto writes its persistence file on the way out."""
        if self._server is not None:
            self._server.stop()
            self._server = None

    def restart(self) -> None:
        self.stop()
        self.start()

    def _make(self, port: int) -> ServerProcess:
        data = self._workdir / "data"
        data.mkdir(exist_ok=True)
        if self._user:
            account = pwd.getpwnam(self._user)
            os.chown(data, account.pw_uid, account.pw_gid)
        conf = self._workdir / "mosquitto.conf"
        conf.write_text(
            f"listener {port} {LOOPBACK}\n"
            "allow_anonymous true\n"
            "persistence true\n"
            f"persistence_location {data}/\n"
            "log_dest stdout\n"
            "log_type error\nlog_type warning\nlog_type notice\nlog_type information\n",
            encoding="utf-8")
        return ServerProcess("mosquitto", [self._binary, "-c", str(conf)], self._workdir, self._user)


@contextlib.contextmanager
def running_mosquitto() -> Iterator[MosquittoBroker]:
    """Yield a started MosquittoBroker (`.url`, `.host`, `.port`, `.stop()`, `.restart()`)."""
    binary = find_mosquitto()
    owner = _unprivileged_user("mosquitto")
    with _workdir("mqtt", owner) as work:
        broker = MosquittoBroker(binary, work, owner)
        try:
            broker.start()
            yield broker
        finally:
            broker.stop()
