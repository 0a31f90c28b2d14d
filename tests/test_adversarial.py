"""Someone who wants the Flag for their province, with edit rights on the shared sheet (issue 19).

Each attack edits a copy of the demo workbook the way an organiser could in a spreadsheet
program, then the workbook is evaluated as the server does (with the records key). The rule
every row must keep: either no place moves, or a problem names the cell that moved it. A row
that ends "silently" is a bug. The issue's own cases have their tests beside the code that
answers them (test_shown*, test_order, test_votes, test_write_gate, test_freeze, test_forms);
these are the attempts beyond them, listed with their outcome in the issue's note.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from lib.core.config import load_config
from lib.core.evaluation import Evaluation, evaluate
from lib.core.model import Role, Vote
from lib.edge.freeze_memory import source_id
from lib.edge.secret import read_key
from lib.edge.sources.xlsx import XlsxSource
from lib.edge.store import record_vote, set_frozen

ROOT = Path(__file__).resolve().parents[1]
CONFIG = load_config(ROOT / "config" / "tn-dhmt-2019.toml")
KEY = b"tests-adversarial-secret-0123456789"
Attack = Callable[[openpyxl.Workbook, Evaluation], str]
"""Edits the workbook in place; returns the cell (``Tab!A1``, or a tab name) the attack touched."""


def places(evaluation: Evaluation) -> dict[str, tuple[int, str | None, bool]]:
    """Each province's rank, award and needs-vote flag: what the meeting would see move."""
    return {s.code: (s.rank, s.award, s.needs_vote) for s in evaluation.standings}


def cell_of(wb: openpyxl.Workbook, tab: str, code: str, province: str) -> openpyxl.cell.Cell:
    """The cell of criterion ``code`` in ``province``'s column of ``tab`` (header row found by 'Mã')."""
    ws = wb[tab]
    for header in ws.iter_rows(min_row=1, max_row=10):
        if any(str(c.value).strip() == "Mã" for c in header):
            columns = {str(c.value).strip(): c.column for c in header if c.value is not None}
            break
    name = CONFIG.province(province).name
    column = next(col for head, col in columns.items() if head in (name, province))
    row = next(r[0].row for r in ws.iter_rows(min_row=header[0].row + 1) if str(r[0].value).strip() == code)
    return ws.cell(row=row, column=column)


def where(cell: openpyxl.cell.Cell) -> str:
    return f"{cell.parent.title}!{cell.coordinate}"


def provisional(evaluation: Evaluation) -> tuple[str, str]:
    """A self-scored criterion of a province that is not agreed and not computed, with points to lose."""
    sheet = evaluation.sheet
    return next(k for k in sorted(sheet.self_scores) if k not in sheet.agreed and k not in sheet.computed
                and sheet.self_scores[k] >= 1)


# -- the attacks --------------------------------------------------------------------------------
def self_score_after_freeze(wb, evaluation) -> str:
    """A province not yet agreed on a criterion raises its own TuCham cell after the freeze."""
    code, province = provisional(evaluation)
    cell = cell_of(wb, "TuCham", code, province)
    cell.value = float(Decimal(str(cell.value)) - 1)
    return where(cell)


def result_after_freeze(wb, evaluation) -> str:
    """A computed criterion's result (KetQua) raised after the freeze: the score is recomputed."""
    sheet = evaluation.sheet
    code, province = next(k for k in sorted(sheet.computed) if k not in sheet.agreed and k in sheet.results
                          and sheet.results[k] > 0)
    cell = cell_of(wb, "KetQua", code, province)
    cell.value = float(sheet.results[(code, province)]) * 3
    return where(cell)


def log_row_after_freeze(wb, evaluation) -> str:
    """A reason in the change log rewritten after the freeze (the minutes would quote it)."""
    ws = wb["NhatKy"]
    row = next(r for r in ws.iter_rows(min_row=2) if r[6].value not in (None, "", "Lý do"))
    row[6].value = "lý do khác"
    return "NhatKy"


def hidden_self_decimals(wb, evaluation) -> str:
    """A provisional self-score given 0,004 more, shown to two decimals so nobody sees it."""
    code, province = provisional(evaluation)
    cell = cell_of(wb, "TuCham", code, province)
    cell.value = float(Decimal(str(cell.value)) - Decimal("0.996"))
    cell.number_format = "0.00"
    return where(cell)


