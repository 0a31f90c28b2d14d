"""Redis as the shared engine, with a real ``redis-server`` and the local Sheets API server.

Two store processes saving the same cell of one Google Sheet at the same moment (a barrier: both
wait for one line on stdin, sent to both at once; the sheet's reads are slowed so both re-reads
overlap): with Redis one saves and the other gets a conflict naming the first one's value; without
Redis both "save" and the first value is lost (why the README withdraws the two-process promise
without Redis: this control shows the test can fail).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest

from lib.core.config import CONFIG_ENV, load_config
from lib.core.parse import parse_workbook
from lib.edge.sources.xlsx import XlsxSource
from tests.fake_sheets import FakeSheetsServer
from tests.fake_sheets.client import sheet_settings
from tests.redis_server import RedisServer
from tests.servers import ROOT

DEMO = ROOT / "config" / "demo.xlsx"
CONFIG = ROOT / "config" / "tn-dhmt-2019.toml"
MEMBERS = load_config(CONFIG).provinces
DEADLINE = 90


@pytest.fixture
def sheet(tmp_path: Path) -> Iterator[tuple[FakeSheetsServer, str, Path]]:
    with FakeSheetsServer() as server:
        key = server.create_spreadsheet("hai tiến trình", XlsxSource(DEMO).read())
        settings = tmp_path / "sheet.json"
        settings.write_text(json.dumps(sheet_settings(
            server, key, timeout=[2, 10], retry={"attempts": 2, "first_wait": 0.01, "max_wait": 0.05})), "utf-8")
        yield server, key, settings


def one_agreed_cell() -> tuple[str, str, str | None]:
    sheet = parse_workbook(XlsxSource(DEMO).read(), MEMBERS).sheet
    key = next(k for k in sorted(sheet.agreed_places) if k in sheet.agreed)
    old = sheet.agreed.get(key)
    return key[0], key[1], None if old is None else str(old)


def race(settings: Path, url: str, cells: list[list[str | None]]) -> list[str]:
    """Start one worker per cell, wait until each is ready, release them at once; their answers."""
    env = {**os.environ, CONFIG_ENV: str(CONFIG)}
    workers = [subprocess.Popen([sys.executable, "-m", "tests.shared_worker", str(settings), url, json.dumps(c)],
                                cwd=ROOT, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True) for c in cells]
    for w in workers:
        assert w.stdout is not None and w.stdout.readline().strip() == "ready", w.stderr.read() if w.stderr else ""
    for w in workers:  # the barrier: both go at the same moment
        assert w.stdin is not None
        w.stdin.write("go\n")
        w.stdin.flush()
    answers = []
    for w in workers:
        out, err = w.communicate(timeout=DEADLINE)
        assert w.returncode == 0, err
        answers.append(out.strip())
    return answers


def agreed_now(server: FakeSheetsServer, key: str, criterion: str, province: str) -> Decimal | None:
    book = {tab: server.values(key, tab) for tab in server.tabs(key)}
    return parse_workbook(book, MEMBERS).sheet.agreed.get((criterion, province))


def log_reasons(server: FakeSheetsServer, key: str) -> list[str]:
    return [str(r[1]) for r in server.values(key, "NhatKy")[3:] if len(r) > 1 and r[1]]


def test_two_processes_saving_one_cell_at_once_with_redis_one_saves_the_other_conflicts(
        redis_server: RedisServer, sheet: tuple[FakeSheetsServer, str, Path]) -> None:
    server, key, settings = sheet
    criterion, province, old = one_agreed_cell()
    server.slow(0.4, match="values:batchGet")  # both re-reads would overlap without the lock
    answers = race(settings, redis_server.url, [[criterion, province, old, "0.25"], [criterion, province, old, "0.5"]])
    assert sorted(a.split()[0] for a in answers) == ["conflict", "saved"], answers
    winner = ("0.25", "0.5")[answers.index("saved")]
    loser = next(a for a in answers if a.startswith("conflict"))
    assert Decimal(loser.split()[1]) == Decimal(winner)  # the conflict names the other's value
    assert agreed_now(server, key, criterion, province) == Decimal(winner)
    writers = [r for r in log_reasons(server, key) if r.startswith("writer ")]
    assert writers == [f"writer {winner}"], writers  # one log row: nothing overwritten, nothing lost


def test_without_redis_two_processes_on_one_google_sheet_lose_the_first_save(
        sheet: tuple[FakeSheetsServer, str, Path]) -> None:
    server, key, settings = sheet
    criterion, province, old = one_agreed_cell()
    server.slow(0.4, match="values:batchGet")
    answers = race(settings, "-", [[criterion, province, old, "0.25"], [criterion, province, old, "0.5"]])
    assert answers == ["saved", "saved"], answers  # both passed the check: the README's warning


STEP = """
import sys, time
from pathlib import Path
from lib.core.ceremony import Ceremony
from lib.core.model import Role
from lib.edge.ceremony import update
from lib.edge.shared import Shared
update(Path(sys.argv[1]), "cluster", lambda c: Ceremony(True, c.revealed + 2, 3), "Thư ký", Role.SECRETARY,
       Shared(sys.argv[2], "thidua:c"))
