"""The durable outbox (``lib.edge.outbox``): nothing lost in an outage, nothing written twice.

Outages: the local workbook moved away, the fake Sheets server stopped, or answering
503/429. A restart is a new ``Outbox`` on the same database.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import sqlite3
import threading
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest

from lib.core.errors import NotAllowed, QuotaExceeded, Unavailable
from lib.core.model import VN_TIME, Adjustment, ChangeSet, Role
from lib.edge.outbox import Outbox, change_set_from_json, change_set_to_json
from lib.edge.sources.gsheet import GoogleSheetSource, RetryPolicy
from lib.edge.sources.gsheet_settings import authorized_session, credentials_from_info
from lib.edge.store import save
from tests.fake_sheets import service_account_info
from tests.servers import until
from tests.test_store import MEMBERS, PY_11, QN_11, Backend, LostReply, change, open_backend

D = Decimal
LATER = dt.datetime(2100, 1, 1, tzinfo=VN_TIME)


@pytest.fixture(params=["xlsx", "gsheet"])
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Backend]:
    with open_backend(request.param, tmp_path) as b:
        yield b


def saver(backend: Backend):
    return lambda cs: save(backend.source, cs, MEMBERS)


# -- the file ---------------------------------------------------------------------------
def test_decimals_round_trip_exactly_and_survive_a_restart(tmp_path: Path) -> None:
    cs = change(Adjustment("1.1", "49", D("7.250"), D("0.1"), "lý do"), Adjustment("1.2", "54", None, D("5"), "x"))
    Outbox(tmp_path / "outbox.sqlite3").add(cs)
    (again,) = Outbox(tmp_path / "outbox.sqlite3").pending()  # a new process on the same file
    assert again == cs
    assert [str(a.old) for a in again.adjustments] == ["7.250", "None"]
    assert str(again.adjustments[0].new) == "0.1"
    with sqlite3.connect(tmp_path / "outbox.sqlite3") as db:
        (body,) = db.execute("SELECT body FROM outbox_pending").fetchone()
    assert json.loads(body)["adjustments"][0]["old"] == "7.250"
    assert change_set_from_json(change_set_to_json(cs)) == cs
    assert not [p.name for p in tmp_path.iterdir() if p.suffix == ".tmp"]  # no temporary file left


def test_adding_the_same_change_set_twice_keeps_one(tmp_path: Path) -> None:
    box = Outbox(tmp_path / "o.sqlite3")
    cs = change(QN_11)
    box.add(cs)
    box.add(cs)
    assert box.pending() == [cs]


def test_concurrent_adds_lose_nothing(tmp_path: Path) -> None:
    sets = [change(QN_11) for _ in range(40)]
    threads = [threading.Thread(target=Outbox(tmp_path / "o.sqlite3").add, args=(cs,)) for cs in sets]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert {cs.id for cs in Outbox(tmp_path / "o.sqlite3").pending()} == {cs.id for cs in sets}


# -- outages ----------------------------------------------------------------------------
def test_an_outage_queues_the_change_set_and_drain_writes_it_exactly_once(backend: Backend, tmp_path: Path) -> None:
    path = tmp_path / "state" / "outbox.sqlite3"
    rows_before = len(backend.log_rows())
    cs = change(QN_11, PY_11)
    backend.outage()
    submitted = Outbox(path).submit(saver(backend), cs)
    assert submitted.status == "queued" and submitted.error
    box = Outbox(path)  # restart
    assert box.pending() == [cs]
    report = box.drain(saver(backend), force=True)  # still down
    assert report.error and report.remaining == 1 and report.next_attempt_at is not None
    assert box.status()[0] == 1
    backend.recover()
    report = Outbox(path).drain(saver(backend), now=LATER)
    assert report.saved == (cs.id,) and report.remaining == 0 and Outbox(path).pending() == []
    assert len(backend.log_rows(cs.id)) == 2 and len(backend.log_rows()) == rows_before + 2
    assert Outbox(path).drain(saver(backend), now=LATER).saved == ()
    assert len(backend.log_rows()) == rows_before + 2
    assert backend.sheet().agreed[("1.1", "49")] == D("7.5")  # type: ignore[index]


def test_a_503_outage_on_the_sheet_is_queued(tmp_path: Path) -> None:
    with open_backend("gsheet", tmp_path) as b:
        assert b.server is not None
        b.server.fail(503, times=None)
        box = Outbox(tmp_path / "o.sqlite3")
        assert box.submit(saver(b), change(QN_11)).status == "queued"
        b.server.clear_faults()
        assert len(box.drain(saver(b), force=True).saved) == 1


def test_quota_exceeded_is_queued(tmp_path: Path) -> None:
    with open_backend("gsheet", tmp_path) as b:
        assert b.server is not None
        b.server.fail(429, times=None)
        box = Outbox(tmp_path / "o.sqlite3")
        with pytest.raises(QuotaExceeded):
            save(b.source, change(QN_11), MEMBERS)
        assert box.submit(saver(b), change(QN_11)).status == "queued"
        assert "hạn mức" in (box.status()[1] or "")


def test_a_drain_after_an_ambiguous_failure_does_not_duplicate(backend: Backend, tmp_path: Path) -> None:
    box = Outbox(tmp_path / "o.sqlite3")
    cs = change(QN_11, PY_11)
    lost = LostReply(backend.source)
    assert box.submit(lambda c: save(lost, c, MEMBERS), cs).status == "queued"  # written, answer lost
    assert len(backend.log_rows(cs.id)) == 2
    report = Outbox(tmp_path / "o.sqlite3").drain(saver(backend), force=True)
    assert report.saved == (cs.id,) and box.pending() == []
    assert len(backend.log_rows(cs.id)) == 2


def test_a_timed_out_append_that_landed_is_not_repeated(tmp_path: Path) -> None:
    """The real thing on the Sheets API: the append is applied after the client gave up."""
    with open_backend("gsheet", tmp_path) as b:
        server, key = b.server, str(b.extras["key"])
        assert server is not None
        info = service_account_info(server)
        impatient = GoogleSheetSource(key, authorized_session(credentials_from_info(info), server.url),
                                      timeout=(2.0, 0.3), retry=RetryPolicy(attempts=1, first_wait=0.01))
        server.slow(0.6, times=1, match="values:append")
        box = Outbox(tmp_path / "o.sqlite3")
        cs = change(QN_11)
        assert box.submit(lambda c: save(impatient, c, MEMBERS), cs).status == "queued"
        until(lambda: b.log_rows(cs.id), "the slowed append never landed", every=0.05)  # it did land, late
        assert box.drain(saver(b), force=True).saved == (cs.id,)
        assert len(b.log_rows(cs.id)) == 1


# -- conflicts and refusals -------------------------------------------------------------
def test_a_conflict_found_during_drain_is_parked_for_the_secretary(backend: Backend, tmp_path: Path) -> None:
    path = tmp_path / "o.sqlite3"
    cs = change(QN_11, PY_11)
    backend.outage()
    Outbox(path).submit(saver(backend), cs)
    backend.recover()
    backend.edit_agreed("1.1", "49", 6)  # an organiser typed meanwhile
    rows_before = len(backend.log_rows())
    report = Outbox(path).drain(saver(backend), force=True)
    assert report.parked == (cs.id,) and report.saved == ()
    box = Outbox(path)  # parked items survive a restart too
    assert box.pending() == []
    (parked,) = box.conflicts()
    assert parked.kind == "conflict" and parked.change_set == cs
    (conflict,) = parked.conflicts
    assert (conflict.yours, conflict.started_from, conflict.now) == (D("7.5"), D("7.25"), D(6))
    assert len(backend.log_rows()) == rows_before and ("1.1", "54") not in backend.sheet().agreed
    box.dismiss(cs.id)
    assert box.conflicts() == []


def test_a_refused_change_set_is_parked_not_retried(tmp_path: Path) -> None:
    box = Outbox(tmp_path / "o.sqlite3")
    viewer = change(QN_11, role=Role.VIEWER)
    box.add(viewer)

    def refuse(cs: ChangeSet) -> None:
        raise NotAllowed("không có quyền")

    assert box.drain(refuse, force=True).parked == (viewer.id,)
    assert box.pending() == [] and box.conflicts()[0].kind == "rejected"


def test_the_queue_keeps_its_order_and_a_new_change_set_waits_behind_it(tmp_path: Path) -> None:
    box = Outbox(tmp_path / "o.sqlite3")
    first, second, third = change(QN_11), change(PY_11), change(QN_11)
    calls: list[str] = []
    down = True

    def fn(cs: ChangeSet) -> None:
        calls.append(cs.id)
        if down:
            raise Unavailable("mất mạng")

    assert box.submit(fn, first, now=LATER).status == "queued"
    box.add(second)
    calls.clear()
    down = False
    assert box.submit(fn, third, now=LATER).status == "saved"
    assert calls == [first.id, second.id, third.id]


# -- backoff ----------------------------------------------------------------------------
def test_backoff_grows_exponentially_with_jitter_and_is_respected(tmp_path: Path) -> None:
    box = Outbox(tmp_path / "o.sqlite3", base_delay=5, max_delay=60, rng=random.Random(7))
    box.add(change(QN_11))
    calls = 0

    def down(cs: ChangeSet) -> None:
        nonlocal calls
        calls += 1
        raise Unavailable("mất mạng")

    now = dt.datetime(2020, 3, 12, 14, 0, tzinfo=VN_TIME)
    waits = []
    for attempt in range(1, 6):
        report = box.drain(down, now=now)
        assert calls == attempt and report.next_attempt_at is not None
        wait = (report.next_attempt_at - now).total_seconds()
        nominal = min(60, 5 * 2 ** (attempt - 1))
        assert nominal / 2 <= wait <= nominal
        waits.append(wait)
        early = box.drain(down, now=now + dt.timedelta(seconds=wait / 2))
        assert early.skipped and calls == attempt  # not due: nothing tried
        now = report.next_attempt_at
    assert waits[3] > waits[0] and not box.drain(down, now=now, force=True).skipped
    assert box.status()[0] == 1 and box.pending()  # never dropped


# -- never jammed -----------------------------------------------------------------------
def test_a_permanent_refusal_is_set_aside_and_later_change_sets_land(backend: Backend, tmp_path: Path) -> None:
    box = Outbox(tmp_path / "o.sqlite3")
    bad = change(Adjustment("1.1", "49", D("7.25"), D("99"), "quá điểm tối đa"))  # a rule: out of range
    missing = change(Adjustment("9.9", "49", None, D("1"), "không có tiêu chí"))
    good = [change(QN_11), change(PY_11)]
    for cs in (bad, missing, *good):
        box.add(cs)
    report = box.drain(saver(backend), force=True)
    assert report.parked == (bad.id, missing.id) and report.saved == tuple(cs.id for cs in good)
    assert report.remaining == 0 and box.pending() == []
    assert [(p.change_set.id, p.kind, p.code) for p in box.conflicts()] == [
        (bad.id, "rejected", "change.invalid"), (missing.id, "rejected", "change.invalid")]
    sheet = backend.sheet()
    assert sheet.agreed[("1.1", "49")] == D("7.5") and sheet.agreed[("1.1", "54")] == D("7")  # type: ignore[index]


def test_a_layout_error_is_permanent_not_an_outage(tmp_path: Path) -> None:
    from lib.core.errors import LayoutError

    box = Outbox(tmp_path / "o.sqlite3")
    first, second = change(QN_11), change(PY_11)
    box.add(first)
    box.add(second)

    def fn(cs: ChangeSet) -> None:
        if cs.id == first.id:
            raise LayoutError("layout.no_log_header", tab="NhatKy")

    report = box.drain(fn, force=True)
    assert report.parked == (first.id,) and report.saved == (second.id,)
    (parked,) = box.conflicts()
    assert parked.code == "layout.no_log_header" and parked.params == (("tab", "NhatKy"),)
    assert box.requeue(first.id) and [cs.id for cs in box.pending()] == [first.id] and box.conflicts() == []


def test_an_unexpected_error_is_set_aside_with_its_words(tmp_path: Path) -> None:
    box = Outbox(tmp_path / "o.sqlite3")
    cs, later = change(QN_11), change(PY_11)
    box.add(cs)
    box.add(later)
    saved: list[str] = []

    def fn(c: ChangeSet) -> None:
        if c.id == cs.id:
            raise ZeroDivisionError("bug")
        saved.append(c.id)

    assert box.drain(fn, force=True).parked == (cs.id,) and saved == [later.id]
    (parked,) = box.conflicts()
    assert parked.code == "outbox.unexpected" and "ZeroDivisionError" in str(dict(parked.params)["error"])


@pytest.mark.parametrize("body", ["{not json", '{"id": "x"}', "[]", '{"id": "y", "user": "u", "role": "boss", '
                                  '"created_at": "", "adjustments": []}', '{"id": "z", "user": "u", "role": '
                                  '"secretary", "created_at": "", "adjustments": [{"criterion": "1.1", "province": '
                                  '"49", "old": "bảy", "new": null, "reason": "x"}]}'])
def test_a_corrupt_entry_is_quarantined_reported_and_does_not_block(tmp_path: Path, body: str) -> None:
    path = tmp_path / "o.sqlite3"
    box = Outbox(path)
    before, after = change(QN_11), change(PY_11)
    box.add(before)
    with sqlite3.connect(path) as db:
        db.execute("INSERT INTO outbox_pending (queue, id, body, queued_at) VALUES ('default', 'bad', ?, '')", (body,))
    box.add(after)
    saved: list[str] = []
    report = box.drain(lambda cs: saved.append(cs.id), force=True)
    assert saved == [before.id, after.id] and report.quarantined == 1 and report.remaining == 0
    (entry,) = Outbox(path).quarantined()
    assert entry.text == body and entry.message
    assert box.status()[0] == 0
    box.dismiss_quarantined(entry.seq)
    assert box.quarantined() == []


def test_submit_is_write_ahead_an_interrupted_save_stays_queued(tmp_path: Path) -> None:
    box = Outbox(tmp_path / "o.sqlite3")
    cs = change(QN_11)

    def dies(c: ChangeSet) -> None:
        assert [p.id for p in Outbox(tmp_path / "o.sqlite3").pending()] == [cs.id]  # queued before writing
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        box.submit(dies, cs, now=LATER)
    saved: list[str] = []
    assert box.drain(saved.append, now=LATER, force=True).saved == () and box.pending() == [cs]  # leased
    later = LATER + dt.timedelta(minutes=5)
    assert box.drain(lambda c: saved.append(c.id), now=later).saved == (cs.id,) and saved == [cs.id]


def test_a_refused_direct_save_leaves_nothing_queued(tmp_path: Path) -> None:
    box = Outbox(tmp_path / "o.sqlite3")

    def refuse(cs: ChangeSet) -> None:
        raise NotAllowed("role.cannot_edit", user="Khách")

    with pytest.raises(NotAllowed):
        box.submit(refuse, change(QN_11))
    assert box.pending() == [] and box.conflicts() == []


def test_an_old_jsonl_outbox_is_imported_and_bad_lines_quarantined(tmp_path: Path) -> None:
    from lib.edge.outbox import import_jsonl

    cs = change(QN_11)
    old = tmp_path / "demo.outbox.jsonl"
    old.write_text(json.dumps({"change_set": change_set_to_json(cs), "attempts": 2}) + "\n{broken\n", "utf-8")
    box = Outbox(tmp_path / "o.sqlite3")
    assert import_jsonl(box, old) == 1
    (entry,) = box.quarantined()
    assert box.pending() == [cs] and "demo.outbox.jsonl:2" in entry.message
    assert not old.exists() and (tmp_path / "demo.outbox.jsonl.imported").exists()


# -- real SQLite faults (issue 20): every failure worded, every outcome said as it is -------------
def _lock(path: Path) -> sqlite3.Connection:
    """Another process's connection holding the database exclusively (until it is closed)."""
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")
    return other


