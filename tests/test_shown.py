"""Cells are read as the sheet shows them (issue 19): the core's ``Shown`` and the xlsx source.

Tables per format kind (percent, fixed decimals, dates, checkboxes, typed third decimals),
from a pattern (xlsx) and from shown text in ``vi_VN`` and ``en_US`` (Google Sheets); a
property test that a percent-formatted result and the same value typed as ``x%`` text score
the same; and the attacks on a copy of the demo workbook: a place never moves without a
problem at the cell.
"""

from __future__ import annotations

import datetime as dt
import shutil
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lib.core.cells import parse_score
from lib.core.config import load_config
from lib.core.errors import CellParseError
from lib.core.evaluation import evaluate
from lib.core.grammar import code_text
from lib.core.quantitative import read_word
from lib.core.shown import Shown, warnings, wrap
from lib.core.text import fold
from lib.edge.sources.xlsx import XlsxSource
from lib.present.catalogue import describe
from tests.test_quantitative import parse, workbook

ROOT = Path(__file__).resolve().parent.parent
D = Decimal

# (cell, reading or the error code)
READINGS = [
    (Shown(0.056, pattern="0.0%"), D("5.6")),
    (Shown(0.056, text="5,6%", locale="vi_VN"), D("5.6")),
    (Shown(0.056, text="5.6%", locale="en_US"), D("5.6")),
    (Shown(0.075, pattern="0%"), D("7.5")),  # shows 8%: counted as stored, with a warning (below)
    (Shown(-0.012, text="-1,2%", locale="vi_VN"), D("-1.2")),
    (Shown(3.5001, pattern="0.00"), D("3.5001")),
    (Shown(3.5001, text="3,50", locale="vi_VN"), D("3.5001")),
    (Shown(1234.5, text="1.234,50", locale="vi_VN"), D("1234.5")),
    (Shown(1234.5, text="1,234.50", locale="en_US"), D("1234.5")),
    (Shown(1234.5, pattern="#,##0.00"), D("1234.5")),
    (Shown(9000, text="9.000 ₫", locale="vi_VN"), D("9000")),
    (Shown(43831, pattern="dd/mm/yyyy"), "cell.date_format"),
    (Shown(43831, text="2020-01-01", locale="en_US"), "cell.date_format"),
    (Shown(43831, text="01/01/2020", locale="vi_VN"), "cell.date_format"),
    (Shown(0.5, pattern="hh:mm"), "cell.date_format"),
    (Shown(1.5, pattern="[h]:mm"), "cell.date_format"),
    (Shown(0.5, text="12:00", locale="vi_VN"), "cell.date_format"),
    (Shown(7, pattern=";;;"), "cell.format_unreadable"),  # hidden: counts, shows nothing
    (Shown(7, text="", locale="vi_VN"), "cell.format_unreadable"),
    (Shown(7000, text="7,0", locale="vi_VN"), "cell.format_unreadable"),  # a scaled custom format
    # the section Excel uses (pos;neg;zero;text, conditions), scientific and fraction displays
    (Shown(5.5, pattern="[<5]0.00;0"), D("5.5")),  # the second section shows 6: a warning (below)
    (Shown(0, pattern='0.00;-0.00;"5,75"'), "cell.format_unreadable"),  # the zero section shows a literal
    (Shown(0, pattern="0.00;-0.00;"), "cell.format_unreadable"),  # an empty zero section shows nothing
    (Shown(-5, pattern="0.00;[Red]0.00"), "cell.format_unreadable"),  # the negative section hides the sign
    (Shown(-5, pattern="0.00;(0.00)"), D("-5")),
    (Shown(5.5, pattern="[<0]0;[<5]0"), "cell.format_unreadable"),  # no section applies: ####
    (Shown(7000, pattern="0.0,,"), "cell.format_unreadable"),  # scaled by a million
    (Shown(0, pattern='_(* #,##0.00_);_(* (#,##0.00);_(* "-"??_);_(@_)'), D("0")),  # accounting's dash for 0
    (Shown(5.5, pattern="0E+00"), D("5.5")),
    (Shown(5.5, text="6E+00", locale="vi_VN"), D("5.5")),
    (Shown(5.5, text="8E+00", locale="vi_VN"), "cell.format_unreadable"),  # does not read back
    (Shown(5.5, text="5 1/2", locale="vi_VN"), D("5.5")),
    (dt.datetime(2020, 1, 1), "cell.date_format"),
    (dt.time(9, 30), "cell.date_format"),
    (True, "cell.boolean"),
    (False, "cell.boolean"),
]