print(time.time(), flush=True)
"""


def test_a_ceremony_step_on_one_host_is_seen_on_the_other_within_a_second(
        redis_server: RedisServer, tmp_path: Path) -> None:
    """Host B (another process, its own SQLite) steps the ceremony; host A is woken and reads it."""
    from lib.core.ceremony import Ceremony
    from lib.edge.ceremony import channel, load
    from lib.edge.shared import Shared

    engine = Shared(redis_server.url, "thidua:c")
    host_a, host_b = tmp_path / "a.sqlite3", tmp_path / "b.sqlite3"
    assert load(host_a, "cluster", engine) == Ceremony()
    pubsub = redis_server.client().pubsub()
    pubsub.subscribe(channel(engine, "cluster"))
    assert pubsub.get_message(timeout=DEADLINE)["type"] == "subscribe"
    step = subprocess.run([sys.executable, "-c", STEP, str(host_b), redis_server.url], cwd=ROOT, capture_output=True,
                          text=True, timeout=DEADLINE)
    assert step.returncode == 0, step.stderr
    message = pubsub.get_message(ignore_subscribe_messages=True, timeout=DEADLINE)
    seen = time.time()
    assert message is not None and message["type"] == "message"
    assert load(host_a, "cluster", engine) == Ceremony(True, 2, 3)
    assert seen - float(step.stdout) < 1.0


def test_with_redis_away_the_ceremony_is_kept_on_the_host_and_redis_is_the_truth_again_after(
        redis_server: RedisServer, tmp_path: Path) -> None:
    from lib.core.ceremony import Ceremony
    from lib.core.model import Role
    from lib.edge.ceremony import load, update
    from lib.edge.shared import Shared

    engine, host = Shared(redis_server.url, "thidua:c"), tmp_path / "a.sqlite3"
    update(host, "cluster", lambda c: Ceremony(True, 1, 0), "Thư ký", Role.SECRETARY, engine)
    redis_server.stop()
    stepped = update(host, "cluster", lambda c: Ceremony(True, c.revealed + 1, 1), "Thư ký", Role.SECRETARY, engine)
    assert stepped == Ceremony(True, 2, 1) and not engine.healthy  # degraded, never a crash
    assert load(host, "cluster", engine) == Ceremony(True, 2, 1)
    redis_server.start()  # empty: it starts from the host's row
    deadline = time.monotonic() + DEADLINE
    while True:
        stepped = update(host, "cluster", lambda c: Ceremony(True, c.revealed + 1, 2), "Thư ký", Role.SECRETARY,
                         engine)  # never raises: while Redis is away it keeps the host's row
        if engine.healthy:
            break
        assert time.monotonic() < deadline, "Redis did not come back"
        engine._skip_until = 0.0  # noqa: SLF001 - look again now rather than after RETRY_SECONDS
    assert load(host, "cluster", engine) == stepped
    assert redis_server.client().hget("thidua:c:ceremony:cluster", "revealed") == str(stepped.revealed).encode()
