"""End to end: two ``serve.py`` processes (two hosts' worth: each its own cache) behind ``deploy/``'s nginx
(TLS, a throwaway certificate) with a real ``redis-server``, on one Google Sheet (the local Sheets API server).

- the reader's process killed with ``kill -9``: the other holds the reader's lease within one
  lease and reads the sheet; the phones' streams (raw SSE clients through nginx, reconnecting as
  the pages do) are all back with the version of an edit made after the kill; the projector's
  screen keeps answering through nginx;
- a ceremony step made on one host reaches the other process's ``/api/events`` and
  ``/api/projector`` within a second;
- Redis stopped mid-run: ``/metrics`` says degraded on both, the ranking page shows the banner, an
  edit still reaches every phone (each process reads for itself), nothing crashes; Redis back:
  shared on both, one reader again, the banner gone.

Every wait is on a condition with a generous deadline; the bounds asserted are the issue's.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import ssl
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from lib.edge.shared.feed import lease_seconds
from lib.edge.sources.xlsx import XlsxSource
from tests.deploying import App, certificate, nginx, start_app, stop
from tests.fake_sheets import FakeSheetsServer
from tests.fake_sheets.client import secrets_toml, sheet_settings
from tests.redis_server import RedisServer, running
from tests.servers import ROOT, free_port
from tests.test_deploy import Viewer, _first_id
from tests.test_gsheet_source import gsheet_config
from tests.test_shared_feed import edit

INTERVAL = 2  # the config's smallest refresh interval: the reader's lease is 2 intervals + 10 s
DEADLINE = 90.0
PHONES = 40
CONTEXT = ssl._create_unverified_context()  # noqa: S323 - the throwaway certificate


@dataclass
class Deployment:
    """What one test runs: the sheet, Redis, two app processes (each its own cache), nginx's TLS port."""

    sheet: FakeSheetsServer
    key: str
    redis: RedisServer
    config: Path
    secrets: Path
    apps: list[App]
    port: int
    tmp: Path

    @property
    def public(self) -> str:
        return f"https://localhost:{self.port}"


def get(url: str, timeout: float = 5) -> tuple[int, bytes, dict[str, str]]:
    """Status, body and headers of a GET (TLS without checking the throwaway certificate)."""
    try:
        with urllib.request.urlopen(url, timeout=timeout, context=CONTEXT) as answer:
            return answer.status, answer.read(), dict(answer.headers)
    except urllib.error.HTTPError as error:
        return error.code, error.read(), dict(error.headers)


def metric(app: App, name: str) -> float:
    """One gauge or counter of the process's ``/metrics``."""
    _, body, _ = get(f"{app.url}/metrics")
    for line in body.decode().splitlines():
        if line.startswith(name + " "):
            return float(line.split()[1])
    raise AssertionError(f"{name} not in /metrics")


def until(check: Callable[[], bool], what: str, deadline: float = DEADLINE) -> float:
    """Poll ``check`` until it holds; the seconds it took (fails after ``deadline``)."""
    started = time.monotonic()
    while not check():
        assert time.monotonic() - started < deadline, f"not within {deadline:g} s: {what}"
        time.sleep(0.1)
    return time.monotonic() - started


@pytest.fixture
def deployment(tmp_path: Path) -> Iterator[Deployment]:
    with FakeSheetsServer() as sheet, running() as redis:
        key = sheet.create_spreadsheet("hai máy chủ", XlsxSource(ROOT / "config" / "demo.xlsx").read())
        config = gsheet_config(tmp_path, key, INTERVAL)
        text = config.read_text(encoding="utf-8").replace('# redis_url = "redis://127.0.0.1:6379/0"',
                                                         f'redis_url = "{redis.url}"')
        config.write_text(text.replace("# max_streams_per_address = 500", "max_streams_per_address = 2000"), "utf-8")
        secrets = tmp_path / "secrets.toml"
        settings = sheet_settings(sheet, key, timeout=[2, 5], retry={"attempts": 2, "first_wait": 0.05,
                                                                     "max_wait": 0.2})
        secrets.write_text(secrets_toml({"connections.gsheets": settings}), encoding="utf-8")
        cert, tls_key = certificate(tmp_path)
        apps: list[App] = []
        try:
            for host in ("a", "b"):  # two hosts' worth: each its own SQLite state
                apps.append(start_app(config, tmp_path / f"cache-{host}", tmp_path / f"app-{host}.log",
                                      secrets=secrets))
            with nginx(tmp_path / "nginx", [a.port for a in apps], cert, tls_key, free_port()) as port:
                yield Deployment(sheet, key, redis, config, secrets, apps, port, tmp_path)
        finally:
            for app in apps:
                stop(app.process)


