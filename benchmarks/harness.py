"""Starting what a load run measures: the dashboard's Streamlit processes and nginx."""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE = Path(__file__).resolve().parent / "nginx.conf.template"
PER_CONNECTION = "hash $remote_addr$remote_port consistent;"
"""The affinity used for measuring: per TCP connection (all test load comes from 127.0.0.1)."""


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_healthy(port: int, process: subprocess.Popen[bytes], timeout: float = 90.0) -> None:
    """Wait until ``/_stcore/health`` on ``port`` answers 200 (raises if the process died)."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as answer:
                if answer.status == 200:
                    return
        except OSError:
            pass
        if process.poll() is not None:
            raise RuntimeError(f"the process on port {port} exited with {process.returncode}")
        if time.monotonic() > deadline:
            raise RuntimeError(f"nothing healthy on port {port} after {timeout:.0f} s")
        time.sleep(0.3)


def stop(process: subprocess.Popen[bytes]) -> None:
    """Terminate a process started here, killing it if it does not stop in 15 s."""
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@dataclass(frozen=True)
class Backend:
    """One running ``streamlit run serve.py``."""

    port: int
    process: subprocess.Popen[bytes]

    @property
    def pid(self) -> int:
        """Its process id."""
        return self.process.pid


def snapshot(source: str, target: Path) -> dict[str, object]:
    """Copy the app under test to ``target``: ``"head"`` (the last commit), ``"worktree"``, or a commit.

    The servers and the load generator's store both run from the copy, so edits made in
    the repository during a long run do not change what is measured. Returns the commit
    and, for a working-tree copy, the files that differed from it.
    """
    def git(*args: str) -> str:
        return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=True).stdout

    commit = git("rev-parse", "--short", "HEAD").strip()
    target.mkdir(parents=True)
    if source != "worktree":
        rev = "HEAD" if source == "head" else source
        archive = subprocess.run(["git", "archive", rev], cwd=ROOT, capture_output=True, check=True).stdout
        subprocess.run(["tar", "-x", "-C", str(target)], input=archive, check=True)
        if source == "head":
            return {"app": "HEAD", "commit": commit}
        return {"app": source, "commit": git("rev-parse", "--short", rev).strip()}
    skip = shutil.ignore_patterns(".venv", ".git", ".cache", "__pycache__", "secrets.toml", "results", "*.pyc")
    shutil.copytree(ROOT, target, ignore=skip, dirs_exist_ok=True)
    modified = [line[3:] for line in git("status", "--porcelain").splitlines()]
    return {"app": "working tree", "commit": commit, "modified": modified}


@contextlib.contextmanager
def dashboards(app: Path, config: Path, count: int, logs: Path, profile: Path | None = None) -> Iterator[list[Backend]]:
    """Run ``count`` processes of ``app``'s dashboard for ``config`` with the production settings.

    They run from ``app`` (a snapshot of the repository), so its ``.streamlit/config.toml``
    applies (no file watcher, no post-run GC, headless); no secrets file, so nobody can
    sign in (viewers need none). Logs go to ``logs/server-<port>.log``. With ``profile``
    (a path prefix), each runs under ``profile_server.py`` and writes ``<profile>-<port>.txt``.
    """
    logs.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "THIDUA_CONFIG": str(config), "THIDUA_CACHE_DIR": str(logs / "cache")}
    started: list[Backend] = []
    files = []
    try:
        for _ in range(count):
            port = free_port()
            out = open(logs / f"server-{port}.log", "wb")  # noqa: SIM115 - closed below
            files.append(out)
            launcher = ["-m", "streamlit"] if profile is None else [
                str(Path(__file__).resolve().parent / "profile_server.py"), f"{profile}-{port}.txt", "--"]
            process = subprocess.Popen(
                [sys.executable, *launcher, "run", str(app / "serve.py"), "--server.port", str(port),
                 "--server.address", "127.0.0.1", "--server.headless", "true"],
                cwd=app, env=env, stdout=out, stderr=subprocess.STDOUT,
            )
            started.append(Backend(port, process))
        for backend in started:
            wait_healthy(backend.port, backend.process)
        yield started
    finally:
        for backend in started:
            stop(backend.process)
        for out in files:
            out.close()


def render_nginx_conf(prefix: Path, listen: str, backend_ports: list[int], balance: str = PER_CONNECTION,
                      connections: int | None = None) -> str:
    """``nginx.conf.template`` with its placeholders filled in (``connections``: per worker, else the template's)."""
    servers = "\n        ".join(f"server 127.0.0.1:{port} max_fails=0;" for port in backend_ports)
    text = TEMPLATE.read_text(encoding="utf-8")
    for key, value in {"PREFIX": str(prefix), "LISTEN": listen, "BALANCE": balance, "SERVERS": servers}.items():
        text = text.replace("{{" + key + "}}", value)
    if connections is not None:  # a proxied stream is two connections; listen with reuseport so workers share evenly
        text = text.replace("worker_connections 8192;", f"worker_connections {connections};")
        text = text.replace("backlog=4096;", "backlog=4096 reuseport;")
    return text


@contextlib.contextmanager
def nginx(prefix: Path, backend_ports: list[int], balance: str = PER_CONNECTION,
          connections: int | None = None) -> Iterator[tuple[int, int]]:
    """Run Debian's nginx in the foreground in front of ``backend_ports``; yields (port, master pid)."""
    binary = shutil.which("nginx") or "/usr/sbin/nginx"
    if not Path(binary).exists():
        raise RuntimeError("nginx is not installed (apt-get install -y nginx-light)")
    (prefix / "cache" / "standings").mkdir(parents=True, exist_ok=True)
    for sub in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (prefix / "tmp" / sub).mkdir(parents=True, exist_ok=True)
    port = free_port()
    conf = prefix / "nginx.conf"
    text = render_nginx_conf(prefix, f"127.0.0.1:{port}", backend_ports, balance, connections)
    conf.write_text(text, encoding="utf-8")
    process = subprocess.Popen([binary, "-p", str(prefix), "-c", str(conf), "-e", str(prefix / "error.log"),
                                "-g", "daemon off;"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    try:
        wait_healthy(port, process)
        yield port, process.pid
    finally:
        stop(process)
