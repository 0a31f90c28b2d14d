"""A reviewer's attacks on issue 19, as a province's organiser who wants the Flag (or a careless one).

Each test is one attempt on a copy of the demo workbook (config ``tn-dhmt-2019``), evaluated as
the server does (``evaluate`` with the records key, or through the store / the host's freeze
memory). The rule: no place moves without a problem naming the cell that caused it, and a record
that decides places (``Chot``, ``ChotDiem``, ``BieuQuyet``, ``DeCu``) counts only when the app
signed it *for this workbook*. A passing test is an attack that is stopped or said; a test marked
``xfail(strict=True)`` shows a defect (the fix flips it).

The demo's award line: Bình Định (52) and Đắk Lắk (66) share 4th place at 91,25, the last place
of the Prime Minister's Certificate, and wait for a vote.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from lib.core.config import load_config
from lib.core.errors import NotAllowed
from lib.core.evaluation import Evaluation, evaluate
from lib.core.model import ELECTION, LEADER, Nomination, Role, Vote
from lib.core.text import fold
from lib.edge.freeze_memory import evaluate_remembering, source_id
from lib.edge.sources.xlsx import XlsxSource
from lib.edge.store import record_nomination, record_vote, set_frozen

ROOT = Path(__file__).resolve().parents[1]
CONFIG = load_config(ROOT / "config" / "tn-dhmt-2019.toml")
KEY = b"tests-attacks-review-secret-0123456789"
BINH_DINH, DAK_LAK = "52", "66"


def copy_demo(tmp_path: Path, name: str = "demo.xlsx") -> XlsxSource:
    path = tmp_path / name
    shutil.copy(ROOT / "config" / "demo.xlsx", path)
    return XlsxSource(path)


def read(source: XlsxSource) -> Evaluation:
    """As the server's shared reader: the workbook's own key (derived from ``KEY``) and this host's memory."""
    return evaluate_remembering(source.read(), CONFIG, KEY, source_id(source))


def places(evaluation: Evaluation) -> dict[str, tuple[int, str | None, bool]]:
    """Each province's rank, award and needs-vote flag: what the meeting would see move."""
    return {s.code: (s.rank, s.award, s.needs_vote) for s in evaluation.standings}


def problems_at(evaluation: Evaluation, prefix: str) -> list[tuple[str, str]]:
    """(cell, code) of every problem whose cell starts with ``prefix`` (a cell, a row or a tab)."""
    return [(p.cell, p.code) for p in evaluation.problems if p.cell.startswith(prefix)]


def cell_of(wb: openpyxl.Workbook, tab: str, code: str, province: str) -> openpyxl.cell.Cell:
    """The cell of criterion ``code`` in ``province``'s column of ``tab`` (header row found by 'Mã')."""
    ws = wb[tab]
    header = next(r for r in ws.iter_rows(min_row=1, max_row=10) if any(str(c.value).strip() == "Mã" for c in r))
    member = CONFIG.province(province)
    spellings = {fold(member.name), *(fold(a) for a in member.aliases), province}
    column = next(c.column for c in header if fold(c.value) in spellings or str(c.value).strip() == province)
    row = next(r[0].row for r in ws.iter_rows(min_row=header[0].row + 1) if str(r[0].value).strip() == code)
    return ws.cell(row=row, column=column)


def where(cell: openpyxl.cell.Cell) -> str:
    return f"{cell.parent.title}!{cell.coordinate}"


def edit(source: XlsxSource, change) -> object:  # type: ignore[no-untyped-def]
    """Open the workbook as a spreadsheet program would, apply ``change(wb)``, save; returns what it returns."""
    wb = openpyxl.load_workbook(source.path)
    out = change(wb)
    wb.save(source.path)
    return out


def vote(source: XlsxSource, vote_id: str, winner: str, loser: str) -> None:
    record_vote(source, Vote(vote_id, "", "", 22, 22, ((winner, 15), (loser, 7))), CONFIG.provinces, "Thư ký Cụm",
                Role.SECRETARY, freeze_key=KEY)


