"""Cells read as they show from Google Sheets, against the local Sheets API server (issue 19).

The server renders ``FORMATTED_VALUE`` through explicit number formats set the way Google
takes them (``repeatCell`` with ``userEnteredFormat.numberFormat`` and a ``fields`` mask) in
``vi_VN`` and ``en_US``; the source pairs that read with the stored values, and the attacks
on the demo workbook (percent, dates, hidden decimals, a checkbox) never move a place
without a problem at the cell. A pair torn by an edit between the two calls is read again,
and given up as ``Unavailable`` when it stays torn.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest

from lib.core.cells import parse_score
from lib.core.config import ClusterConfig, load_config
from lib.core.errors import CellParseError, Unavailable
from lib.core.evaluation import evaluate
from lib.core.shown import Shown
from lib.edge.sources import gsheet
from lib.present.catalogue import describe
from tests.fake_sheets import FakeSheetsServer, make_client, serve
from tests.test_gsheet_source import CONFIG, demo, open_sheet

D = Decimal

# (value stored, type, pattern, shown in en_US, shown in vi_VN)
RENDERED = [
    (0.056, "PERCENT", "0.0%", "5.6%", "5,6%"),
    (0.056, "PERCENT", "0%", "6%", "6%"),
    (0.12, "PERCENT", "", "12.00%", "12,00%"),
    (3.5001, "NUMBER", "0.00", "3.50", "3,50"),
    (1234.5, "NUMBER", "#,##0.00", "1,234.50", "1.234,50"),
    (1234.5, "NUMBER", "", "1,234.50", "1.234,50"),
    (-2.5, "NUMBER", "0.0;(0.0)", "(2.5)", "(2,5)"),
    (43831, "DATE", "yyyy-mm-dd", "2020-01-01", "2020-01-01"),
    (43831, "DATE", "dd/mm/yyyy", "01/01/2020", "01/01/2020"),
    (43831, "DATE", "", "1/1/2020", "01/01/2020"),
    (0.75, "TIME", "hh:mm", "18:00", "18:00"),
    (9.5, "TEXT", "", "9.5", "9,5"),
]


@pytest.fixture
def server() -> Iterator[FakeSheetsServer]:
    yield from serve()


@pytest.fixture
def config() -> ClusterConfig:
    return load_config(CONFIG)


@pytest.mark.parametrize("locale", ["en_US", "vi_VN"])
def test_the_server_renders_number_formats_set_as_google_takes_them(server: FakeSheetsServer, locale: str) -> None:
    key = server.create_spreadsheet("Định dạng", {"Sheet1": [[value] for value, *_ in RENDERED]}, locale=locale)
    book = make_client(server).open_by_key(key)
    requests: list[dict[str, Any]] = [
        {"repeatCell": {"range": {"sheetId": 0, "startRowIndex": i, "endRowIndex": i + 1, "startColumnIndex": 0,
                                  "endColumnIndex": 1},
                        "cell": {"userEnteredFormat": {"numberFormat": {"type": kind, "pattern": pattern}}},
                        "fields": "userEnteredFormat.numberFormat"}}
        for i, (_, kind, pattern, _, _) in enumerate(RENDERED)
    ]
    book.batch_update({"requests": requests})
    shown = book.values_batch_get(["Sheet1"], params={"valueRenderOption": "FORMATTED_VALUE"})
    stored = book.values_batch_get(["Sheet1"], params={"valueRenderOption": "UNFORMATTED_VALUE"})
    column = 3 if locale == "en_US" else 4
    assert [row[0] for row in shown["valueRanges"][0]["values"]] == [r[column] for r in RENDERED]
    assert [row[0] for row in stored["valueRanges"][0]["values"]] == [r[0] for r in RENDERED]  # values unchanged
    # a mask naming the number format with none given clears it; updateCells takes the same cell data
    book.batch_update({"requests": [
        {"repeatCell": {"range": {"sheetId": 0, "startRowIndex": 0, "endRowIndex": 1}, "cell": {},
                        "fields": "userEnteredFormat(numberFormat)"}},
        {"updateCells": {"start": {"sheetId": 0, "rowIndex": 1, "columnIndex": 0},
                         "rows": [{"values": [{"userEnteredFormat": {"numberFormat": {"type": "NUMBER",
                                                                                      "pattern": "0.000"}}}]}],
                         "fields": "userEnteredFormat.numberFormat"}}]})
    again = book.values_batch_get(["Sheet1"], params={"valueRenderOption": "FORMATTED_VALUE"})
    first, second = (row[0] for row in again["valueRanges"][0]["values"][:2])
    assert (first, second) == (("0.056", "0.056") if locale == "en_US" else ("0,056", "0,056"))
    assert server.errors == []


def test_a_typed_format_replaces_an_explicit_one_and_a_raw_write_keeps_it(server: FakeSheetsServer) -> None:
    key = server.create_spreadsheet("Định dạng", {"Sheet1": [[0.5, 0.5]]}, locale="vi_VN")
    server.set_format(key, "Sheet1", 1, 1, "PERCENT", "0%")
    server.set_format(key, "Sheet1", 1, 2, "PERCENT", "0%")
    server.set_cell(key, "Sheet1", 1, 1, "1.234,5")  # typed with grouping: Sheets keeps the typed look
    server.set_cell(key, "Sheet1", 1, 2, 0.25, input_option="RAW")
    assert server.values(key, "Sheet1", render="FORMATTED_VALUE") == [["1.234,5", "25%"]]


# (stored, type, pattern, locale, reading or error code) through the source and the core
SOURCE_CASES = [
    (0.056, "PERCENT", "0.0%", "vi_VN", D("5.6")),
    (0.056, "PERCENT", "0.0%", "en_US", D("5.6")),
    (3.5001, "NUMBER", "0.00", "vi_VN", D("3.5001")),
    (1234.5, "NUMBER", "#,##0.00", "vi_VN", D("1234.5")),
    (1234.5, "NUMBER", "#,##0.00", "en_US", D("1234.5")),
    (43831, "DATE", "dd/mm/yyyy", "vi_VN", "cell.date_format"),
    (43831, "DATE", "yyyy-mm-dd", "en_US", "cell.date_format"),
    (0.75, "TIME", "hh:mm", "vi_VN", "cell.date_format"),
    (True, None, "", "vi_VN", "cell.boolean"),
    (9.5, None, "", "vi_VN", D("9.5")),
]


@pytest.mark.parametrize(("stored", "kind", "pattern", "locale", "expected"), SOURCE_CASES)
def test_the_source_reads_each_format_as_shown(server: FakeSheetsServer, stored: object, kind: str | None,
                                               pattern: str, locale: str, expected: object) -> None:
    key = server.create_spreadsheet("Thi đua", {"KetQua": [["Mã", "Quảng Ngãi"], ["1.1", stored]]}, locale=locale)
    if kind:
        server.set_format(key, "KetQua", 2, 2, kind, pattern)
    cell = open_sheet(server, key).read()["KetQua"][1][1]
    if isinstance(expected, Decimal):
        assert parse_score(cell) == expected
    else:
        with pytest.raises(CellParseError) as info:
            parse_score(cell)
        assert info.value.code == expected


def test_a_date_typed_in_sheets_arrives_as_a_date_not_a_plausible_number(server: FakeSheetsServer) -> None:
    key = server.create_spreadsheet("Thi đua", {"KetQua": [["Mã", "Quảng Ngãi"], ["1.1", "1"]]}, locale="vi_VN")
    server.set_cell(key, "KetQua", 2, 2, "01/01/2020")  # Sheets takes it for a date: stored 43831
    cell = open_sheet(server, key).read()["KetQua"][1][1]
    assert cell == Shown(43831, text="01/01/2020", locale="vi_VN")
    with pytest.raises(CellParseError, match="cell.date_format"):
        parse_score(cell)


def _edit_between_calls(monkeypatch: pytest.MonkeyPatch, source: gsheet.GoogleSheetSource, server: FakeSheetsServer,
                        key: str, times: int) -> list[int]:
    """Type into the sheet right after each of the next ``times`` shown-text reads (a meeting editing live)."""
    original, edits = source._batch_get, [0]

    def batch_get(titles: Any, params: Any) -> Any:
        answer = original(titles, params)
        if params is gsheet._SHOWN_PARAMS and edits[0] < times:
            edits[0] += 1
            server.set_cell(key, "ThongNhat", 4, 2, f"{edits[0]},25")
        return answer

    monkeypatch.setattr(source, "_batch_get", batch_get)
    return edits


def test_an_edit_between_the_two_calls_is_read_again(server: FakeSheetsServer, monkeypatch: pytest.MonkeyPatch,
                                                     config: ClusterConfig) -> None:
    key = server.create_spreadsheet("Thi đua", demo(), locale="vi_VN")
    server.set_cell(key, "ThongNhat", 4, 2, "")  # blank, then typed between the calls: torn
    source = open_sheet(server, key)
    _edit_between_calls(monkeypatch, source, server, key, times=1)
    raw = source.read()
    assert raw["ThongNhat"][3][1] == 1.25 and server.count("values:batchGet") == 4


def test_a_pair_that_stays_torn_is_unavailable_never_a_guess(server: FakeSheetsServer,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    key = server.create_spreadsheet("Thi đua", demo(), locale="vi_VN")
    source = open_sheet(server, key)
    with server.lock:
        server.spreadsheet(key).sheet("ThongNhat").cells[(3, 1)] = server.spreadsheet(key).sheet("TuCham").cells[
            (0, 0)]  # a text cell: "Mã"
    _edit_between_calls(monkeypatch, source, server, key, times=2)  # text -> number, then number -> number
    with pytest.raises(Unavailable, match="đang được sửa"):
        source.read()


def _place(server: FakeSheetsServer, key: str, tab: str, code: str, name: str) -> tuple[int, int]:
    rows = server.values(key, tab)
    header = next(i for i, row in enumerate(rows) if row and row[0] == "Mã")
    col = next(j for j, cell in enumerate(rows[header]) if str(cell).casefold() == name.casefold())
    row = next(i for i, r in enumerate(rows) if r and str(r[0]) == code)
    return row + 1, col + 1


def _places(evaluation: Any) -> list[tuple[str, int, Decimal | None]]:
    return [(s.code, s.rank, s.agreed_total) for s in evaluation.standings]


def test_the_demo_attacks_on_sheets_never_move_a_place_silently(server: FakeSheetsServer,
                                                                config: ClusterConfig) -> None:
    key = server.create_spreadsheet("Thi đua cụm 2019", demo(), locale="vi_VN")
    source = open_sheet(server, key)
    before = evaluate(source.read(), config)
    # percent: Phú Yên's GRDP result typed "5,6%" (stored 0,056) and its target "6,4%"
    for tab, value in (("KetQua", 0.056), ("KeHoach", 0.064)):
        row, col = _place(server, key, tab, "1.1", "Phú Yên")
        server.set_cell(key, tab, row, col, value, input_option="RAW")
        server.set_format(key, tab, row, col, "PERCENT", "0.0%")
    after = evaluate(source.read(), config)
    assert _places(after) == _places(before)
    assert [describe(p) for p in after.problems] == [describe(p) for p in before.problems]
    # a date in a result: an error at its cell, never the serial 43831
    row, col = _place(server, key, "KetQua", "1.5", "Quảng Nam")
    server.set_cell(key, "KetQua", row, col, "20/1/2020")
    dated = evaluate(source.read(), config)
    (found,) = [p for p in dated.problems if p.cell == f"KetQua!B{row}"]
    assert found.is_error and dict(found.params)["cause"][0] == "cell.date_format"
    # hidden decimals in an agreed score: a warning at its cell naming both numbers
    row, col = _place(server, key, "ThongNhat", "1.2", "QUẢNG NAM")
    server.set_cell(key, "ThongNhat", row, col, 5.5001, input_option="RAW")
    server.set_format(key, "ThongNhat", row, col, "NUMBER", "0.00")
    hidden = evaluate(source.read(), config)
    (warned,) = [p for p in hidden.problems if p.cell == f"ThongNhat!B{row}"]
    assert warned.code == "cell.hidden_precision" and "5,50" in describe(warned)
    # a checkbox in the pass/fail result (3.1): đạt, as the word would be
    row, col = _place(server, key, "KetQua", "3.1", "Quảng Nam")
    server.set_cell(key, "KetQua", row, col, "đạt", input_option="RAW")
    worded = evaluate(source.read(), config)
    server.set_cell(key, "KetQua", row, col, True, input_option="RAW")
    ticked = evaluate(source.read(), config)
    assert ticked.sheet.computed[("3.1", "49")] == worded.sheet.computed[("3.1", "49")]
    assert _places(ticked) == _places(worded)


def test_a_number_hidden_by_its_format_is_kept_and_reported_not_taken_for_an_edit(server: FakeSheetsServer) -> None:
    key = server.create_spreadsheet("Thi đua", {"KetQua": [["Mã", "Quảng Ngãi"], ["1.1", 7]]}, locale="vi_VN")
    server.set_format(key, "KetQua", 2, 2, "NUMBER", ";;;")  # shows nothing, still counts 7
    source = open_sheet(server, key)
    cell = source.read()["KetQua"][1][1]
    assert server.count("values:batchGet") == 4  # seen once: read again to tell a format from an edit
    with pytest.raises(CellParseError, match="cell.format_unreadable"):
        parse_score(cell)
    source.read()
    assert server.count("values:batchGet") == 4 + 2  # seen alike before: one pair of calls