@pytest.fixture
def quick_busy(monkeypatch: pytest.MonkeyPatch) -> None:
    import lib.edge.state as state

    monkeypatch.setattr(state, "BUSY_TIMEOUT_MS", 50)  # give up on a held lock after 50 ms, not 15 s


def test_a_locked_database_refuses_the_submit_with_nothing_saved_and_nothing_queued(tmp_path: Path,
                                                                                  quick_busy: None) -> None:
    from lib.edge.state import StateError

    path = tmp_path / "state.sqlite3"
    box = Outbox(path)
    box.status()  # the schema exists
    calls: list[str] = []
    other = _lock(path)
    try:
        with pytest.raises(StateError) as caught:
            box.submit(lambda cs: calls.append(cs.id), change(QN_11))
    finally:
        other.close()
    assert caught.value.code == "state.locked" and calls == []  # the sheet was never touched
    assert box.pending() == [] and box.conflicts() == []


def test_a_full_database_refuses_the_submit_with_nothing_saved(tmp_path: Path, monkeypatch) -> None:
    """SQLITE_FULL from SQLite itself: the database may not grow past the pages it has."""
    import lib.edge.state as state
    from lib.edge.state import StateError

    path = tmp_path / "state.sqlite3"
    box = Outbox(path)
    box.status()
    opened = state.connect

    def capped(where: Path) -> sqlite3.Connection:
        conn = opened(where)
        (pages,) = conn.execute("PRAGMA page_count").fetchone()
        conn.execute(f"PRAGMA max_page_count = {pages}")
        return conn

    monkeypatch.setattr(state, "connect", capped)
    big = change(Adjustment("1.1", "49", D("7.25"), D("7.5"), "lý do " * 4000))  # needs new pages
    calls: list[str] = []
    with pytest.raises(StateError) as caught:
        box.submit(lambda cs: calls.append(cs.id), big)
    assert caught.value.code == "state.full" and calls == []
    monkeypatch.setattr(state, "connect", opened)
    assert box.pending() == []
    from lib.present.catalogue import explain

    assert "Đĩa đầy" in explain(caught.value) and "disk is full" in explain(caught.value, "en")


