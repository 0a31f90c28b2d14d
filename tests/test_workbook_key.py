"""Each workbook signs with its own key (issue 19): a row signed in a copy never counts in another.

``lib.edge.secret.workbook_key`` derives the key from the records key and the workbook's id (a Google
Sheet's key, a local file's resolved path); ``bound_key`` keeps the plain records key for a workbook
whose rows were all signed with it before (legacy), the one thing a copy can still replay.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl
import pytest

from lib.core.config import load_config
from lib.core.model import Role, Vote
from lib.core.writes import LogLayout, vote_batch
from lib.edge.freeze_memory import evaluate_remembering, source_id
from lib.edge.secret import bound_key, workbook_key
from lib.edge.sources.xlsx import XlsxSource
from lib.edge.store import record_vote, set_frozen

ROOT = Path(__file__).resolve().parents[1]
CONFIG = load_config(ROOT / "config" / "tn-dhmt-2019.toml")
KEY = b"tests-workbook-key-secret-0123456789"
NAMES = {p.code: p.name for p in CONFIG.provinces}


@pytest.fixture
def live(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> XlsxSource:
    monkeypatch.setenv("THIDUA_CACHE_DIR", str(tmp_path / "cache"))
    path = tmp_path / "demo.xlsx"
    shutil.copy(ROOT / "config" / "demo.xlsx", path)
    return XlsxSource(path)


def read(source: XlsxSource):  # type: ignore[no-untyped-def]
    return evaluate_remembering(source.read(), CONFIG, KEY, source_id(source))


def legacy_vote(source: XlsxSource, vote_id: str, winner: str, loser: str) -> None:
    """A vote written as before workbooks had their own key: signed with the plain records key."""
    raw = source.read()
    vote = Vote(vote_id, "", "", 22, 22, ((winner, 15), (loser, 7)))
    source.write(vote_batch(raw, vote, NAMES, LogLayout.of(raw), "12/03/2020 10:00:00", "Thư ký", KEY))


def test_the_key_depends_on_the_workbook_and_the_records_key() -> None:
    one = workbook_key(KEY, "gsheet:A")
    assert len(one) == 32 and one not in (KEY, workbook_key(KEY, "gsheet:B"), workbook_key(b"other" * 4, "gsheet:A"))
    assert workbook_key(KEY, "gsheet:A") == one


def test_a_google_sheet_is_named_by_its_key_and_a_local_file_by_its_resolved_path(tmp_path: Path) -> None:
    class Sheet:
        key = "1AbC"
    assert source_id(Sheet()) == "gsheet:1AbC"
    assert source_id(XlsxSource(tmp_path / "x" / ".." / "a.xlsx")) == f"xlsx:{(tmp_path / 'a.xlsx').resolve()}"


def test_rows_the_app_signs_verify_with_the_workbooks_key_only(live: XlsxSource) -> None:
    record_vote(live, Vote("V1", "", "", 22, 22, (("52", 15), ("66", 7))), CONFIG.provinces, "Thư ký",
                Role.SECRETARY, freeze_key=KEY)
    raw = live.read()
    assert bound_key(raw, KEY, source_id(live)) == workbook_key(KEY, source_id(live))
    assert [v.id for v in read(live).sheet.votes] == ["V1"]
    moved = XlsxSource(live.path.with_name("moved.xlsx"))
    shutil.copy(live.path, moved.path)  # another file: another workbook
    after = read(moved)
    assert not after.sheet.votes and after.standing("52").needs_vote
    assert [p.cell for p in after.problems if p.code == "record.unsigned"] == ["BieuQuyet!I2", "BieuQuyet!I3"]


def test_legacy_rows_signed_with_the_plain_key_still_count_and_the_next_row_continues_their_chain(
        live: XlsxSource) -> None:
    legacy_vote(live, "V1", "52", "66")
    assert bound_key(live.read(), KEY, source_id(live)) == KEY  # nothing verifies with the workbook's key
    assert [v.id for v in read(live).sheet.votes] == ["V1"] and read(live).standing("52").rank == 4
    record_vote(live, Vote("V2", "", "", 22, 22, (("66", 15), ("52", 7))), CONFIG.provinces, "Thư ký",
                Role.SECRETARY, freeze_key=KEY)
    after = read(live)
    assert [v.id for v in after.sheet.votes] == ["V1", "V2"] and after.standing("66").rank == 4
    assert not [p for p in after.problems if p.code == "record.unsigned"]


def test_legacy_rows_pasted_into_a_workbook_signing_with_its_own_key_are_not_obeyed(live: XlsxSource,
                                                                                     tmp_path: Path) -> None:
    set_frozen(live, CONFIG.provinces, "Quản trị", Role.ADMIN, True, freeze_key=KEY)  # the workbook's own key
    old = XlsxSource(tmp_path / "old.xlsx")
    shutil.copy(ROOT / "config" / "demo.xlsx", old.path)
    legacy_vote(old, "V0", "52", "66")
    wb, rows = openpyxl.load_workbook(live.path), [[c.value for c in r] for r in
                                                   openpyxl.load_workbook(old.path)["BieuQuyet"].iter_rows()]
    ws = wb.create_sheet("BieuQuyet")
    for row in rows:
        ws.append(row)
    wb.save(live.path)
    after = read(live)
    assert after.freeze.frozen and not after.sheet.votes and after.standing("52").needs_vote
    assert [p.cell for p in after.problems if p.code == "record.unsigned"] == ["BieuQuyet!I2", "BieuQuyet!I3"]
