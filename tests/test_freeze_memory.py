"""A signed freeze row deleted by hand: the host that saw it says so, and writes stay refused (issue 19).

The signatures chain each ``Chot`` row to the one before, so a row cannot be changed, moved or
typed; but the last row can be deleted, and a deleted freeze read as "never frozen". The host
remembers the rows it saw obeyed (``lib.edge.freeze_memory``).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl
import pytest

from lib.core.config import load_config
from lib.core.errors import NotAllowed
from lib.core.model import Adjustment, ChangeSet, Role
from lib.edge.freeze_memory import evaluate_remembering, source_id
from lib.edge.sources.xlsx import XlsxSource
from lib.edge.store import save, set_frozen

ROOT = Path(__file__).resolve().parents[1]
CONFIG = load_config(ROOT / "config" / "tn-dhmt-2019.toml")
KEY = b"tests-freeze-memory-secret-0123456789"


@pytest.fixture
def workbook(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> XlsxSource:
    monkeypatch.setenv("THIDUA_CACHE_DIR", str(tmp_path / "cache"))  # this host's memory
    path = tmp_path / "demo.xlsx"
    shutil.copy(ROOT / "config" / "demo.xlsx", path)
    return XlsxSource(path)


def read(source: XlsxSource):
    """What the server's shared reader does with a new version."""
    return evaluate_remembering(source.read(), CONFIG, KEY, source_id(source))


def delete_last_freeze_row(source: XlsxSource) -> None:
    wb = openpyxl.load_workbook(source.path)
    ws = wb["Chot"]
    ws.delete_rows(ws.max_row)
    wb.save(source.path)


def agree(source: XlsxSource) -> ChangeSet:
    sheet = read(source).sheet
    code, province = next(k for k in sorted(sheet.self_scores) if k not in sheet.agreed and k not in sheet.computed)
    return ChangeSet("Thư ký", Role.SECRETARY, (Adjustment(code, province, None, sheet.self_scores[(code, province)],
                                                           "thống nhất"),))


def test_a_deleted_freeze_row_is_still_a_freeze_broken_at_chot_and_writes_stay_refused(workbook) -> None:
    set_frozen(workbook, CONFIG.provinces, "Quản trị", Role.ADMIN, True, freeze_key=KEY)
    seen = read(workbook)
    assert seen.freeze.frozen and not seen.freeze.broken
    delete_last_freeze_row(workbook)

    after = read(workbook)
    assert after.freeze.frozen and after.freeze.broken, "the freeze row vanished and the scores read as open"
    assert [r.event.action for r in after.freeze.removed] == ["chốt"]
    assert any(p.code == "freeze.rows_removed" and p.cell == "Chot" and p.severity.value == "error"
               for p in after.problems)
    before = workbook.read()
    with pytest.raises(NotAllowed) as refused:
        save(workbook, agree(workbook), CONFIG.provinces, freeze_key=KEY)
    assert refused.value.code == "freeze.rows_removed"
    assert workbook.read() == before


def test_an_admin_signing_anew_through_the_app_settles_it(workbook) -> None:
    set_frozen(workbook, CONFIG.provinces, "Quản trị", Role.ADMIN, True, freeze_key=KEY)
    read(workbook)
    delete_last_freeze_row(workbook)
    assert read(workbook).freeze.removed
    # the admin sees the removal on the freeze page and unfreezes, with a reason, through the app
    set_frozen(workbook, CONFIG.provinces, "Quản trị", Role.ADMIN, False, "dòng chốt bị xóa; mở để chốt lại",
               freeze_key=KEY)
    now = read(workbook)
    assert not now.freeze.removed and not now.freeze.frozen and not now.freeze.broken
    save(workbook, agree(workbook), CONFIG.provinces, freeze_key=KEY)  # open again, knowingly


def test_a_host_that_never_saw_the_row_raises_no_false_alarm(workbook, tmp_path, monkeypatch) -> None:
    set_frozen(workbook, CONFIG.provinces, "Quản trị", Role.ADMIN, True, freeze_key=KEY)
    monkeypatch.setenv("THIDUA_CACHE_DIR", str(tmp_path / "another-host"))
    fresh = read(workbook)
    assert fresh.freeze.frozen and not fresh.freeze.removed and not fresh.freeze.broken


