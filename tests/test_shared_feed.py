"""One reader of the sheet for the deployment, with a real ``redis-server`` and the local Sheets API server.

Each worker (``tests.feed_worker``) is one OS process keeping a ``SharedReader`` fresh as the live
publisher does. With Redis the first holds the lease and reads the sheet; the second never reads
it and still shows each edit; ``kill -9`` of the holder: the other holds the lease within one lease
and reads from then on; Redis stopped mid-run: both degraded, each reading for itself, no crash,
each edit still shown; Redis back: shared again, one holder. Every wait is on a condition with a
generous deadline.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path

import pytest

from lib.core.config import CONFIG_ENV, load_config
from lib.core.parse import parse_workbook
from lib.edge.shared.feed import lease_seconds
from lib.edge.sources.xlsx import XlsxSource
from tests.fake_sheets import FakeSheetsServer
from tests.fake_sheets.client import sheet_settings
from tests.redis_server import RedisServer
from tests.servers import ROOT

DEMO = ROOT / "config" / "demo.xlsx"
CONFIG = ROOT / "config" / "tn-dhmt-2019.toml"
MEMBERS = load_config(CONFIG).provinces
INTERVAL = 1.0
DEADLINE = 60.0


class Worker:
    """One feed worker process and the lines it printed (parsed), with a condition to wait on."""

    def __init__(self, settings: Path, url: str) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tests.feed_worker", str(settings), url, str(INTERVAL)], cwd=ROOT,
            env={**os.environ, CONFIG_ENV: str(CONFIG)}, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, text=True)
        self.lines: list[dict[str, str]] = []
        self.changed = threading.Condition()
        threading.Thread(target=self._collect, daemon=True).start()

    def _collect(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            words = line.split()
            with self.changed:
                self.lines.append(dict(zip(words[::2], words[1::2], strict=True)))
                self.changed.notify_all()
        with self.changed:
            self.changed.notify_all()

    @property
    def last(self) -> dict[str, str]:
        return self.lines[-1] if self.lines else {}

    def wait_for(self, check: Callable[[dict[str, str]], bool], what: str) -> dict[str, str]:
        with self.changed:
            seen = self.changed.wait_for(
                lambda: bool(self.lines) and check(self.last) or self.process.poll() is not None, timeout=DEADLINE)
            if not seen:
                raise AssertionError(f"not seen within {DEADLINE} s: {what}; lines: {self.lines[-5:]}")
        assert self.process.poll() is None, self.process.stderr.read() if self.process.stderr else ""
        return self.last

    def stop(self) -> None:
        if self.process.poll() is None:
            assert self.process.stdin is not None
            self.process.stdin.close()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()


@pytest.fixture
def sheet(tmp_path: Path) -> Iterator[tuple[FakeSheetsServer, str, Path]]:
    with FakeSheetsServer() as server:
        key = server.create_spreadsheet("một người đọc", XlsxSource(DEMO).read())
        settings = tmp_path / "sheet.json"
        settings.write_text(json.dumps(sheet_settings(
            server, key, timeout=[2, 5], retry={"attempts": 2, "first_wait": 0.01, "max_wait": 0.05})), "utf-8")
        yield server, key, settings


@pytest.fixture
def workers() -> Iterator[list[Worker]]:
    started: list[Worker] = []
    yield started
    for w in started:
        w.stop()


def edit(server: FakeSheetsServer, key: str, value: str) -> str:
    """Type ``value`` into the first agreed cell; returns the sum of agreed scores the screens should show."""
    book = {tab: server.values(key, tab) for tab in server.tabs(key)}
    sheet = parse_workbook(book, MEMBERS).sheet
    place = sheet.agreed_places[sorted(sheet.agreed_places)[0]]
    server.set_cell(key, place.tab, place.row, place.col, value)
    book = {tab: server.values(key, tab) for tab in server.tabs(key)}
    return str(sum(parse_workbook(book, MEMBERS).sheet.agreed.values()))


def agreed_is(total: str) -> Callable[[dict[str, str]], bool]:
    return lambda line: Decimal(line.get("agreed", "nan")) == Decimal(total)


def test_the_second_process_never_reads_the_sheet_and_shows_every_edit(
        redis_server: RedisServer, sheet: tuple[FakeSheetsServer, str, Path], workers: list[Worker]) -> None:
    server, key, settings = sheet
    a = Worker(settings, redis_server.url)
    workers.append(a)
    a.wait_for(lambda line: line["holder"] == "1" and line["v"] != "0", "the first process holds the lease")
    b = Worker(settings, redis_server.url)
    workers.append(b)
    b.wait_for(lambda line: line["v"] != "0", "the second process shows the data")
    total = edit(server, key, "0.75")
    a.wait_for(agreed_is(total), "the holder shows the edit")
    line = b.wait_for(agreed_is(total), "the follower shows the edit")
    assert line["holder"] == "0" and line["reads"] == "0"  # served from Redis, never the sheet


def test_the_readers_process_killed_another_takes_over_within_the_lease(
        redis_server: RedisServer, sheet: tuple[FakeSheetsServer, str, Path], workers: list[Worker]) -> None:
    server, key, settings = sheet
    a = Worker(settings, redis_server.url)
    workers.append(a)
    a.wait_for(lambda line: line["holder"] == "1" and line["v"] != "0", "the first process holds the lease")
    b = Worker(settings, redis_server.url)
    workers.append(b)
    b.wait_for(lambda line: line["v"] != "0", "the second process shows the data")
    killed = time.monotonic()
    os.kill(a.process.pid, signal.SIGKILL)
    b.wait_for(lambda line: line["holder"] == "1", "the second process takes the lease")
    took = time.monotonic() - killed
    assert took <= lease_seconds(INTERVAL) + 2, took  # one lease, and a probe's worth
    total = edit(server, key, "0.5")
    line = b.wait_for(agreed_is(total), "the new holder reads the sheet")
    assert int(line["reads"]) >= 1
    print(f"takeover after kill -9: {took:.1f} s (lease {lease_seconds(INTERVAL):g} s)")


def test_redis_stopped_mid_run_degrades_each_process_reads_and_comes_back(
        redis_server: RedisServer, sheet: tuple[FakeSheetsServer, str, Path], workers: list[Worker]) -> None:
    server, key, settings = sheet
    a = Worker(settings, redis_server.url)
    workers.append(a)
    a.wait_for(lambda line: line["holder"] == "1" and line["v"] != "0", "the first process holds the lease")
    b = Worker(settings, redis_server.url)
    workers.append(b)
    b.wait_for(lambda line: line["v"] != "0", "the second process shows the data")
    redis_server.stop()
    for w in (a, b):
        w.wait_for(lambda line: line["degraded"] == "1", "degraded")
    total = edit(server, key, "0.25")
    for w in (a, b):  # each reads for itself: nothing lost, no crash
        line = w.wait_for(agreed_is(total), "the edit, read by each process itself")
        assert line["stale"] == "0"
    assert int(b.last["reads"]) >= 1
    redis_server.start()
    for w in (a, b):
        w.wait_for(lambda line: line["degraded"] == "0", "shared again")
    deadline = time.monotonic() + DEADLINE
    while a.last["holder"] == b.last["holder"] and time.monotonic() < deadline:
        with b.changed:  # either may print the change: woken by b's, else looking again shortly
            b.changed.wait(0.2)
    assert {a.last["holder"], b.last["holder"]} == {"0", "1"}  # one reader again
    total = edit(server, key, "0.75")
    for w in (a, b):
        w.wait_for(agreed_is(total), "the edit, through the one reader")