def test_a_save_that_landed_is_saved_even_if_the_queue_cannot_drop_it(tmp_path: Path, quick_busy: None) -> None:
    path = tmp_path / "state.sqlite3"
    box = Outbox(path)
    held: list[sqlite3.Connection] = []

    def save_then_another_process_locks(cs: ChangeSet) -> None:
        held.append(_lock(path))  # the sheet took it; now the database is held past the busy timeout

    try:
        outcome = box.submit(save_then_another_process_locks, change(QN_11))
    finally:
        for other in held:
            other.close()
    assert outcome.status == "saved" and outcome.code == "state.saved_still_queued"
    assert [cs.id for cs in box.pending()] == [outcome_id := box.pending()[0].id] and outcome_id
    report = box.drain(lambda cs: None, now=LATER, force=True)  # the retry (the store finds it in the log)
    assert report.saved == (outcome_id,) and box.pending() == []


def test_a_change_set_parked_during_its_submit_is_told_as_parked_with_its_reason(tmp_path: Path) -> None:
    from lib.core.errors import ChangeSetConflict
    from lib.core.model import Conflict
    from lib.present.catalogue import word

    box = Outbox(tmp_path / "state.sqlite3")
    older = change(PY_11)
    box.add(older)  # an older change set waits: the new one queues behind it and the queue drains

    def conflicting(cs: ChangeSet) -> None:
        if cs.id != older.id:
            raise ChangeSetConflict([Conflict("1.1", "49", "Quảng Nam", D("7.5"), D("7.25"), D("7.75"))])

    outcome = box.submit(conflicting, change(QN_11))
    assert outcome.status == "parked" and outcome.code  # never "kept and saved on reconnect"
    assert "kept" not in word(outcome.code, outcome.params, "en")
    assert [p.change_set.id for p in box.conflicts()] and box.pending() == []