def test_rows_appended_through_the_app_are_never_taken_for_removed(workbook) -> None:
    for frozen, reason in ((True, ""), (False, "sửa số liệu"), (True, "")):
        set_frozen(workbook, CONFIG.provinces, "Quản trị", Role.ADMIN, frozen, reason, freeze_key=KEY)
        state = read(workbook).freeze
        assert state.frozen is frozen and not state.removed and not state.broken


def test_every_screen_says_the_freeze_is_broken_at_chot(workbook) -> None:
    from lib.present.standings_json import live_document
    from lib.present.status import frozen_text, ranking_status

    set_frozen(workbook, CONFIG.provinces, "Quản trị", Role.ADMIN, True, freeze_key=KEY)
    read(workbook)
    delete_last_freeze_row(workbook)
    after = read(workbook)
    assert "Chot" in frozen_text(ranking_status(after))
    import datetime as dt
    document = live_document(after, cluster="c", year=2019, version=1, fetched_at=dt.datetime(2020, 3, 13),
                             stale=False)
    assert document["freeze_broken"] and document["freeze_broken_cells"] == ["Chot"]


# -- the signed votes and nominations (BieuQuyet, DeCu) ------------------------------------------------
def vote(source: XlsxSource, vote_id: str, winner: str, loser: str) -> None:
    from lib.core.model import Vote
    from lib.edge.store import record_vote

    record_vote(source, Vote(vote_id, "", "", 22, 22, ((winner, 15), (loser, 7))), CONFIG.provinces, "Thư ký",
                Role.SECRETARY, freeze_key=KEY)


def delete_last_vote(source: XlsxSource) -> None:
    wb = openpyxl.load_workbook(source.path)
    wb["BieuQuyet"].delete_rows(wb["BieuQuyet"].max_row - 1, 2)
    wb.save(source.path)


def test_a_deleted_latest_vote_is_named_at_the_tab_and_no_vote_counts_until_a_new_one_is_recorded(workbook) -> None:
    vote(workbook, "V1", "52", "66")
    vote(workbook, "V2", "66", "52")
    assert read(workbook).standing("66").rank == 4
    delete_last_vote(workbook)
    after = read(workbook)
    assert not after.sheet.votes and after.standing("52").needs_vote and after.standing("66").needs_vote
    assert [(p.cell, p.is_error) for p in after.problems if p.code == "record.rows_removed"] == [("BieuQuyet", True)]
    assert read(workbook).standing("52").needs_vote  # still so on the next read
    vote(workbook, "V3", "66", "52")  # voted again through the app: signed over what the tab holds now
    again = read(workbook)
    assert [v.id for v in again.sheet.votes] == ["V1", "V3"] and again.standing("66").rank == 4
    assert not [p for p in again.problems if p.code == "record.rows_removed"]


def test_a_host_that_never_saw_the_vote_has_nothing_to_remember(workbook, tmp_path, monkeypatch) -> None:
    vote(workbook, "V1", "52", "66")
    monkeypatch.setenv("THIDUA_CACHE_DIR", str(tmp_path / "other-host"))  # a host that never saw V1 being written
    delete_last_vote(workbook)
    assert not [p for p in read(workbook).problems if p.code == "record.rows_removed"]


def test_the_memory_of_votes_is_per_tab_and_per_workbook(workbook, tmp_path) -> None:
    from lib.edge.freeze_memory import remember_records

    db = tmp_path / "state.db"
    seen = remember_records("xlsx:/a", {"BieuQuyet": ("s1", "s2"), "DeCu": ("n1",)}, db)
    assert [r.signature for r in seen["BieuQuyet"]] == ["s1", "s2"] and [r.signature for r in seen["DeCu"]] == ["n1"]
    seen = remember_records("xlsx:/a", {"BieuQuyet": ("s1", "s3")}, db)
    assert [(r.position, r.signature) for r in seen["BieuQuyet"]] == [(0, "s1"), (1, "s2"), (2, "s3")]
    assert remember_records("xlsx:/b", {}, db) == {}