@pytest.mark.parametrize(("cell", "expected"), READINGS, ids=lambda v: repr(v) if not isinstance(v, Shown) else None)
def test_a_cell_reads_as_it_shows(cell: object, expected: object) -> None:
    if isinstance(expected, Decimal):
        assert parse_score(cell) == expected
        assert str(parse_score(cell)) == str(expected)  # scaled exactly: 5.6, never 5.600000000000001
    else:
        with pytest.raises(CellParseError) as info:
            parse_score(cell)
        assert info.value.code == expected


WARNINGS = [
    (Shown(3.5001, pattern="0.00"), True, [("cell.hidden_precision", {"shown": "3,50", "value": "3,5001"})]),
    (Shown(3.5001, text="3,50", locale="vi_VN"), False,
     [("cell.hidden_precision", {"shown": "3,50", "value": "3,5001"})]),
    (Shown(0.075, pattern="0%"), False, [("cell.hidden_precision", {"shown": "8%", "value": "7,5"})]),
    (Shown(0.05612, text="5,6%", locale="vi_VN"), False,
     [("cell.hidden_precision", {"shown": "5,6%", "value": "5,612"})]),
    (Shown(5.5, pattern="[<5]0.00;0"), True, [("cell.hidden_precision", {"shown": "6", "value": "5,5"})]),
    (Shown(5.5, pattern="[>5]0;0.00"), True, [("cell.hidden_precision", {"shown": "6", "value": "5,5"})]),
    (Shown(4.5, pattern="[<5]0.00;0"), True, []),
    (Shown(5.5, pattern="0E+00"), True, [("cell.hidden_precision", {"shown": "6E+00", "value": "5,5"})]),
    (Shown(-1234, pattern="0.00E+00"), False, [("cell.hidden_precision", {"shown": "-1,23E+03", "value": "-1234"})]),
    (Shown(5.5, pattern="0.00E+00"), True, []),  # 5,50E+00: the value, exactly
    (Shown(5.5, text="6E+00", locale="vi_VN"), True, [("cell.hidden_precision", {"shown": "6E+00", "value": "5,5"})]),
    (Shown(5.5, text="5,50E+00", locale="vi_VN"), True, []),
    # a fraction is never the decimal the meeting sums: said, quoting the fraction shown (not "6")
    (Shown(5.5, pattern="# ?/?"), True, [("cell.hidden_precision", {"shown": "5 1/2", "value": "5,5"})]),
    (Shown(0.3, pattern="?/4"), False, [("cell.hidden_precision", {"shown": "1/4", "value": "0,3"})]),
    (Shown(5.5, text="5 1/2", locale="vi_VN"), True, [("cell.hidden_precision", {"shown": "5 1/2", "value": "5,5"})]),
    (Shown(9.5, pattern="0.00"), True, []),  # trailing zeros shown: nothing hidden
    (Shown(0.056, text="5,6%", locale="vi_VN"), True, []),
    (3.125, True, [("cell.too_many_decimals", {"value": "3,125"})]),
    ("3,1251", True, [("cell.too_many_decimals", {"value": "3,1251"})]),
    (3.125, False, []),  # a result may have three decimals
    (3.12, True, []),
]


@pytest.mark.parametrize(("cell", "score", "expected"), WARNINGS)
def test_what_a_reading_hides_is_a_warning(cell: object, score: bool, expected: list) -> None:
    assert warnings(cell, parse_score(cell), score=score) == expected


def test_wrap_keeps_plain_numbers_plain() -> None:
    assert wrap(9.5, pattern="General") == 9.5
    assert wrap(9.5, text="9,5", locale="vi_VN") == 9.5
    assert wrap(1000, text="1,000", locale="en_US") == 1000
    assert wrap(True, text="TRUE") is True and wrap("x", pattern="0%") == "x"
    assert isinstance(wrap(0.056, pattern="0.0%"), Shown)