def holder(d: Deployment) -> App:
    """The process holding the reader's lease (waits until exactly one does)."""
    alive = [a for a in d.apps if a.process.poll() is None]
    until(lambda: sum(metric(a, "thidua_reader_holder") for a in alive) == 1, "exactly one reader")
    return next(a for a in alive if metric(a, "thidua_reader_holder") == 1)


@contextlib.contextmanager
def phones(port: int, count: int) -> Iterator[list[Viewer]]:
    """``count`` phones following ``/api/events`` through nginx, on a loop of their own thread."""
    import threading

    viewers = [Viewer() for _ in range(count)]
    loop = asyncio.new_event_loop()
    tasks: list[asyncio.Task] = []

    def run() -> None:
        asyncio.set_event_loop(loop)
        tasks.extend(loop.create_task(v.follow(port)) for v in viewers)
        loop.run_forever()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    try:
        yield viewers
    finally:
        def cancel() -> None:
            for task in tasks:
                task.cancel()
            loop.call_later(0.5, loop.stop)

        loop.call_soon_threadsafe(cancel)
        thread.join(10)


def test_the_readers_process_killed_another_takes_over_and_every_phone_gets_the_current_version(
        deployment: Deployment) -> None:
    d = deployment
    reader = holder(d)
    survivor = next(a for a in d.apps if a is not reader)
    before = _first_id(survivor.url)
    with phones(d.port, PHONES) as viewers:
        until(lambda: all(v.last == before for v in viewers), "every phone shows the first version")
        killed = time.monotonic()
        os.kill(reader.process.pid, signal.SIGKILL)
        edit(d.sheet, d.key, "0.5")  # made while nobody holds the lease
        took = until(lambda: metric(survivor, "thidua_reader_holder") == 1, "the survivor takes the lease")
        assert took <= lease_seconds(INTERVAL) + 2, took  # one lease, and a probe's worth
        until(lambda: _first_id(survivor.url) != before, "the survivor reads the edit")
        current = _first_id(survivor.url)
        shown = until(lambda: all(v.last == current for v in viewers), "every phone shows the edit")
        assert metric(survivor, "thidua_reader_sheet_reads_total") >= 1  # it read the sheet itself
        status, body, _ = get(f"{d.public}/api/projector")
        assert status == 200 and body, "the projector's screen answers through nginx"
        cut = sum(v.cuts + v.byes for v in viewers)
    assert cut >= 1, "no phone was on the killed process: the test proved nothing"  # nginx spreads them
    print(f"kill -9 of the reader: lease taken after {took:.1f} s (lease {lease_seconds(INTERVAL):g} s), "
          f"{PHONES} phones on the edit {time.monotonic() - killed:.1f} s after the kill ({shown:.1f} s after "
          f"the survivor read it); {cut} streams were cut and reconnected")