def custom_format_lies(wb, evaluation) -> str:
    """A cell formatted to show a number it does not hold (a literal in the format)."""
    code, province = provisional(evaluation)
    cell = cell_of(wb, "TuCham", code, province)
    shown = cell.value
    cell.value = 0
    cell.number_format = f'"{shown}"'
    return where(cell)


def duplicate_tab(wb, evaluation) -> str:
    """A second agreed-scores tab under another spelling, hoping the app takes the friendlier one."""
    copy = wb.copy_worksheet(wb["ThongNhat"])
    copy.title = "Thong Nhat"
    return "ThongNhat"


def copied_signed_vote(wb, evaluation) -> str:
    """A signed vote row copied below itself with the counts changed (the signature kept)."""
    ws = wb["BieuQuyet"]
    last = ws.max_row
    for col in range(1, ws.max_column + 1):
        ws.cell(row=last + 1, column=col).value = ws.cell(row=last, column=col).value
    counts = [c for c in ws[last + 1] if isinstance(c.value, int | float)]
    counts[-1].value = (counts[-1].value or 0) + 50
    return "BieuQuyet"


def criterion_max_after_freeze(wb, evaluation) -> str:
    """The max of a computed criterion raised after the freeze (every province's score rescales)."""
    sheet = evaluation.sheet
    code = next(c.code for c in sheet.criteria if c.computed)
    ws = wb["TieuChi"]
    row = next(r for r in ws.iter_rows() if str(r[0].value).strip() == code)
    header = next(r for r in ws.iter_rows(max_row=10) if any(str(c.value).strip() == "Mã" for c in r))
    column = next(c.column for c in header if str(c.value).strip() == "Điểm chuẩn")
    cell = ws.cell(row=row[0].row, column=column)
    cell.value = float(cell.value) * 2
    return code


ATTACKS: dict[str, tuple[Attack, bool, bool]] = {
    # name: (attack, frozen first, a vote recorded first)
    "self-score raised after the freeze": (self_score_after_freeze, True, False),
    "result raised after the freeze": (result_after_freeze, True, False),
    "log reason rewritten after the freeze": (log_row_after_freeze, True, False),
    "criterion max doubled after the freeze": (criterion_max_after_freeze, True, False),
    "hidden decimals in a self-score": (hidden_self_decimals, False, False),
    "a format that shows a number the cell does not hold": (custom_format_lies, False, False),
    "a second agreed-scores tab": (duplicate_tab, False, False),
    "a signed vote row copied with other counts": (copied_signed_vote, False, True),
}


def read(source: XlsxSource) -> Evaluation:
    """As the server checks: with the workbook's own key, derived from ``KEY``."""
    raw = source.read()
    return evaluate(raw, CONFIG, read_key(raw, source_id(source), KEY))


@pytest.mark.parametrize("name", list(ATTACKS))
def test_no_attack_moves_a_place_without_naming_its_cell(name: str, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("THIDUA_CACHE_DIR", str(tmp_path / "cache"))
    attack, freeze_first, vote_first = ATTACKS[name]
    path = tmp_path / "demo.xlsx"
    shutil.copy(ROOT / "config" / "demo.xlsx", path)
    source = XlsxSource(path)
    if vote_first:  # the demo's tie on the award line, settled by a vote through the app
        tie = next(s for s in read(source).standings if s.needs_vote)
        tied = [s.code for s in read(source).standings if s.rank == tie.rank]
        vote = Vote("V1", "", "", 22, 22, ((tied[0], 14), (tied[1], 8)))
        record_vote(source, vote, CONFIG.provinces, "Thư ký Cụm", Role.SECRETARY, freeze_key=KEY)
    if freeze_first:
        set_frozen(source, CONFIG.provinces, "Quản trị", Role.ADMIN, True, freeze_key=KEY)
    before = read(source)
    assert not before.freeze.broken

    wb = openpyxl.load_workbook(path)
    touched = attack(wb, before)
    wb.save(path)
    after = read(source)

    named = [p for p in after.problems if touched in p.cell or p.cell.startswith(touched)]
    if freeze_first:
        assert after.freeze.broken, f"{name}: the freeze still reads as intact"
        # named at the touched cell or tab, or (a criterion's definition) every score of that criterion
        assert named or any(b.criterion == touched or any(touched in c for c in b.cells) for b in after.freeze.breaks)
    elif places(after) != places(before):
        assert named, f"{name}: a place moved and no problem names {touched}"
    else:
        assert named or places(after) == places(before)
    # whatever happened, it is said: a problem at the touched cell or tab, or nothing moved at all
    assert named or after.freeze.broken or places(after) == places(before), f"{name}: silently"