def tab_rows(source: XlsxSource, tab: str) -> list[list[object]]:
    wb = openpyxl.load_workbook(source.path)
    return [[c.value for c in row] for row in wb[tab].iter_rows()]


def put_tab(source: XlsxSource, tab: str, rows: list[list[object]]) -> None:
    def change(wb: openpyxl.Workbook) -> None:
        if tab in wb.sheetnames:
            del wb[tab]
        ws = wb.create_sheet(tab)
        for row in rows:
            ws.append(row)
    edit(source, change)


# -- votes (BieuQuyet) --------------------------------------------------------------------------------
def test_a_recorded_vote_settles_the_award_line_tie(tmp_path: Path) -> None:
    """The baseline the vote attacks start from."""
    live = copy_demo(tmp_path)
    assert read(live).standing(BINH_DINH).needs_vote
    vote(live, "V1", BINH_DINH, DAK_LAK)
    after = read(live)
    assert after.standing(BINH_DINH).rank == 4 and after.standing(DAK_LAK).rank == 5


def test_deleting_the_rows_of_the_latest_signed_vote_brings_back_the_earlier_one_silently(tmp_path: Path) -> None:
    live = copy_demo(tmp_path)
    vote(live, "V1", BINH_DINH, DAK_LAK)  # Bình Định wins the first vote
    vote(live, "V2", DAK_LAK, BINH_DINH)  # a re-vote, after a complaint: Đắk Lắk wins
    assert read(live).standing(DAK_LAK).rank == 4
    edit(live, lambda wb: wb["BieuQuyet"].delete_rows(wb["BieuQuyet"].max_row - 1, 2))  # Bình Định's organiser
    after = read(live)
    moved = after.standing(BINH_DINH).rank == 4
    assert not moved or problems_at(after, "BieuQuyet"), "Bình Định took 4th back with no problem at BieuQuyet"


def test_a_signed_vote_copied_from_a_rehearsal_copy_of_the_sheet_is_not_obeyed(tmp_path: Path) -> None:
    live = copy_demo(tmp_path)
    rehearsal = copy_demo(tmp_path, "rehearsal.xlsx")  # the same workbook, same server, same records key
    vote(rehearsal, "R1", BINH_DINH, DAK_LAK)  # recorded while practising the ceremony
    put_tab(live, "BieuQuyet", tab_rows(rehearsal, "BieuQuyet"))  # Bình Định's organiser pastes the tab
    after = read(live)
    assert not after.sheet.votes, f"obeyed: {[v.id for v in after.sheet.votes]}, rank {after.standing(BINH_DINH).rank}"


def test_a_later_vote_signed_in_a_copy_and_appended_to_the_live_tab_is_not_obeyed(tmp_path: Path) -> None:
    live = copy_demo(tmp_path)
    vote(live, "V1", DAK_LAK, BINH_DINH)  # the meeting's vote: Đắk Lắk
    rehearsal = XlsxSource(tmp_path / "copy.xlsx")
    shutil.copy(live.path, rehearsal.path)  # "Make a copy" of the live sheet, pointed at by a test instance
    vote(rehearsal, "V2", BINH_DINH, DAK_LAK)
    appended = tab_rows(rehearsal, "BieuQuyet")[-2:]
    put_tab(live, "BieuQuyet", [*tab_rows(live, "BieuQuyet"), *appended])
    after = read(live)
    assert after.standing(DAK_LAK).rank == 4, "the copied vote moved Bình Định above Đắk Lắk"