def test_a_ceremony_step_on_one_host_reaches_the_other_processes_stream_and_projector_within_a_second(
        deployment: Deployment) -> None:
    from lib.core.ceremony import Ceremony
    from lib.core.model import Role
    from lib.edge.ceremony import update
    from lib.edge.shared import Shared
    from lib.edge.state import DB_NAME
    from tests.test_live import Stream

    d = deployment
    b = d.apps[1]
    stem = d.config.stem
    _, projector_before, head = get(f"{b.url}/api/projector")
    stream = Stream(b.url)
    try:
        assert stream.frame()["event"] == "standings"
        engine = Shared(d.redis.url, f"thidua:{stem}")  # host a's step, as its control page makes it
        update(d.tmp / "cache-a" / DB_NAME, stem, lambda c: Ceremony(True, 1, 0), "Thư ký", Role.SECRETARY, engine)
        stepped = time.monotonic()
        while True:
            frame = stream.frame(timeout=5)
            if frame["event"] == "agenda":
                break
        seen = time.monotonic() - stepped
    finally:
        stream.close()
    assert json.loads(frame["data"])["reveal"] == [True, 1]
    assert seen < 1.0, f"the other process's stream had the step after {seen:.2f} s"
    until(lambda: get(f"{b.url}/api/projector")[2]["etag"] != head["etag"], "the other projector's screen moves")
    on_screen = time.monotonic() - stepped
    assert on_screen < 1.0, f"the other process's projector screen had the step after {on_screen:.2f} s"
    assert get(f"{b.url}/api/projector")[1] != projector_before
    print(f"ceremony step seen on the other process after {seen * 1000:.0f} ms (stream), "
          f"{on_screen * 1000:.0f} ms (projector)")


def agree(apps: list[App], older: set[str]) -> bool:
    """Whether every process serves one version, none of ``older``."""
    ids = {_first_id(a.url) for a in apps}
    return len(ids) == 1 and not ids & older


def banner(at) -> bool:  # noqa: ANN001 - an AppTest
    return any("Máy chủ chung (Redis) không trả lời" in str(w.value) for w in at.warning)


def test_redis_stopped_mid_run_is_a_clear_degraded_state_on_both_and_shared_again_when_it_returns(
        deployment: Deployment, monkeypatch: pytest.MonkeyPatch) -> None:
    from streamlit.testing.v1 import AppTest

    from lib.edge import shared

    d = deployment
    monkeypatch.setenv("THIDUA_CONFIG", str(d.config))
    monkeypatch.setenv("THIDUA_CACHE_DIR", str(d.tmp / "cache-page"))
    monkeypatch.delenv("THIDUA_SECRETS", raising=False)
    page = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30)
    page.secrets["connections"] = {"gsheets": json.loads(json.dumps(sheet_settings(d.sheet, d.key)))}
    try:
        page.run()
        assert not page.exception and not banner(page)
        holder(d)
        before = _first_id(d.apps[0].url)
        with phones(d.port, PHONES) as viewers:
            until(lambda: all(v.last == before for v in viewers), "every phone shows the first version")
            d.redis.stop()
            for app in d.apps:
                until(lambda app=app: metric(app, "thidua_shared_up") == 0, "degraded in /metrics")

            def shows_banner() -> bool:
                page.run()
                return banner(page)

            until(shows_banner, "the page's banner says Redis is away")
            assert not page.exception
            edit(d.sheet, d.key, "0.25")  # each process reads it for itself: nothing lost
            until(lambda: agree(d.apps, {before}), "both read the edit")
            current = _first_id(d.apps[0].url)
            until(lambda: all(v.last == current for v in viewers), "every phone shows the edit")
            assert all(a.process.poll() is None for a in d.apps), "a process crashed"
            assert get(f"{d.public}/healthz")[0] == 200
            d.redis.start()
            for app in d.apps:
                until(lambda app=app: metric(app, "thidua_shared_up") == 1, "shared again in /metrics")
            holder(d)  # one reader again

            def banner_gone() -> bool:
                page.run()
                return not banner(page)

            until(banner_gone, "the banner is gone")
            edit(d.sheet, d.key, "0.75")
            until(lambda: agree(d.apps, {before, current}), "the edit, shared")
            latest = _first_id(d.apps[0].url)
            until(lambda: all(v.last == latest for v in viewers), "every phone shows the edit")
    finally:
        shared.reset()
