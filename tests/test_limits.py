"""The process's bounds: the open-file limit, the ``/api/events`` caps, the admissions that count."""

from __future__ import annotations

import asyncio
import re
import resource
import socket
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest

from tests.servers import dashboard, live_config, until
from web import limits, overflow
from web.limits import Admissions, StreamGate, stream_limit


def test_the_gate_caps_streams_per_address_and_in_all() -> None:
    gate = StreamGate(total=3, per_address=2)
    assert [gate.enter("a"), gate.enter("a"), gate.enter("a")] == [None, None, "address"]
    assert gate.enter("b") is None and gate.enter("c") == "total"
    assert (gate.open, gate.refused_address, gate.refused_total) == (3, 1, 1)
    gate.leave("a")
    assert gate.of("a") == 1 and gate.enter("c") is None and gate.open == 3


def test_the_stream_cap_stays_under_the_open_file_limit() -> None:
    assert stream_limit(10_000, 1024, 200) == 1024 - 200 - limits.FILE_RESERVE
    assert stream_limit(10_000, 1 << 20, 200) == 10_000
    assert stream_limit(5, 100, 200) == 1  # never zero: a stream is always possible


def test_the_soft_open_file_limit_is_raised_to_the_hard_one() -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    try:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(1024, hard), hard))
        files = limits.raise_open_files()
        assert files.raised_from == min(1024, hard) and files.soft == hard
        assert resource.getrlimit(resource.RLIMIT_NOFILE)[0] == hard
    finally:
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))


def test_page_loads_that_never_open_a_session_hold_few_places() -> None:
    now = [0.0]
    seen = Admissions(window=30, per_address=3, clock=lambda: now[0])
    for _ in range(50):  # a few requests a second from one client, none opening a websocket
        seen.admit("198.51.100.7")
    assert seen.occupied(10) == 13  # only three of its fifty count
    tickets = [seen.admit(f"10.0.0.{i}") for i in range(4)]  # four visitors on their way
    assert seen.occupied(10) == 17
    seen.opened(tickets[0])  # the first one's websocket opens: a socket now, no longer pending
    assert seen.sockets == 1 and seen.pending() == 6 and seen.occupied(10) == 16
    seen.opened(None)  # a websocket without a ticket (a reconnect): one more socket
    assert seen.occupied(0) == 2 + 6
    now[0] = 31.0  # the pending loads never opened a session: they no longer count
    assert seen.pending() == 0 and seen.occupied(10) == 10
    seen.closed()
    seen.closed()
    assert seen.sockets == 0


def _run(app, scope: dict) -> tuple[int, dict[str, str]]:
    answer: dict = {}

    async def send(message: dict) -> None:
        if message["type"] == "http.response.start":
            answer["status"] = message["status"]
            answer["headers"] = {k.decode(): v.decode() for k, v in message.get("headers", [])}

    asyncio.run(overflow.Overflow(app)(scope, None, send))
    return answer["status"], answer["headers"]


def test_the_middleware_counts_page_loads_until_their_websocket_opens(monkeypatch) -> None:
    """Found by ``benchmarks/mixed.py overload``: sessions counted alone let 873 of 1,500 in under 500;
    found by issue 20: every plain ``GET /`` counted for 30 s, so a few a second filled the process."""
    now = [0.0]
    monkeypatch.setattr(overflow, "_admissions", Admissions(window=30, per_address=2, clock=lambda: now[0]))
    monkeypatch.setattr(overflow, "sessions", lambda: 10)
    monkeypatch.setattr(overflow, "cluster_config", lambda: SimpleNamespace(max_sessions=13))
    monkeypatch.setattr(overflow, "peer_address", lambda scope: scope["client"][0])

    async def app(scope, receive, send):  # noqa: ANN001 - the Streamlit app behind the gate
        if scope["type"] == "http":
            await send({"type": "http.response.start", "status": 200, "headers": []})

    def load(query: bytes, address: str = "10.0.0.1") -> tuple[int, dict[str, str]]:
        return _run(app, {"type": "http", "method": "GET", "path": "/", "query_string": query, "headers": [],
                          "client": (address, 1)})

    flood = [load(b"", "198.51.100.7")[0] for _ in range(20)]  # one client reloading: two places at most
    assert flood == [200] * 20
    status, headers = load(b"view=delegate")
    ticket = re.search(r"thidua_admit=([^;]+)", headers["set-cookie"]).group(1)
    assert status == 200 and "HttpOnly" in headers["set-cookie"]
    assert load(b"", "10.0.0.2")[0] == 307  # 10 sessions + 2 of the flood + 1 on its way
    assert load(b"view=projector", "10.0.0.2")[0] == 200  # always admitted

    async def connect() -> None:  # the visitor's websocket opens, handing in its ticket
        scope = {"type": "websocket", "path": "/_stcore/stream", "client": ("10.0.0.1", 2),
                 "headers": [(b"cookie", f"thidua_admit={ticket}".encode())]}
        await overflow.Overflow(app)(scope, None, None)

    assert overflow.admissions().pending() == 4  # the projector's page load is on its way too
    asyncio.run(connect())
    assert overflow.admissions().pending() == 3 and overflow.admissions().sockets == 0  # it opened and closed
    now[0] = 31.0  # the flood's page loads never opened a session
    assert load(b"", "10.0.0.3")[0] == 200