def test_codes_and_messages_read_the_shown_text_never_a_repr() -> None:
    assert code_text(Shown(1.1, pattern="0.00")) == "1.10"
    assert code_text(Shown(1.1, text="1,10", locale="vi_VN")) == "1.10"
    assert code_text(Shown(43831, text="2020-01-01", locale="en_US")) == "2020-01-01"
    assert str(Shown(0.056, pattern="0.0%")) == "5,6%" and repr(Shown(0.056, pattern="0.0%")) == "'5,6%'"
    with pytest.raises(CellParseError) as info:
        parse_score(Shown(43831, text="01/01/2020", locale="vi_VN"))
    assert "'01/01/2020'" in str(info.value) and "Shown" not in str(info.value)


def test_a_checkbox_is_pass_or_fail_only_in_a_pass_fail_result() -> None:
    assert (read_word(True), read_word(False)) == (True, False)
    result = parse(workbook([5, None, "đạt/không", None, None], None, [True, False, "đạt", None]))
    assert result.sheet.results[("1.1", "51")] == 1 and result.sheet.results[("1.1", "67")] == 0
    elsewhere = parse(workbook([5, None, "so với dẫn đầu", None, None], None, [True, 8, 9, 10]))
    (bad,) = [p for p in elsewhere.problems if p.is_error]
    assert (bad.cell, bad.code, dict(bad.params)["cause"][0]) == ("KetQua!B2", "quant.result_unreadable",
                                                                  "cell.boolean")
    scored = parse(workbook([5, None, None, None, None], None, None, [True, 4, 4, 4]))
    assert [(p.cell, dict(p.params)["cause"][0]) for p in scored.errors] == [("TuCham!B2", "cell.boolean")]


def test_typed_third_decimal_in_a_score_is_a_warning_at_the_cell() -> None:
    result = parse(workbook([5, None, None, None, None], None, None, [3.125, "3,1251", 3.12, 4], [3.125, 4, 4, 4]))
    found = {(p.cell, p.code) for p in result.problems if p.code == "cell.too_many_decimals"}
    assert found == {("TuCham!B2", "cell.too_many_decimals"), ("TuCham!C2", "cell.too_many_decimals"),
                     ("ThongNhat!B2", "cell.too_many_decimals")}
    assert result.sheet.agreed[("1.1", "51")] == D("3.125")  # counted as typed: the warning says so


@settings(max_examples=60, deadline=None)
@given(st.integers(min_value=-5000, max_value=50000), st.integers(min_value=0, max_value=3))
def test_a_percent_formatted_result_scores_as_the_same_value_typed_as_percent_text(hundredths: int,
                                                                                   places: int) -> None:
    percent = D(hundredths).scaleb(-2)  # e.g. 5.6 (%)
    stored = float(percent.scaleb(-2))  # what Sheets and Excel store: 0.056
    pattern = "0" + ("." + "0" * places if places else "") + "%"
    text = format(percent, "f").replace(".", ",") + "%"
    criterion = [8, "chuẩn", "kế hoạch", "tăng", None]
    targets = ["7,5 %", 6, 8, 7]
    formatted = parse(workbook(criterion, targets, [Shown(stored, pattern=pattern), 7, 8.5, 6]))
    typed = parse(workbook(criterion, targets, [text, 7, 8.5, 6]))
    assert formatted.sheet.computed == typed.sheet.computed
    assert formatted.sheet.results == typed.sheet.results
    assert {p.code for p in formatted.errors} == {p.code for p in typed.errors}


