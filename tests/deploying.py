"""Running a deployment made from ``deploy/`` in tests: app processes, nginx with TLS and HTTP/2, a certificate."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from deploy.render import site, standalone
from tests.servers import ROOT, free_port, live_config

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


def certificate(tmp: Path) -> tuple[Path, Path]:
    """A throwaway self-signed certificate for localhost (one day), made with openssl: (cert, key)."""
    cert, key = tmp / "cert.pem", tmp / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=localhost",
                    "-addext", "subjectAltName=DNS:localhost", "-days", "1", "-keyout", str(key), "-out", str(cert)],
                   check=True, capture_output=True)
    return cert, key


def deploy_config(tmp: Path, interval: int, public_url: str = "", per_address: int = 500) -> tuple[Path, Path]:
    """``live_config`` with ``[server] public_url`` and the per-address stream cap (all tests come from 127.0.0.1)."""
    config, workbook = live_config(tmp, interval)
    text = config.read_text(encoding="utf-8")
    text = re.sub(r"^# max_streams_per_address = \d+$", f"max_streams_per_address = {per_address}", text, flags=re.M)
    if public_url:
        text = re.sub(r'^# public_url = ".*"$', f'public_url = "{public_url}"', text, flags=re.M)
    config.write_text(text, encoding="utf-8")
    return config, workbook


@dataclass
class App:
    """One ``streamlit run serve.py`` on ``port``."""

    port: int
    process: subprocess.Popen[bytes]

    @property
    def url(self) -> str:
        """Its own address (not through nginx)."""
        return f"http://127.0.0.1:{self.port}"


def start_app(config: Path, cache: Path, log: Path, port: int | None = None, secrets: Path | None = None) -> App:
    """Start one app process (as the systemd unit does) and wait until it serves data (``/healthz`` 200).

    ``secrets``: a ``secrets.toml`` of its own (a Google Sheet's ``[connections.gsheets]``, say).
    """
    port = port or free_port()
    env = {**os.environ, "THIDUA_CONFIG": str(config), "THIDUA_CACHE_DIR": str(cache)}
    with open(log, "ab") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", str(ROOT / "serve.py"), "--server.port", str(port),
             "--server.address", "127.0.0.1", "--server.headless", "true",
             *(["--secrets.files", str(secrets)] if secrets else [])],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    app = App(port, process)
    wait_for(f"{app.url}/healthz", process, 90)
    return app


def wait_for(url: str, process: subprocess.Popen[bytes], timeout: float) -> None:
    """Poll ``url`` until it answers 200 (raises if ``process`` exits or after ``timeout`` seconds)."""
    import ssl

    context = ssl._create_unverified_context()  # noqa: S323 - a throwaway test certificate
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2, context=context) as answer:
                if answer.status == 200:
                    return
        except OSError:
            pass
        if process.poll() is not None:
            raise RuntimeError(f"{process.args[0]} exited with {process.returncode} before {url} answered")
        if time.monotonic() > deadline:
            raise RuntimeError(f"{url} did not answer 200 within {timeout:.0f} s")
        time.sleep(0.2)


def stop(process: subprocess.Popen[bytes], timeout: float = 15) -> None:
    """SIGTERM ``process`` and wait for it (killed after ``timeout`` seconds)."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextlib.contextmanager
def apps(config: Path, cache: Path, logs: Path, count: int) -> Iterator[list[App]]:
    """``count`` app processes of one host (one SQLite state), stopped at the end."""
    started: list[App] = []
    try:
        for index in range(count):
            started.append(start_app(config, cache, logs / f"app-{index}.log"))
        yield started
    finally:
        for app in started:
            stop(app.process)


@contextlib.contextmanager
def nginx(prefix: Path, ports: list[int], cert: Path, key: str | Path, https: int | None = None) -> Iterator[int]:
    """Debian's nginx running ``deploy/``'s site (rendered for loopback) in front of ``ports``; yields its TLS port."""
    https = https or free_port()
    text = site(name="localhost", ports=ports, cert=str(cert), key=str(key), https=f"127.0.0.1:{https}",
                http=f"127.0.0.1:{free_port()}", cache=str(prefix / "cache"), acme=str(prefix / "acme"))
    prefix.mkdir(parents=True, exist_ok=True)
    conf = prefix / "nginx.conf"
    conf.write_text(standalone(prefix, text), encoding="utf-8")
    process = subprocess.Popen([NGINX, "-p", str(prefix), "-c", str(conf), "-e", str(prefix / "error.log"),
                                "-g", "daemon off;"], stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    try:
        wait_for(f"https://localhost:{https}/healthz", process, 30)
        yield https
    finally:
        stop(process)