# --- a started server with tiny caps ----------------------------------------------------------


@pytest.fixture(scope="module")
def capped(tmp_path_factory) -> Iterator[str]:
    tmp = tmp_path_factory.mktemp("capped")
    config, _ = live_config(tmp, 5)
    caps = "max_sessions = 200\nmax_streams = 3\nmax_streams_per_address = 2"
    text = config.read_text(encoding="utf-8").replace("max_sessions = 200", caps)
    config.write_text(text, encoding="utf-8")
    secrets = tmp / "secrets.toml"
    secrets.write_text('[auth]\ntrusted_proxies = ["127.0.0.1"]\n', encoding="utf-8")
    with dashboard(config, env={"THIDUA_CACHE_DIR": str(tmp / "cache")}, log=tmp / "server.log",
                   secrets=secrets) as url:
        yield url


def _open(url: str, address: str) -> tuple[socket.socket, bytes]:
    host, port = url.removeprefix("http://").split(":")
    sock = socket.create_connection((host, int(port)), timeout=30)
    sock.sendall(f"GET /api/events HTTP/1.0\r\nHost: x\r\nX-Forwarded-For: {address}\r\n\r\n".encode())
    head = b""
    while b"\r\n\r\n" not in head:
        data = sock.recv(4096)
        if not data:
            break
        head += data
    return sock, head


def _metrics(url: str) -> dict[str, float]:
    import urllib.request

    with urllib.request.urlopen(url + "/metrics", timeout=10) as answer:
        text = answer.read().decode()
    return {k: float(v) for k, v in re.findall(r"^(thidua_\w+) (\S+)$", text, re.M)}


def _wait(condition, what: str) -> None:
    until(condition, what, every=0.05)  # a condition polled, never a sleep that must be long enough


def test_streams_past_the_caps_are_503_with_retry_after_and_counted(capped: str) -> None:
    first = _metrics(capped)
    assert first["thidua_open_files_limit"] == resource.getrlimit(resource.RLIMIT_NOFILE)[1]
    assert first["thidua_streams_max"] == 3 and first["thidua_streams_max_per_address"] == 2
    opened = [_open(capped, "198.51.100.1") for _ in range(2)]
    assert all(b" 200 " in head.split(b"\r\n")[0] for _, head in opened)
    sock, head = _open(capped, "198.51.100.1")  # a third from the same address
    sock.close()
    assert head.startswith(b"HTTP/1.1 503") and b"retry-after: 10" in head.lower()
    other, head = _open(capped, "198.51.100.2")
    assert b" 200 " in head.split(b"\r\n")[0]
    last, head = _open(capped, "198.51.100.3")  # the process has its three
    last.close()
    assert head.startswith(b"HTTP/1.1 503")
    after = _metrics(capped)
    assert after["thidua_streams_open"] == 3
    assert after["thidua_streams_refused_per_address_total"] == first["thidua_streams_refused_per_address_total"] + 1
    assert after["thidua_streams_refused_total"] == first["thidua_streams_refused_total"] + 1
    for sock, _ in [*opened, (other, b"")]:
        sock.close()
    _wait(lambda: _metrics(capped)["thidua_streams_open"] == 0, "the closed streams gave their places back")
    again, head = _open(capped, "198.51.100.1")
    again.close()
    assert b" 200 " in head.split(b"\r\n")[0]


def test_the_config_checks_the_stream_caps(tmp_path: Path) -> None:
    from lib.core.config import ConfigError, load_config

    config, _ = live_config(tmp_path, 5)
    text = config.read_text(encoding="utf-8")
    assert load_config(config).max_streams == 10_000 and load_config(config).max_streams_per_address == 500
    config.write_text(text.replace("max_sessions = 200", "max_sessions = 200\nmax_streams_per_address = 0"),
                      encoding="utf-8")
    with pytest.raises(ConfigError, match="max_streams_per_address"):
        load_config(config)