# -- the xlsx source, and the attacks on a copy of the demo workbook ---------------------------------------
def _formatted_book(path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "KetQua"
    for row, (value, fmt) in enumerate([(0.056, "0.0%"), (0.056, "0%"), (3.5001, "0.00"), (43831, "dd/mm/yyyy"),
                                        (0.5, "hh:mm"), (True, "General"), (9.5, "General"), (1.1, "0.00"),
                                        (1234.5, "#,##0.00"), (3.125, "0.000")], start=1):
        ws.cell(row, 1, value).number_format = fmt
    wb.save(path)


def test_the_xlsx_source_hands_over_each_number_with_its_format(tmp_path: Path) -> None:
    path = tmp_path / "formats.xlsx"
    _formatted_book(path)
    cells = [row[0] for row in XlsxSource(path).read()["KetQua"]]
    assert cells[0] == Shown(0.056, pattern="0.0%") and parse_score(cells[0]) == D("5.6")
    assert parse_score(cells[1]) == D("5.6") and warnings(cells[1], D("5.6"), score=False)[0][0] == \
        "cell.hidden_precision"
    assert str(cells[2]) == "3,50" and warnings(cells[2], parse_score(cells[2]), score=True)[0][0] == \
        "cell.hidden_precision"
    assert isinstance(cells[3], dt.datetime) and isinstance(cells[4], dt.time)  # openpyxl's own dates
    for date in cells[3:5]:
        with pytest.raises(CellParseError, match="cell.date_format"):
            parse_score(date)
    assert cells[5] is True and cells[6] == 9.5  # General: the bare number
    assert code_text(cells[7]) == "1.10" and parse_score(cells[8]) == D("1234.5")
    assert cells[9] == 3.125 and warnings(cells[9], D("3.125"), score=True) == [
        ("cell.too_many_decimals", {"value": "3,125"})]


CONFIG = ROOT / "config" / "tn-dhmt-2019.toml"


def _demo_copy(tmp_path: Path) -> Path:
    path = tmp_path / "demo.xlsx"
    shutil.copy(ROOT / "config" / "demo.xlsx", path)
    return path


def _address(ws: openpyxl.worksheet.worksheet.Worksheet, code: str, province: str) -> str:
    header = next(r for r in range(1, 10) if ws.cell(r, 1).value == "Mã")
    col = next(c for c in range(2, ws.max_column + 1) if fold(ws.cell(header, c).value) == fold(province))
    row = next(r for r in range(header + 1, ws.max_row + 1) if str(ws.cell(r, 1).value) == code)
    return ws.cell(row, col).coordinate


def _edit(path: Path, tab: str, code: str, province: str, value: object, fmt: str) -> str:
    wb = openpyxl.load_workbook(path)
    ws = wb[tab]
    where = _address(ws, code, province)
    ws[where].value = value
    ws[where].number_format = fmt
    wb.save(path)
    return f"{tab}!{where}"


def _places(evaluation: object) -> list[tuple[str, int, Decimal | None]]:
    return [(s.code, s.rank, s.agreed_total) for s in evaluation.standings]  # type: ignore[attr-defined]


def test_a_percent_formatted_result_and_target_keep_every_place(tmp_path: Path) -> None:
    config = load_config(CONFIG)
    path = _demo_copy(tmp_path)
    before = evaluate(XlsxSource(path).read(), config)
    assert before.sheet.results[("1.1", "54")] == D("5.6")  # Phú Yên's GRDP growth, typed 5,6
    _edit(path, "KetQua", "1.1", "Phú Yên", 0.056, "0.0%")  # typed "5,6%": stored 0.056
    _edit(path, "KeHoach", "1.1", "Phú Yên", 0.064, "0.0%")
    after = evaluate(XlsxSource(path).read(), config)
    assert after.sheet.results[("1.1", "54")] == D("5.6") and after.sheet.targets[("1.1", "54")] == D("6.4")
    assert _places(after) == _places(before)
    assert [describe(p) for p in after.problems] == [describe(p) for p in before.problems]


def test_a_date_in_a_result_is_an_error_at_the_cell(tmp_path: Path) -> None:
    config = load_config(CONFIG)
    path = _demo_copy(tmp_path)
    cell = _edit(path, "KetQua", "1.5", "Quảng Nam", 43831, "dd/mm/yyyy")  # Sheets took "20" for a date
    after = evaluate(XlsxSource(path).read(), config)
    (found,) = [p for p in after.problems if p.cell == cell]
    assert found.is_error and dict(found.params)["cause"][0] == "cell.date_format"
    assert ("1.5", "49") not in after.sheet.results  # never counted as 43831 results


def test_hidden_decimals_in_an_agreed_score_are_named_at_the_cell(tmp_path: Path) -> None:
    config = load_config(CONFIG)
    path = _demo_copy(tmp_path)
    cell = _edit(path, "ThongNhat", "1.2", "Quảng Nam", 5.5001, "0.00")  # shows 5,50
    after = evaluate(XlsxSource(path).read(), config)
    (found,) = [p for p in after.problems if p.cell == cell]
    assert (found.code, dict(found.params)["shown"], dict(found.params)["value"]) == (
        "cell.hidden_precision", "5,50", "5,5001")
    assert "5,50" in describe(found) and "5,5001" in describe(found)
