"""The web server of `make run` (app.runner's "web" child, app/gunicorn_config.py) spreads the
keep-alive connections of many clients over its worker processes.

gunicorn's workers shared one listening socket: whichever worker woke first accepted every
connection waiting, and a keep-alive connection stays with the worker that accepted it, so a
burst of clients (wrk's 64 connections) ended on one process and one core while the other idled.
"""
from __future__ import annotations

import gzip
import http.client
import os
import re
import shutil
import socket
import subprocess
import time
from collections import Counter
from pathlib import Path

from app.runner import plan, port_open
from tests.support.services import free_port

ROOT = Path(__file__).resolve().parents[2]
CLIENTS = 32


def test_a_burst_of_keep_alive_clients_is_spread_over_the_workers(tmp_path: Path, sqlite_template: Path) -> None:
    server, port, log = _start_server(tmp_path, sqlite_template, workers=2)
    clients: list[socket.socket] = []
    try:
        workers = _wait_for_workers(server, port, 2, log)
        clients = [socket.create_connection(("127.0.0.1", port), timeout=30) for _ in range(CLIENTS)]
        for client in clients:  # every connection answered once and kept open
            client.sendall(f"GET /assets/site.css HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode())
        for client in clients:
            assert client.recv(64).startswith(b"HTTP/1.1 200"), log.read_text("utf-8", "replace")
        held = Counter(_holder(client, workers) for client in clients)
        assert set(held) == set(workers), f"connections per worker {dict(held)} of workers {workers}"
    finally:
        for client in clients:
            client.close()
        server.terminate()
        server.wait(30)


def _start_server(tmp_path: Path, sqlite_template: Path, workers: int) -> tuple[subprocess.Popen, int, Path]:
    """`make run`'s web child with `workers` workers on a copy of the migrated SQLite template:
    the server process, its port and its log."""
    database = tmp_path / "web.sqlite"
    shutil.copyfile(sqlite_template, database)
    port = free_port()
    web = next(child for child in plan("127.0.0.1", port, 0) if child.name == "web")
    env = dict(os.environ, DATABASE_URL=f"sqlite:///{database}", SITECASE_INSTANCE_DIR=str(tmp_path / "instance"),
               WEB_WORKERS=str(workers), PYTHONUNBUFFERED="1")
    log = tmp_path / "gunicorn.log"
    with log.open("wb") as out:
        server = subprocess.Popen(web.argv, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
                                  start_new_session=True)
    return server, port, log


def _wait_for_workers(server: subprocess.Popen, port: int, count: int, log: Path) -> list[int]:
    """The worker pids, once `count` workers are up and the port answers."""
    deadline = time.monotonic() + 180
    while True:
        assert server.poll() is None and time.monotonic() < deadline, log.read_text("utf-8", "replace")
        workers = [int(pid) for pid in (Path(f"/proc/{server.pid}/task/{server.pid}/children")
                                        .read_text().split())]
        text = log.read_text("utf-8", "replace")
        if (len(workers) == count and port_open("127.0.0.1", port)
                and all(f"Booting worker with pid: {pid}" in text for pid in workers)):
            time.sleep(1.0)  # each worker binds and listens after its boot line
            return workers
        time.sleep(0.3)


def _holder(client: socket.socket, workers: list[int]) -> int | None:
    """The worker whose open files include the server end of `client`'s connection."""
    local_port = client.getsockname()[1]
    inode = _server_socket_inode(client.getpeername()[1], local_port)
    for pid in workers:
        for fd in Path(f"/proc/{pid}/fd").iterdir():
            try:
                if os.readlink(fd) == f"socket:[{inode}]":
                    return pid
            except OSError:
                continue
    return None


def _server_socket_inode(server_port: int, client_port: int) -> str:
    """The inode of the server side of the loopback connection server_port ↔ client_port."""
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        local, remote = fields[1].split(":")[1], fields[2].split(":")[1]
        if int(local, 16) == server_port and int(remote, 16) == client_port:
            return fields[9]
    raise AssertionError(f"no server socket for client port {client_port}")


def test_the_server_refuses_a_port_another_process_listens_on(tmp_path: Path) -> None:
    """SO_REUSEPORT would let a second server share the port of the first without a word."""
    port = free_port()
    web = next(child for child in plan("127.0.0.1", port, 0) if child.name == "web")
    env = dict(os.environ, SITECASE_INSTANCE_DIR=str(tmp_path / "instance"), WEB_WORKERS="1")
    with socket.socket() as other:
        other.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        other.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        other.bind(("127.0.0.1", port))
        other.listen()
        done = subprocess.run(web.argv, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode != 0
    assert f"cannot listen on 127.0.0.1:{port}" in done.stderr


def test_the_server_answers_static_files_compressed_cached_and_revalidated(tmp_path: Path,
                                                                          sqlite_template: Path) -> None:
    """Through the real server and real HTTP (gunicorn's own framing, not the test client): a
    fingerprinted stylesheet gzipped and kept a year, its ETag answered 304, no session cookie."""
    server, port, log = _start_server(tmp_path, sqlite_template, workers=1)
    try:
        _wait_for_workers(server, port, 1, log)
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        connection.request("GET", "/login")
        page = connection.getresponse().read().decode()
        url = re.search(r'href="(/assets/site\.css\?v=[0-9a-f]{12})"', page).group(1)
        connection.request("GET", url, headers={"Accept-Encoding": "gzip, br"})
        answer = connection.getresponse()
        body = answer.read()
        assert answer.status == 200 and answer.getheader("Content-Encoding") == "gzip"
        assert "immutable" in answer.getheader("Cache-Control") and "max-age=31536000" in answer.getheader("Cache-Control")
        assert answer.getheader("Set-Cookie") is None and "Accept-Encoding" in answer.getheader("Vary")
        assert gzip.decompress(body) == (ROOT / "app" / "web" / "static" / "site.css").read_bytes()
        connection.request("GET", url, headers={"Accept-Encoding": "gzip", "If-None-Match": answer.getheader("ETag")})
        again = connection.getresponse()
        assert again.status == 304 and again.read() == b""
    finally:
        server.terminate()
        server.wait(30)