def test_reordering_or_deleting_a_middle_signed_vote_row_is_named(tmp_path: Path) -> None:
    live = copy_demo(tmp_path)
    vote(live, "V1", DAK_LAK, BINH_DINH)
    vote(live, "V2", BINH_DINH, DAK_LAK)
    rows = tab_rows(live, "BieuQuyet")
    put_tab(live, "BieuQuyet", [rows[0], rows[3], rows[4], rows[1], rows[2]])  # V2 moved above V1
    after = read(live)
    assert [c for c, code in problems_at(after, "BieuQuyet") if code == "record.unsigned"]
    put_tab(live, "BieuQuyet", [rows[0], rows[1], rows[3], rows[4]])  # one row of V1 deleted
    after = read(live)
    assert [c for c, code in problems_at(after, "BieuQuyet") if code == "record.unsigned"] == ["BieuQuyet!I3",
                                                                                               "BieuQuyet!I4"]


def test_changing_a_count_of_a_signed_vote_row_is_named_and_not_obeyed(tmp_path: Path) -> None:
    live = copy_demo(tmp_path)
    vote(live, "V1", DAK_LAK, BINH_DINH)
    edit(live, lambda wb: (wb["BieuQuyet"].cell(2, 8, 7), wb["BieuQuyet"].cell(3, 8, 15)))  # counts swapped
    after = read(live)
    assert not after.sheet.votes and after.standing(BINH_DINH).needs_vote
    assert ("BieuQuyet!I2", "record.unsigned") in problems_at(after, "BieuQuyet")


def test_a_number_format_on_a_signed_count_keeps_the_vote_or_names_the_row(tmp_path: Path) -> None:
    """A careless organiser formats the counts column "0.00": the value is unchanged, only its display."""
    live = copy_demo(tmp_path)
    vote(live, "V1", DAK_LAK, BINH_DINH)

    def fmt(wb: openpyxl.Workbook) -> None:
        for row in wb["BieuQuyet"].iter_rows(min_row=2):
            row[7].number_format = "0.00"
    edit(live, fmt)
    after = read(live)
    assert after.sheet.votes or ("BieuQuyet!I2", "record.unsigned") in problems_at(after, "BieuQuyet")


# -- nominations (DeCu) -------------------------------------------------------------------------------
def test_nominations_deleted_at_the_tail_or_copied_from_another_sheet_are_named(tmp_path: Path) -> None:
    live = copy_demo(tmp_path)
    for nid, winner, loser in (("N1", BINH_DINH, DAK_LAK), ("N2", DAK_LAK, BINH_DINH)):
        record_nomination(live, Nomination(nid, "", "", LEADER, ELECTION, 20, 20, ((winner, 15), (loser, 5))),
                          CONFIG.provinces, "Thư ký Cụm", Role.SECRETARY, freeze_key=KEY)
    edit(live, lambda wb: wb["DeCu"].delete_rows(wb["DeCu"].max_row - 1, 2))
    after = read(live)
    # the host saw N2 written: while it is gone no nomination counts (N1 is not silently the result again)
    assert [n.id for n in after.sheet.nominations] == []
    assert ("DeCu", "record.rows_removed") in problems_at(after, "DeCu"), "N2 vanished without a word"
    # a nomination signed in another copy of the sheet (same server key), pasted in: not obeyed
    other = copy_demo(tmp_path, "other.xlsx")
    record_nomination(other, Nomination("X1", "", "", LEADER, ELECTION, 20, 20, ((BINH_DINH, 20),)),
                      CONFIG.provinces, "Thư ký Cụm", Role.SECRETARY, freeze_key=KEY)
    put_tab(live, "DeCu", [*tab_rows(live, "DeCu"), tab_rows(other, "DeCu")[-1]])
    after = read(live)
    assert "X1" not in [n.id for n in after.sheet.nominations]
    assert ("DeCu!K4", "record.unsigned") in problems_at(after, "DeCu")


