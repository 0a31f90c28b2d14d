"""Faults between processes, with real processes: many writers at once, ``kill -9`` mid-save, restarts.

Writers are ``tests.durability_worker`` (the outbox + store path of a dashboard process)
and ``python -m lib adjust``; they share one copy of the demo workbook and one state
database. Every test is bounded: processes get a timeout, and the whole file runs in
well under a minute on two cores.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

from lib.core.config import CONFIG_ENV, load_config
from lib.core.grammar import find_tab
from lib.core.model import Adjustment, ChangeSet, Role
from lib.core.parse import parse_workbook
from lib.edge.outbox import Outbox
from lib.edge.sources.xlsx import XlsxSource

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "config" / "demo.xlsx"
MEMBERS = load_config().provinces
TIMEOUT = 180  # seconds: a deadline for a worker process, generous for a machine under load
ENV = {k: v for k, v in os.environ.items() if k != CONFIG_ENV}


def cells(book: Path, count: int) -> list[list[str | None]]:
    """``count`` distinct agreed cells as [criterion, province, old, new], each new value different and in range."""
    sheet = parse_workbook(XlsxSource(book).read(), MEMBERS).sheet
    found: list[list[str | None]] = []
    for criterion in sheet.criteria:
        for province in sheet.provinces:
            key = (criterion.code, province.code)
            if key not in sheet.agreed_places:
                continue
            old = sheet.agreed.get(key)
            new = Decimal("0.25") if old != Decimal("0.25") else Decimal("0.5")
            found.append([criterion.code, province.code, None if old is None else str(old), str(new)])
    assert len(found) >= count, "the demo workbook has too few agreed cells for this test"
    return found[:count]


def worker(mode: str, book: Path, db: Path, *args: str, step: bool = False) -> subprocess.Popen[str]:
    """The worker process; with ``step`` it waits for a line on its stdin after each change set's status."""
    return subprocess.Popen([sys.executable, "-m", "tests.durability_worker", mode, str(book), str(db), *args],
                            cwd=ROOT, env={**ENV, "THIDUA_WORKER_STEP": "1" if step else "0"},
                            stdin=subprocess.PIPE if step else None, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def adjust(book: Path, edits: list[list[str | None]], user: str) -> subprocess.Popen[str]:
    specs = [f"{c}:{p}={(o or '').replace('.', ',')}->{n.replace('.', ',')}" for c, p, o, n in edits]  # type: ignore[union-attr]
    return subprocess.Popen([sys.executable, "-m", "lib", "adjust", str(book), "--user", user, "--reason",
                             "kiểm thử nhiều tiến trình", *specs],
                            cwd=ROOT, env=ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def log_ids(book: Path) -> list[str]:
    """The change-set id of every ``NhatKy`` row."""
    found = find_tab(XlsxSource(book).read(), "NhatKy")
    assert found is not None
    return [str(r[7]) for r in found[1][3:] if len(r) > 7 and r[7]]


def agreed(book: Path) -> dict:
    return dict(parse_workbook(XlsxSource(book).read(), MEMBERS).sheet.agreed)


def test_two_writer_processes_and_eight_adjust_processes_lose_nothing(tmp_path: Path) -> None:
    book, db = Path(shutil.copy(DEMO, tmp_path / "book.xlsx")), tmp_path / "state.sqlite3"
    todo = cells(book, 32)
    writer_cells, adjust_cells = [todo[0:8], todo[8:16]], [todo[16 + 2 * i: 18 + 2 * i] for i in range(8)]
    rows_before = len(log_ids(book))
    procs = [worker("write", book, db, json.dumps(w), str(i)) for i, w in enumerate(writer_cells)]
    procs += [adjust(book, a, f"adjust-{i}") for i, a in enumerate(adjust_cells)]
    results = [(p, *p.communicate(timeout=TIMEOUT)) for p in procs]

    accepted: dict[str, list[list[str | None]]] = {}
    for (proc, out, err), given in zip(results[:2], writer_cells, strict=True):
        assert proc.returncode == 0, err
        lines = [line.split() for line in out.splitlines() if not line.startswith(("start", "accepted"))]
        assert [line[0] for line in lines] == ["saved"] * len(given), out  # nothing queued, refused or lost
        accepted.update({line[1]: [cell] for line, cell in zip(lines, given, strict=True)})
    for (proc, out, err), given in zip(results[2:], adjust_cells, strict=True):
        assert proc.returncode == 0, err
        (change_id,) = [line.split()[-1] for line in out.splitlines() if line.startswith("Mã thay đổi")]
        accepted[change_id] = given

    ids, values = log_ids(book), agreed(book)
    assert len(ids) == rows_before + 32  # one row per cell, none twice
    for change_id, given in accepted.items():
        assert ids.count(change_id) == len(given)
        for criterion, province, _, new in given:
            assert values[(criterion, province)] == Decimal(new)  # type: ignore[arg-type]
    assert Outbox(db, queue="durability").pending() == []


def test_concurrent_outbox_adds_from_two_processes_lose_nothing(tmp_path: Path) -> None:
    db = tmp_path / "state.sqlite3"
    code = ("import sys; from lib.edge.outbox import Outbox; from lib.core.model import Adjustment, ChangeSet, Role;"
            "box = Outbox(sys.argv[1], queue='q');"
            "[box.add(ChangeSet('u', Role.SECRETARY, (Adjustment('1.1', '49', None, None, 'x'),))) for _ in range(40)]")
    procs = [subprocess.Popen([sys.executable, "-c", code, str(db)], cwd=ROOT, env=ENV) for _ in range(2)]
    assert [p.wait(timeout=TIMEOUT) for p in procs] == [0, 0]
    assert len({cs.id for cs in Outbox(db, queue="q").pending()}) == 80


def test_kill_9_in_the_middle_of_saves_leaves_a_whole_workbook_and_nothing_lost(tmp_path: Path) -> None:
    book, db = Path(shutil.copy(DEMO, tmp_path / "book.xlsx")), tmp_path / "state.sqlite3"
    todo = cells(book, 40)
    rng = random.Random(12)
    started: dict[str, tuple[str, str, str]] = {}  # change id -> (criterion, province, new)
    accepted: list[str] = []  # in the outbox (write-ahead) before the kill could take it

    def note(line: str) -> None:
        if line.startswith("start"):
            _, change_id, criterion, province, new = line.split()
            started[change_id] = (criterion, province, new)
        elif line.startswith("accepted"):
            accepted.append(line.split()[1])

    kills = 0
    for round_cells in (todo[0:10], todo[10:20], todo[20:30], todo[30:40]):
        proc = worker("write", book, db, json.dumps(round_cells))
        assert proc.stdout is not None
        saved = 0
        deadline = time.monotonic() + TIMEOUT
        while saved < 2 and time.monotonic() < deadline:  # let a couple land, then kill at a random moment
            line = proc.stdout.readline()
            note(line)
            saved += line.startswith("saved")
        time.sleep(rng.uniform(0.0, 0.15))
        os.kill(proc.pid, signal.SIGKILL)
        kills += 1
        rest, _ = proc.communicate(timeout=TIMEOUT)
        for line in rest.splitlines():
            note(line)
        assert proc.returncode == -signal.SIGKILL
        parse_workbook(XlsxSource(book).read(), MEMBERS)  # the workbook opens and parses after every kill
    assert kills == 4
    ids = set(log_ids(book))
    pending = {cs.id for cs in Outbox(db, queue="durability").pending()}
    assert all(i in ids or i in pending for i in accepted), "an accepted change set is neither saved nor queued"
    # Without an "accepted" line the kill came either before the outbox's commit (the set was never
    # accepted: in neither place) or between the commit and the line (queued: the drain must land it).
    # Only the last set of each killed round can be such a one.
    unaccepted = [i for i in started if i not in accepted]
    assert len(unaccepted) <= kills
    for i in unaccepted:
        if i not in ids and i not in pending:
            del started[i]
    restart = worker("drain", book, db)  # a restart drains the outbox, with no page open
    out, err = restart.communicate(timeout=TIMEOUT)
    assert restart.returncode == 0, err
    report = json.loads(out)
    assert report["remaining"] == 0 and report["parked"] == []
    ids, values = log_ids(book), agreed(book)
    assert all(ids.count(i) == 1 for i in started)  # every started change landed exactly once
    assert all(values[(c, p)] == Decimal(n) for c, p, n in started.values())


def test_a_permanent_refusal_then_valid_saves_all_land_after_a_restart(tmp_path: Path) -> None:
    book, db = Path(shutil.copy(DEMO, tmp_path / "book.xlsx")), tmp_path / "state.sqlite3"
    (good1, good2) = cells(book, 2)
    box = Outbox(db, queue="durability")
    bad = ChangeSet("T", Role.SECRETARY, (Adjustment(good1[0], good1[1], None, Decimal("999"), "quá điểm"),))  # type: ignore[arg-type]
    sets = [bad, *(ChangeSet("T", Role.SECRETARY, (Adjustment(c, p, None if o is None else Decimal(o), Decimal(n),  # type: ignore[arg-type]
                                                               "hợp lệ"),)) for c, p, o, n in (good1, good2))]
    for cs in sets:
        box.add(cs)  # as an outage leaves them
    with sqlite3.connect(db) as conn:
        conn.execute("INSERT INTO outbox_pending (queue, id, body, queued_at) VALUES ('durability', 'torn', ?, '')",
                     ('{"id":',))
    restart = worker("drain", book, db)
    out, err = restart.communicate(timeout=TIMEOUT)
    assert restart.returncode == 0, err
    report = json.loads(out)
    assert report["parked"] == [bad.id] and report["saved"] == [sets[1].id, sets[2].id]
    assert report["quarantined"] == 1 and report["remaining"] == 0
    (parked,) = box.conflicts()
    assert parked.code == "change.invalid"
    (entry,) = box.quarantined()
    assert entry.text == '{"id":' and entry.message
    ids = log_ids(book)
    assert ids.count(sets[1].id) == ids.count(sets[2].id) == 1 and bad.id not in ids


def test_a_sheets_outage_during_saves_then_a_restart_then_recovery_loses_nothing_and_writes_nothing_twice(
    tmp_path: Path,
) -> None:
    """A writer process saves 12 change sets to the local Sheets API server, which is switched off
    after the 4th is saved; the writer ends (its edits queued); a new process drains the outbox
    once the server is back; a second drain finds nothing to do.

    The writer waits for a line on its stdin after each status, so the switch-off falls exactly
    between the 4th and the 5th save (it raced the writer before: "6 saved before the switch-off"
    in a fresh clone on a busy machine)."""
    from tests.fake_sheets import FakeSheetsServer
    from tests.fake_sheets.client import sheet_settings

    with FakeSheetsServer() as server:
        key = server.create_spreadsheet("outage", XlsxSource(DEMO).read())
        settings = tmp_path / "sheet.json"
        settings.write_text(json.dumps(sheet_settings(
            server, key, timeout=[10, 30], retry={"attempts": 2, "first_wait": 0.01, "max_wait": 0.05})), "utf-8")
        book, db = f"gsheet:{settings}", tmp_path / "state.sqlite3"
        todo = cells(DEMO, 12)
        rows_before = len(sheet_log_ids(server, key))
        writer = worker("write", book, db, json.dumps(todo), step=True)  # type: ignore[arg-type]
        statuses: dict[str, str] = {}
        up = True
        started: dict[str, tuple[str, str, str]] = {}
        assert writer.stdout is not None and writer.stdin is not None
        for line in writer.stdout:
            word, change_id, *rest = line.split()
            if word == "start":
                started[change_id] = (rest[0], rest[1], rest[2])
                continue
            if word == "accepted":  # in the outbox; its status follows
                continue
            statuses[change_id] = word
            if list(statuses.values()).count("saved") == 4 and up:
                server.stop()  # the outage, between the writer's 4th and 5th saves
                up = False
            writer.stdin.write("go\n")  # the writer goes on only now
            writer.stdin.flush()
        writer.stdin.close()
        assert writer.wait(timeout=TIMEOUT) == 0, writer.stderr.read() if writer.stderr else ""
        saved_during = [i for i, s in statuses.items() if s == "saved"]
        queued = [i for i, s in statuses.items() if s == "queued"]
        assert len(started) == 12 and len(saved_during) + len(queued) == 12, statuses
        assert len(saved_during) == 4 and len(queued) == 8, statuses
        print(f"outage figures: {len(saved_during)} saved before the switch-off, {len(queued)} queued")

        server.start()  # recovery; the writer is gone: a new process drains
        restart = worker("drain", book, db)
        out, err = restart.communicate(timeout=TIMEOUT)
        assert restart.returncode == 0, err
        report = json.loads(out)
        assert sorted(report["saved"]) == sorted(queued) and report["remaining"] == 0 and report["parked"] == []
        again = worker("drain", book, db)
        out, err = again.communicate(timeout=TIMEOUT)
        assert again.returncode == 0 and json.loads(out)["saved"] == [], err

        ids = sheet_log_ids(server, key)
        values = dict(parse_workbook(server_workbook(server, key), MEMBERS).sheet.agreed)
    lost = [i for i in started if i not in ids]
    twice = [i for i in started if ids.count(i) > 1]
    assert lost == [] and twice == [] and len(ids) == rows_before + 12
    assert all(values[(c, p)] == Decimal(n) for c, p, n in started.values())


def sheet_log_ids(server: object, key: str) -> list[str]:
    rows = server.values(key, "NhatKy")  # type: ignore[attr-defined]
    return [str(r[7]) for r in rows[3:] if len(r) > 7 and r[7]]


def server_workbook(server: object, key: str) -> dict:
    return {tab: server.values(key, tab) for tab in server.tabs(key)}  # type: ignore[attr-defined]