# -- the freeze (Chot, ChotDiem, NhatKy) --------------------------------------------------------------
@pytest.fixture(autouse=True)
def host(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """This host's state directory (the memory of the signed rows it saw), for every attack."""
    monkeypatch.setenv("THIDUA_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "cache"


def seen(source: XlsxSource) -> Evaluation:
    """What the server's shared reader makes of a version: with this host's memory of the freeze."""
    return evaluate_remembering(source.read(), CONFIG, KEY, source_id(source))


def freeze(source: XlsxSource, frozen: bool = True) -> None:
    set_frozen(source, CONFIG.provinces, "Quản trị", Role.ADMIN, frozen, reason="" if frozen else "sửa lỗi",
               freeze_key=KEY)


def lower_dak_lak(wb: openpyxl.Workbook) -> str:
    """Đắk Lắk's agreed 1.3 lowered by one point: it falls to 5th, off the award line."""
    cell = cell_of(wb, "ThongNhat", "1.3", DAK_LAK)
    cell.value = float(Decimal(str(cell.value)) - 1)
    return where(cell)


def test_deleting_the_frozen_copy_breaks_the_freeze(tmp_path: Path, host: Path) -> None:
    live = copy_demo(tmp_path)
    freeze(live)
    assert not seen(live).freeze.broken
    edit(live, lambda wb: wb.remove(wb["ChotDiem"]))
    after = seen(live)
    assert after.freeze.frozen and after.freeze.broken


def test_reordering_the_frozen_copy_rows_changes_nothing(tmp_path: Path, host: Path) -> None:
    live = copy_demo(tmp_path)
    freeze(live)
    before = seen(live)
    rows = tab_rows(live, "ChotDiem")
    put_tab(live, "ChotDiem", [rows[0], *reversed(rows[1:])])
    after = seen(live)
    assert places(after) == places(before) and after.freeze.frozen and not after.freeze.broken


def test_the_same_edit_in_agreed_scores_and_a_reordered_copy_with_its_signature_column_dropped_is_broken(
        tmp_path: Path, host: Path) -> None:
    """Drop the copy's Chữ ký column (no per-row check), then type the same edit in ThongNhat and ChotDiem."""
    live = copy_demo(tmp_path)
    freeze(live)
    rows = tab_rows(live, "ChotDiem")
    signed_col = rows[0].index("Chữ ký") if "Chữ ký" in rows[0] else len(rows[0]) - 1
    header = [str(c).strip() if c is not None else "" for c in rows[0]]
    col = header.index(DAK_LAK)
    row = next(i for i, r in enumerate(rows) if str(r[0]).strip() == "1.3")
    rows[row][col] = float(Decimal(str(rows[row][col])) - 1)
    put_tab(live, "ChotDiem", [[c for k, c in enumerate(r) if k != signed_col] for r in rows])
    edit(live, lower_dak_lak)
    after = seen(live)
    assert after.freeze.broken and after.standing(DAK_LAK).rank > 5


def test_a_typed_row_inserted_in_the_middle_of_chot_is_ignored_and_named(tmp_path: Path, host: Path) -> None:
    live = copy_demo(tmp_path)
    freeze(live)
    freeze(live, False)
    freeze(live)
    rows = tab_rows(live, "Chot")
    put_tab(live, "Chot", [rows[0], rows[1], ["01/01/2020 00:00:00", "Ai đó", "mở chốt", "", "", ""], *rows[2:]])
    after = seen(live)
    assert after.freeze.frozen and ("Chot!F3", "freeze.unsigned") in problems_at(after, "Chot")


def test_a_signed_freeze_row_from_another_years_sheet_freezes_nothing_unseen(tmp_path: Path, host: Path) -> None:
    """Last year's sheet (same server key) was frozen; its whole Chot and ChotDiem pasted into this year's."""
    live = copy_demo(tmp_path)
    last_year = copy_demo(tmp_path, "2018.xlsx")
    edit(last_year, lower_dak_lak)  # other scores
    freeze(last_year)
    for tab in ("Chot", "ChotDiem"):
        put_tab(live, tab, tab_rows(last_year, tab))
    after = seen(live)
    # signed for another workbook: obeyed as nothing, named at its cell, and every write refused (never "open")
    assert not after.freeze.frozen and after.freeze.key_mismatch and after.freeze.blocks_writes
    assert ("Chot!F2", "freeze.key_mismatch") in problems_at(after, "Chot")


def test_an_unfreeze_signed_in_a_copy_of_the_frozen_sheet_and_appended_to_live_chot_is_not_obeyed(
        tmp_path: Path, host: Path) -> None:
    live = copy_demo(tmp_path)
    freeze(live)
    frozen = seen(live)  # this host saw the freeze
    assert frozen.freeze.frozen
    copy = XlsxSource(tmp_path / "copy.xlsx")
    shutil.copy(live.path, copy.path)  # a copy of the frozen sheet, opened by a rehearsal or test instance
    with pytest.raises(NotAllowed, match="key_refused"):  # the copy's freeze is signed for the live sheet only
        freeze(copy, False)
    edit(copy, lambda wb: [wb.remove(wb[tab]) for tab in ("Chot", "ChotDiem")])  # so the attacker starts afresh
    freeze(copy)
    freeze(copy, False)  # an unfreeze signed there, by the same server
    put_tab(live, "Chot", [*tab_rows(live, "Chot"), tab_rows(copy, "Chot")[-1]])
    edit(live, lower_dak_lak)
    after = seen(live)
    assert after.freeze.frozen and after.freeze.broken, f"unfrozen; Đắk Lắk now {after.standing(DAK_LAK).rank}th"
    assert ("Chot!F3", "freeze.unsigned") in problems_at(after, "Chot")


# -- number formats and look-alike text on the local .xlsx --------------------------------------------
# Đắk Lắk's agreed 1.2 (max 6) holds 5,75; any lower value drops it below Bình Định, off the award line.
# (stored value, number format, what Excel / LibreOffice / Sheets show): the rule is that a cell whose
# display is not the number counted, or whose change moves a place, has a problem at the cell.
FORMATS = {
    "fixed decimals": (5.75, "0.00", "5.75"),
    "colour": (5.75, "[Red]0.00", "5.75"),
    "locale tag": (5.75, "[$-42A]0.00", "5.75"),
    "accounting": (5.75, '_(* #,##0.00_);_(* (#,##0.00);_(* "-"??_);_(@_)', "5.75"),
    "text format on a number": (5.75, "@", "5.75"),
    "percent format on an agreed score": (0.0575, "0.00%", "5.75"),
    "one decimal shown": (5.75, "0.0", "5.8"),
    "hidden ten-thousandth": (5.7501, "0.00", "5.75"),
    "fraction": (5.5, "# ?/?", "5.5"),
    "condition in the first section, value in it": (5.5, "[>5]0;0.00", "6"),
    "date format": (43831, "dd/mm/yyyy", None),
    "hidden by ;;;": (5.5, ";;;", None),
    # the two sections Excel applies when the first one's condition fails / for zero:
    "condition in the first section, value in the second": (5.5, "[<5]0.00;0", "6"),
    "zero section showing a literal": (0, '0.00;-0.00;"5,75"', "5.75"),
    "scientific": (5.5, "0E+00", "6"),
}
# (these three once read silently: the first section taken although its condition fails, the zero section
# ignored, a scientific display never compared; lib.core.number_format now picks the section Excel uses)


@pytest.mark.parametrize("name", list(FORMATS))
def test_a_number_format_never_hides_what_counts(name: str, tmp_path: Path) -> None:
    value, pattern, shows = FORMATS[name]
    live = copy_demo(tmp_path)
    before = read(live)

    def change(wb: openpyxl.Workbook) -> str:
        cell = cell_of(wb, "ThongNhat", "1.2", DAK_LAK)
        cell.value, cell.number_format = value, pattern
        return where(cell)
    touched = edit(live, change)
    after = read(live)
    named = problems_at(after, touched)
    counted = after.sheet.agreed.get(("1.2", DAK_LAK))
    if shows is None or counted is None or counted != Decimal(shows):
        assert named, f"{name}: shown {shows!r}, counted {counted}, no problem at {touched}"
    if places(after) != places(before):
        assert named, f"{name}: a place moved, no problem at {touched}"


LOOKALIKES = {
    "full-width digits": "５,７５",
    "Arabic-Indic digits": "٥٫٧٥",
    "a non-breaking space inside": "5\u00a0,75",
    "a trailing non-breaking space": "5,75\u00a0",
    "a zero-width joiner inside": "5,\u200d75",
    "percent typed as text": "5,75%",
    "a Unicode minus": "\u22125",
    "a thousands look-alike": "5.750",
    "a boolean": True,
    "a formula typed as text": "=5,75",
}


@pytest.mark.parametrize("name", list(LOOKALIKES))
def test_text_that_looks_like_a_number_reads_the_same_or_is_named(name: str, tmp_path: Path) -> None:
    live = copy_demo(tmp_path)
    before = read(live)

    def change(wb: openpyxl.Workbook) -> str:
        cell = cell_of(wb, "ThongNhat", "1.2", DAK_LAK)
        cell.value = LOOKALIKES[name]
        if isinstance(cell.value, str) and cell.value.startswith("="):
            cell.data_type = "s"  # typed as text (a leading apostrophe), not a formula
        return where(cell)
    touched = edit(live, change)
    after = read(live)
    same = after.sheet.agreed.get(("1.2", DAK_LAK)) == Decimal("5.75")
    assert same or [code for _, code in problems_at(after, touched)], f"{name}: read silently"
    assert places(after) == places(before) or problems_at(after, touched)


def test_a_date_format_on_a_criterion_max_is_an_error_at_the_cell(tmp_path: Path) -> None:
    live = copy_demo(tmp_path)

    def change(wb: openpyxl.Workbook) -> str:
        ws = wb["TieuChi"]
        row = next(r for r in ws.iter_rows(min_row=4) if str(r[0].value).strip() == "1.3")
        row[3].number_format = "dd/mm/yyyy"
        return where(row[3])
    touched = edit(live, change)
    assert [c for c in problems_at(read(live), touched) if c[1] == "criteria.bad_max"]


def test_a_hidden_row_or_column_holding_a_second_value_is_an_error(tmp_path: Path) -> None:
    live = copy_demo(tmp_path)

    def hidden_row(wb: openpyxl.Workbook) -> None:
        ws = wb["ThongNhat"]
        ws.append([c.value for c in ws[6]])  # a second '1.3' row at the bottom, hidden
        ws.row_dimensions[ws.max_row].hidden = True
    edit(live, hidden_row)
    assert [c for c in read(live).errors if c.code == "scores.duplicate_code"]
    live = copy_demo(tmp_path, "again.xlsx")

    def hidden_column(wb: openpyxl.Workbook) -> None:
        ws = wb["ThongNhat"]
        col = ws.max_column + 1
        ws.cell(3, col, "Đắk Lắk")  # a second column for Đắk Lắk under its name (the first is "Daklak")
        for row in range(4, ws.max_row + 1):
            ws.cell(row, col, 0)
        ws.column_dimensions[openpyxl.utils.get_column_letter(col)].hidden = True
    edit(live, hidden_column)
    assert [c for c in read(live).errors if c.code == "header.province_twice"]


def test_a_look_alike_contract_tab_is_a_duplicate_and_a_homoglyph_rename_is_said(tmp_path: Path) -> None:
    live = copy_demo(tmp_path)

    def zero_width(wb: openpyxl.Workbook) -> None:
        copy = wb.copy_worksheet(wb["ThongNhat"])
        copy.title = "Thong\u200bNhat"
        cell_of(wb, "Thong\u200bNhat", "1.2", DAK_LAK).value = 0
    edit(live, zero_width)
    assert [p for p in read(live).errors if p.code == "tab.duplicate"]
    live = copy_demo(tmp_path, "again.xlsx")
    before = read(live)
    edit(live, lambda wb: setattr(wb["ThongNhat"], "title", "ThongNh\u0430t"))  # Cyrillic a: not the contract tab
    after = read(live)
    assert places(after) != places(before) and ("ThongNhat", "tab.no_agreed") in problems_at(after, "ThongNhat")


def test_a_formula_without_a_cached_result_in_an_agreed_cell_is_named_not_read_as_blank(tmp_path: Path) -> None:
    live = copy_demo(tmp_path)
    before = read(live)
    assert before.sheet.agreed[("1.3", BINH_DINH)] == Decimal("3.5") < before.sheet.self_scores[("1.3", BINH_DINH)]

    def change(wb: openpyxl.Workbook) -> str:
        cell = cell_of(wb, "ThongNhat", "1.3", BINH_DINH)
        cell.value = "=3.5"  # Excel shows 3,5 when it opens the file; nothing cached it
        return where(cell)
    touched = edit(live, change)
    after = read(live)
    moved = places(after) != places(before)
    assert moved and problems_at(after, touched), (
        f"Bình Định now {after.standing(BINH_DINH).rank}th at {after.standing(BINH_DINH).agreed_total}, nothing at "
        f"{touched}")


# -- the same on the local Sheets API server (Google's habits: USER_ENTERED, FORMATTED_VALUE) -----------
@pytest.fixture
def sheets() -> Iterator[object]:
    from tests.fake_sheets import serve
    yield from serve()


def test_sheets_typed_formula_percent_and_checkbox_in_an_agreed_score_read_as_shown_or_named(sheets) -> None:
    from tests.test_gsheet_source import demo, open_sheet
    from tests.test_shown_gsheet import _place

    key = sheets.create_spreadsheet("Thi đua cụm 2019", demo(), locale="vi_VN")
    source = open_sheet(sheets, key)
    before = evaluate(source.read(), CONFIG)
    row, col = _place(sheets, key, "ThongNhat", "1.2", "Daklak")
    cell = f"ThongNhat!{openpyxl.utils.get_column_letter(col)}{row}"
    for typed in ("=23/4", "5,75%", "=10/3"):
        sheets.set_cell(key, "ThongNhat", row, col, typed)  # USER_ENTERED, as a person types
        after = evaluate(source.read(), CONFIG)
        value = after.sheet.agreed.get(("1.2", DAK_LAK))
        if value == Decimal("5.75"):
            assert places(after) == places(before)
        else:  # 10/3 shows 3,333333333 in Sheets' General: more than two decimals, said at the cell
            assert problems_at(after, cell), f"{typed}: counted {value}, nothing at {cell}"
    sheets.set_cell(key, "ThongNhat", row, col, True, input_option="RAW")  # a checkbox in a score
    assert [c for c, code in problems_at(evaluate(source.read(), CONFIG), cell)]


SHEETS_TEXTS = {  # the stored number, what FORMATTED_VALUE gives in vi_VN, whether a problem is due at the cell
    "a fraction display": (5.5, "5 1/2", False),
    "a conditional section": (5.5, "6", True),
    "a zero section literal": (0, "5,75", True),
    "an accounting display": (5.75, " 5,75 ", False),
    "a scientific display hiding the value": (5.5, "6E+00", True),
}


@pytest.mark.parametrize("name", list(SHEETS_TEXTS))  # a scientific text is compared with the value
def test_sheets_shown_text_that_is_not_the_value_is_a_problem(name: str) -> None:
    from lib.core.cells import parse_score
    from lib.core.errors import CellParseError
    from lib.core.shown import Shown, warnings

    value, text, due = SHEETS_TEXTS[name]
    cell = Shown(value, text=text, locale="vi_VN")
    try:
        read_value = parse_score(cell)
    except CellParseError:
        return  # an error at the cell (a fraction reads as a date: a wrong word, but said)
    assert warnings(cell, read_value, score=True) or not due, f"{name}: counted {read_value}, shown {text!r}"


# -- self-scoring forms -------------------------------------------------------------------------------
@pytest.fixture
def forms_demo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    from tests.test_forms import generate
    from tests.test_pages import make_config

    monkeypatch.setenv("THIDUA_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("THIDUA_SECRETS", str(tmp_path / "no-secrets.toml"))
    workbook = tmp_path / "demo.xlsx"
    shutil.copy(ROOT / "config" / "demo.xlsx", workbook)
    config = make_config(tmp_path, workbook)
    return workbook, config, load_config(config), generate(tmp_path, config)


def test_a_form_renamed_as_another_province_imports_into_its_own_and_is_flagged(tmp_path: Path, forms_demo) -> None:
    from lib.present.forms_xlsx import file_name
    from tests.test_forms import reading_of, sheet_of

    workbook, config, cfg, out = forms_demo
    renamed = tmp_path / file_name(cfg.province(DAK_LAK))
    shutil.copy(out / file_name(cfg.province("62")), renamed)  # Kon Tum's form sent as Đắk Lắk's
    reading = reading_of(renamed, cfg, sheet_of(workbook, config))
    assert reading.province is not None and reading.province.code == "62"
    assert "form.name_other_province" in [p.code for p in reading.problems]


def test_another_provinces_identity_pasted_into_a_form_is_noticed(tmp_path: Path, forms_demo) -> None:
    from lib.core.forms import META_TAB
    from lib.present.forms_xlsx import file_name
    from tests.test_forms import reading_of, sheet_of

    workbook, config, cfg, out = forms_demo
    own = out / file_name(cfg.province(BINH_DINH))
    victim = openpyxl.load_workbook(out / file_name(cfg.province("64")))  # Gia Lai's form, from the tracker page
    wb = openpyxl.load_workbook(own)
    for row in wb[META_TAB].iter_rows():
        for cell in row:
            cell.value = victim[META_TAB].cell(cell.row, cell.column).value
    sent = tmp_path / file_name(cfg.province("64"))
    wb.save(sent)  # Bình Định's heading, Gia Lai's identity, under Gia Lai's file name
    reading = reading_of(sent, cfg, sheet_of(workbook, config))
    assert reading.province is None or reading.problems, "the form imports into Gia Lai's column without a word"
    (refusal,) = [p for p in reading.problems if p.code == "form.heading_other_province"]
    assert reading.province is None and dict(refusal.params)["heading"] == cfg.province(BINH_DINH).name
    assert dict(refusal.params)["name"] == cfg.province("64").name and dict(refusal.params)["file"] == sent.name


# -- equal-looking orders -----------------------------------------------------------------------------
def test_a_three_way_tie_at_two_decimals_gives_every_place_its_reason_and_cells(tmp_path: Path) -> None:
    """Bình Định 91,2501, Gia Lai 91,25 (its 1.1 agreed at 7,25), Đắk Lắk 91,2499: three places, all '91,25'."""
    live = copy_demo(tmp_path)

    def change(wb: openpyxl.Workbook) -> None:
        ws = wb["ThongNhat"]
        ws["D4"], ws["J4"], ws["I4"] = 7.0001, 7.4999, 7.25
    edit(live, change)
    after = read(live)
    three = [after.standing(c) for c in (BINH_DINH, "64", DAK_LAK)]
    assert [s.rank for s in three] == [4, 5, 6] and {str(s.agreed_total.quantize(Decimal("0.01"))) for s in three} == {
        "91.25"}
    for s in three:
        assert s.order_reasons, f"{s.province.name} has no reason"
        assert all(r.cells and all(c.cell for c in r.cells) for r in s.order_reasons)
    cells = {c.cell for s in three for r in s.order_reasons for c in r.cells}
    assert cells == {"ThongNhat!D4", "ThongNhat!J4"}
