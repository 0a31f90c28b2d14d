"""Tests of ``lib.core.parse.parse_workbook``: raw tabs in, a typed scoresheet and its problems out.

Workbooks are built in memory (tab title -> rows) by ``book``; every problem is checked by
its exact A1 address, the way the secretary finds it in the sheet.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lib.core.model import CellPlace, Kind, LogEntry, Problem, Province, ProvinceCode, RawTab, RawWorkbook, Severity
from lib.core.parse import ParseResult, parse_workbook
from lib.core.scoring import Rules, province_totals
from lib.present.catalogue import describe

QN = Province(ProvinceCode("51"), "Quảng Ngãi")
DN = Province(ProvinceCode("67"), "Đắk Nông", ("Đăk Nông", "Daknong"))
GL = Province(ProvinceCode("64"), "Gia Lai")
KH = Province(ProvinceCode("56"), "Khánh Hòa", ("Khánh Hoà",))
MEMBERS = (QN, DN, GL, KH)

CRITERIA_HEADER = ["Mã", "Nhóm", "Tiêu chí", "Điểm chuẩn", "Loại", "Ghi chú"]
CRITERIA: RawTab = [
    CRITERIA_HEADER,
    ["1.1", "I. Kinh tế", "Tốc độ tăng trưởng GRDP", 10, "chuẩn", "Cục Thống kê"],  # row 2
    ["1.2", "I. Kinh tế", "Thu ngân sách", 5, None],  # row 3
    ["2.1", "II. Xã hội", "Tỷ lệ hộ nghèo giảm", 5, "chuẩn"],  # row 4
    ["6.1", "VI. Điểm thưởng", "Sáng kiến", 3, "thưởng"],  # row 5
    ["7.1", "VII. Điểm trừ", "Vi phạm", 5, "trừ"],  # row 6
]
SCORES_HEADER = ["Mã", "Quảng Ngãi", "Đắk Nông", "Gia Lai", "Khánh Hòa"]
SELF: RawTab = [
    SCORES_HEADER,  #   B=51    C=67    D=64    E=56
    ["1.1", 9.5, "9,5", 8, 7],  # row 2
    ["1.2", 5, 4.5, "4,5 đ", 4],  # row 3
    ["2.1", 4, 4, 4, 4],  # row 4
    ["6.1", 1, 0, 0.5, 2],  # row 5
    ["7.1", 0, 0.5, 0, 1],  # row 6
]


def book(**tabs: RawTab | None) -> RawWorkbook:
    """A workbook with the default TieuChi and TuCham; ``name=None`` drops a tab."""
    workbook: RawWorkbook = {"TieuChi": CRITERIA, "TuCham": SELF}
    for title, rows in tabs.items():
        if rows is None:
            workbook.pop(title, None)
        else:
            workbook[title] = rows
    return workbook


def parse(workbook: RawWorkbook, members: tuple[Province, ...] = MEMBERS) -> ParseResult:
    return parse_workbook(workbook, members)


def with_cell(rows: RawTab, row: int, col: int, value: object) -> RawTab:
    """A copy of ``rows`` with the 1-based (row, col) cell set to ``value``."""
    copy = [list(r) for r in rows]
    while len(copy) < row:
        copy.append([])
    while len(copy[row - 1]) < col:
        copy[row - 1].append(None)
    copy[row - 1][col - 1] = value
    return copy


def at(result: ParseResult, cell: str) -> list[Problem]:
    return [p for p in result.problems if p.cell == cell]


def errors_at(result: ParseResult, cell: str) -> list[Problem]:
    return [p for p in at(result, cell) if p.severity is Severity.ERROR]


def warnings_at(result: ParseResult, cell: str) -> list[Problem]:
    return [p for p in at(result, cell) if p.severity is Severity.WARNING]


def only_missing_thongnhat(result: ParseResult) -> None:
    """The default book's only problem: no ThongNhat tab yet."""
    assert [(p.severity, p.cell) for p in result.problems] == [(Severity.WARNING, "ThongNhat")]


# ---------------------------------------------------------------------------- the baseline


def test_default_book_parses_cleanly() -> None:
    result = parse(book())
    only_missing_thongnhat(result)
    sheet = result.sheet
    assert [c.code for c in sheet.criteria] == ["1.1", "1.2", "2.1", "6.1", "7.1"]
    assert sheet.provinces == MEMBERS
    assert sheet.criterion("1.1").max_points == Decimal(10)
    assert sheet.criterion("1.1").group == "I. Kinh tế"
    assert sheet.criterion("1.1").text == "Tốc độ tăng trưởng GRDP"
    assert sheet.criterion("1.1").note == "Cục Thống kê"
    assert sheet.groups() == ("I. Kinh tế", "II. Xã hội", "VI. Điểm thưởng", "VII. Điểm trừ")
    assert sheet.self_scores[("1.1", "51")] == Decimal("9.5")
    assert sheet.self_scores[("1.1", "67")] == Decimal("9.5")
    assert sheet.self_scores[("1.2", "64")] == Decimal("4.5")
    assert sheet.self_scores[("6.1", "64")] == Decimal("0.5")
    assert len(sheet.self_scores) == 5 * 4
    assert all(type(v) is Decimal for v in sheet.self_scores.values())
    assert sheet.agreed == {}
    assert sheet.agreed_places == {}
    assert sheet.evidence == {}
    assert sheet.log == ()
    assert result.errors == ()


def test_problems_are_typed() -> None:
    result = parse(book(TuCham=with_cell(SELF, 2, 2, "chín")))
    for problem in result.problems:
        assert isinstance(problem, Problem)
        assert isinstance(problem.severity, Severity)
        assert isinstance(problem.cell, str) and problem.cell
        assert isinstance(describe(problem), str) and describe(problem)
    assert result.errors == tuple(p for p in result.problems if p.is_error)


# ---------------------------------------------------------------------------- tab names

TAB_SPELLINGS = [
    ("TieuChi", ["Tiêu chí", "TIEU CHI", "tieu_chi", " Tiêu  Chí ", "Criteria", "CRITERIA", "criteria"]),
    ("TuCham", ["Tự chấm", "TU CHAM", "tự_chấm", "SelfScores", "Self scores", "SELF-SCORES"]),
]


@pytest.mark.parametrize(
    ("canonical", "title"), [(c, t) for c, titles in TAB_SPELLINGS for t in titles]
)
def test_required_tab_spellings(canonical: str, title: str) -> None:
    workbook = book()
    workbook[title] = workbook.pop(canonical)
    result = parse(workbook)
    only_missing_thongnhat(result)
    assert len(result.sheet.criteria) == 5
    assert len(result.sheet.self_scores) == 20


@pytest.mark.parametrize("title", ["ThongNhat", "Thống nhất", "THONG NHAT", "Agreed", "agreed"])
def test_agreed_tab_spellings(title: str) -> None:
    result = parse(book(**{title: [SCORES_HEADER, ["1.1", 9]]}))
    assert result.problems == ()
    assert result.sheet.agreed == {("1.1", "51"): Decimal(9)}
    assert result.sheet.agreed_places[("1.1", "51")] == CellPlace(title, 2, 2)


@pytest.mark.parametrize("title", ["MinhChung", "Minh chứng", "MINH CHUNG", "Evidence"])
def test_evidence_tab_spellings(title: str) -> None:
    result = parse(book(**{title: [SCORES_HEADER, ["1.1", "Báo cáo số 12/BC-UBND"]]}))
    only_missing_thongnhat(result)
    assert result.sheet.evidence == {("1.1", "51"): "Báo cáo số 12/BC-UBND"}


@pytest.mark.parametrize("title", ["NhatKy", "Nhật ký", "NHAT KY", "Log", "LOG"])
def test_log_tab_spellings(title: str) -> None:
    log = [list(_LOG_HEADER), ["12/03/2020 14:20", "Thư ký", "Quảng Ngãi", "1.1", 9, 9.5, "Bổ sung"]]
    result = parse(book(**{title: log}))
    assert len(result.sheet.log) == 1


def test_extra_tabs_are_ignored() -> None:
    result = parse(book(Sheet1=[["garbage", 1, None]], Tổng=[["Mã", "x"]], **{"Ghi chú": []}))
    only_missing_thongnhat(result)


# ---------------------------------------------------------------------------- headers

HEADER_SPELLINGS = [
    (0, ["Mã", "MÃ", "Ma", " mã ", "Code", "CODE", "code"]),
    (1, ["Nhóm", "NHOM", "Group", "group"]),
    (2, ["Tiêu chí", "TIEU CHI", "Criterion", "criterion"]),
    (3, ["Điểm chuẩn", "ĐIỂM CHUẨN", "Diem chuan", "diem  chuan", "Max", "MAX"]),
    (4, ["Loại", "LOAI", "Kind", "kind"]),
    (5, ["Ghi chú", "GHI CHU", "Note", "note"]),
]


@pytest.mark.parametrize(("col", "header"), [(c, h) for c, hs in HEADER_SPELLINGS for h in hs])
def test_criteria_header_spellings(col: int, header: str) -> None:
    result = parse(book(TieuChi=with_cell(CRITERIA, 1, col + 1, header)))
    only_missing_thongnhat(result)
    criterion = result.sheet.criterion("1.1")
    assert (criterion.group, criterion.text, criterion.max_points, criterion.kind, criterion.note) == (
        "I. Kinh tế",
        "Tốc độ tăng trưởng GRDP",
        Decimal(10),
        Kind.STANDARD,
        "Cục Thống kê",
    )


@pytest.mark.parametrize("header", ["Mã", "MA", "Code", "code"])
def test_score_tab_code_header_spellings(header: str) -> None:
    result = parse(book(TuCham=with_cell(SELF, 1, 1, header)))
    only_missing_thongnhat(result)
    assert len(result.sheet.self_scores) == 20


def test_columns_in_any_order_with_extra_columns() -> None:
    criteria = [
        ["STT", "Loại", "Điểm chuẩn", "Nguồn", "Tiêu chí", "Mã", "Nhóm"],
        [1, "thưởng", 3, "x", "Sáng kiến", "6.1", "VI"],
        [2, "", 10, "y", "GRDP", "1.1", "I"],
    ]
    self_scores = [["STT", "Gia Lai", "Mã", "Tổng", "Quảng Ngãi", "Ghi chú"], [1, 2, "6.1", 99, 3, "x"]]
    result = parse(book(TieuChi=criteria, TuCham=self_scores))
    assert errors_at(result, "TuCham!D1") == []  # "Tổng" is not a province
    assert result.errors == ()
    assert result.sheet.criterion("6.1").kind is Kind.BONUS
    assert result.sheet.criterion("1.1").kind is Kind.STANDARD
    assert result.sheet.self_scores == {("6.1", "64"): Decimal(2), ("6.1", "51"): Decimal(3)}


@pytest.mark.parametrize("header", ["STT", "TT", "Tổng", "Total", "Ghi chú", "Note", "Nhóm", "Tiêu chí", "Loại"])
def test_non_province_headers_are_ignored(header: str) -> None:
    result = parse(book(TuCham=with_cell(SELF, 1, 6, header)))
    only_missing_thongnhat(result)


def test_title_rows_above_the_header() -> None:
    title = ["BỘ TIÊU CHÍ THI ĐUA NĂM 2019 — DỮ LIỆU MINH HỌA"]
    criteria = [title, [], *CRITERIA]  # header on row 3, 1.1 on row 4
    self_scores = [["BẢNG TỰ CHẤM ĐIỂM"], ["Đơn vị: điểm", None], [], *SELF]  # header on row 4
    result = parse(book(TieuChi=criteria, TuCham=with_cell(self_scores, 6, 3, "chín")))
    assert [c.code for c in result.sheet.criteria] == ["1.1", "1.2", "2.1", "6.1", "7.1"]
    assert [p.cell for p in result.errors] == ["TuCham!C6"]  # row numbers count the title rows
    assert len(result.sheet.self_scores) == 19


def test_header_too_far_down_is_an_error() -> None:
    criteria = [[f"dòng {i}"] for i in range(10)] + CRITERIA
    result = parse(book(TieuChi=criteria))
    assert errors_at(result, "TieuChi!A1")
    assert result.sheet.criteria == ()


@pytest.mark.parametrize("tab", ["TieuChi", "TuCham", "ThongNhat", "MinhChung"])
def test_tab_without_code_header_is_an_error_at_a1(tab: str) -> None:
    result = parse(book(**{tab: [["Tiêu đề"], ["1.1", 9, 9]]}))
    assert len(errors_at(result, f"{tab}!A1")) == 1


def test_criteria_without_max_column_is_an_error() -> None:
    criteria = [["", "Mã", "Tiêu chí"], [None, "1.1", "GRDP"]]
    result = parse(book(TieuChi=criteria))
    assert errors_at(result, "TieuChi!A1")
    assert result.sheet.criteria == ()


# ---------------------------------------------------------------------------- kinds

KIND_SPELLINGS = [
    ("chuẩn", Kind.STANDARD),
    ("Chuẩn", Kind.STANDARD),
    ("CHUẨN", Kind.STANDARD),
    ("chuan", Kind.STANDARD),
    ("standard", Kind.STANDARD),
    ("Standard", Kind.STANDARD),
    ("", Kind.STANDARD),
    ("  ", Kind.STANDARD),
    (None, Kind.STANDARD),
    ("thưởng", Kind.BONUS),
    ("THƯỞNG", Kind.BONUS),
    ("Thuong", Kind.BONUS),
    (unicodedata.normalize("NFD", "thưởng"), Kind.BONUS),
    ("bonus", Kind.BONUS),
    ("BONUS", Kind.BONUS),
    ("trừ", Kind.PENALTY),
    ("Trừ", Kind.PENALTY),
    ("tru", Kind.PENALTY),
    ("TRU", Kind.PENALTY),
    (" trừ ", Kind.PENALTY),
    ("penalty", Kind.PENALTY),
    ("Penalty", Kind.PENALTY),
]


@pytest.mark.parametrize(("text", "kind"), KIND_SPELLINGS)
def test_kind_spellings(text: object, kind: Kind) -> None:
    result = parse(book(TieuChi=with_cell(CRITERIA, 5, 5, text)))
    only_missing_thongnhat(result)
    assert result.sheet.criterion("6.1").kind is kind


def test_kind_column_may_be_absent() -> None:
    criteria = [row[:4] for row in CRITERIA]
    result = parse(book(TieuChi=criteria))
    only_missing_thongnhat(result)
    assert {c.kind for c in result.sheet.criteria} == {Kind.STANDARD}


@pytest.mark.parametrize("text", ["cộng", "phạt", "thưởng thêm", "bonus points", "x", "-", "?", 1, 0, 0.5, True, False])
def test_unknown_kind_is_an_error_at_its_cell(text: object) -> None:
    result = parse(book(TieuChi=with_cell(CRITERIA, 5, 5, text)))
    assert [p.cell for p in result.errors] == ["TieuChi!E5"]
    assert "6.1" not in {c.code for c in result.sheet.criteria}
    # the criterion is unusable: its self-score row is skipped, not reported again
    assert not any("6.1" in describe(p) for p in result.problems if p.cell.startswith("TuCham"))


# ---------------------------------------------------------------------------- criterion codes


def test_duplicate_criterion_code_names_the_second_cell() -> None:
    criteria = [*CRITERIA, ["1.2", "I. Kinh tế", "Lặp", 4, "chuẩn"]]  # row 7
    result = parse(book(TieuChi=criteria))
    [problem] = result.errors
    assert problem.cell == "TieuChi!A7"
    assert "1.2" in describe(problem) and "TieuChi!A3" in describe(problem)
    assert result.sheet.criterion("1.2").max_points == Decimal(5)  # the first one stands


def test_duplicate_criterion_code_typed_once_as_a_number() -> None:
    criteria = [*CRITERIA, [1.1, "I. Kinh tế", "Lặp", 4, "chuẩn"]]
    result = parse(book(TieuChi=criteria))
    assert [p.cell for p in result.errors] == ["TieuChi!A7"]


@pytest.mark.parametrize(
    ("in_criteria", "in_scores"),
    [
        ("1.1", 1.1),
        (1.1, "1.1"),
        (1.1, 1.1),
        ("1.1", " 1.1 "),
        (" 1.1", "1.1"),
        ("3", 3),
        ("3", 3.0),
        (3, "3"),
        (3.0, "3"),
        ("2.3a", "2.3a"),
    ],
)
def test_criterion_code_typed_as_a_number(in_criteria: object, in_scores: object) -> None:
    criteria = [CRITERIA_HEADER, [in_criteria, "I", "x", 10, "chuẩn"]]
    self_scores = [SCORES_HEADER, [in_scores, 9, 8, 7, 6]]
    result = parse(book(TieuChi=criteria, TuCham=self_scores))
    only_missing_thongnhat(result)
    [criterion] = result.sheet.criteria
    assert result.sheet.self_scores[(criterion.code, "51")] == Decimal(9)


def test_row_code_not_in_criteria_is_an_error() -> None:
    self_scores = [*SELF, ["9.9", 1, 1, 1, 1]]  # row 7
    result = parse(book(TuCham=self_scores))
    [problem] = result.errors
    assert problem.cell == "TuCham!A7"
    assert "9.9" in describe(problem)
    assert not any(code == "9.9" for code, _ in result.sheet.self_scores)


def test_duplicate_row_in_scores_is_an_error() -> None:
    self_scores = [*SELF, ["1.1", 1, 1, 1, 1]]  # row 7
    result = parse(book(TuCham=self_scores))
    assert [p.cell for p in result.errors] == ["TuCham!A7"]
    assert result.sheet.self_scores[("1.1", "51")] == Decimal("9.5")  # the first row stands


def test_criterion_without_a_self_score_row_is_a_warning() -> None:
    result = parse(book(TuCham=SELF[:-1]))
    assert result.errors == ()
    assert any("7.1" in describe(p) for p in warnings_at(result, "TuCham"))


def test_missing_row_warning_uses_the_tab_title() -> None:
    result = parse(book(TuCham=None, SelfScores=SELF[:-1]))
    assert result.errors == ()
    [problem] = warnings_at(result, "SelfScores")
    assert "7.1" in describe(problem)


def test_rows_present_without_province_columns_are_not_missing_rows() -> None:
    result = parse(book(TuCham=[["Mã"], *[row[:1] for row in SELF[1:]]]))
    assert result.errors == ()
    assert warnings_at(result, "TuCham") == []
    assert len(warnings_at(result, "TuCham!1:1")) == len(MEMBERS)


def test_scores_without_a_code_are_reported() -> None:
    self_scores = [*SELF, [None, 1, 2, 3, 4]]  # row 7
    result = parse(book(TuCham=self_scores))
    assert result.errors == ()
    assert warnings_at(result, "TuCham!A7")


def test_blank_rows_are_skipped() -> None:
    self_scores = [SELF[0], [], SELF[1], [None, None], [" "], *SELF[2:]]
    result = parse(book(TuCham=self_scores))
    only_missing_thongnhat(result)
    assert len(result.sheet.self_scores) == 20


def test_group_carries_down_merged_cells() -> None:
    criteria = [
        CRITERIA_HEADER,
        ["1.1", "I. Kinh tế", "a", 10],
        ["1.2", None, "b", 5],
        ["2.1", "II. Xã hội", "c", 5],
        ["2.2", "  ", "d", 5],
    ]
    result = parse(book(TieuChi=criteria, TuCham=[SCORES_HEADER]))
    assert [c.group for c in result.sheet.criteria] == ["I. Kinh tế", "I. Kinh tế", "II. Xã hội", "II. Xã hội"]


def test_row_with_max_but_no_code_is_a_warning() -> None:
    criteria = [*CRITERIA, [None, "I", "quên mã", 4]]  # row 7
    result = parse(book(TieuChi=criteria))
    assert warnings_at(result, "TieuChi!A7")
    assert result.errors == ()


# ---------------------------------------------------------------------------- max points


@pytest.mark.parametrize(
    ("value", "expected"),
    [(10, "10"), (10.0, "10"), (0.5, "0.5"), ("10", "10"), ("9,5", "9.5"), ("9.5", "9.5"), ("10 điểm", "10")],
)
def test_valid_max(value: object, expected: str) -> None:
    result = parse(book(TieuChi=with_cell(CRITERIA, 2, 4, value), TuCham=[SCORES_HEADER]))
    assert result.errors == ()
    assert result.sheet.criterion("1.1").max_points == Decimal(expected)


@pytest.mark.parametrize(
    "value", [None, "", "  ", 0, 0.0, "0", "0,0", -1, -0.5, "-5", "mười", "1.000", "#N/A", "=SUM(", True]
)
def test_bad_max_is_an_error_at_its_cell(value: object) -> None:
    result = parse(book(TieuChi=with_cell(CRITERIA, 2, 4, value)))
    assert [p.cell for p in result.errors] == ["TieuChi!D2"]
    assert "1.1" in describe(result.errors[0])
    assert "1.1" not in {c.code for c in result.sheet.criteria}
    assert not any(code == "1.1" for code, _ in result.sheet.self_scores)


# ---------------------------------------------------------------------------- province headers

HEADER_MATCHES = [
    ("Quảng Ngãi", "51"),
    ("QUẢNG NGÃI", "51"),
    ("quang ngai", "51"),
    ("Tỉnh Quảng Ngãi", "51"),
    ("51", "51"),
    (51, "51"),
    (51.0, "51"),
    ("Đắk Nông", "67"),
    ("Đăk Nông", "67"),
    ("Dak Nong", "67"),
    ("DAK NONG", "67"),
    ("Daknong", "67"),
    ("Đắk  Nông ", "67"),
    (unicodedata.normalize("NFD", "Đắk Nông"), "67"),
    (unicodedata.normalize("NFD", "Đăk Nông"), "67"),
    ("67", "67"),
    (" 67 ", "67"),
    (67, "67"),
    (67.0, "67"),
    ("Gia Lai", "64"),
    ("Tỉnh Gia Lai", "64"),
    ("Khánh Hòa", "56"),
    ("Khánh Hoà", "56"),
    ("Khanh Hoa", "56"),
]


@pytest.mark.parametrize(("header", "code"), HEADER_MATCHES, ids=ascii)
def test_province_header_matches(header: object, code: str) -> None:
    self_scores = [["Mã", header], ["1.1", 7]]
    result = parse(book(TuCham=self_scores))
    assert result.errors == ()
    assert result.sheet.self_scores == {("1.1", code): Decimal(7)}
    missing_columns = {describe(p) for p in warnings_at(result, "TuCham!1:1")}
    assert len(missing_columns) == len(MEMBERS) - 1


UNKNOWN_HEADERS = [
    "Đà Nẵng",
    "Hà Nội",
    "Quảng",
    "Đắk",
    "Gia Lai Kon Tum",
    "99",
    99,
    # a code matches exactly, not folded: none of these is Đắk Nông (67)
    6.7,
    "6.7",
    "6-7",
    "067",
    67.5,
    "６７",
    "٦٧",
    "—",
]


@pytest.mark.parametrize("header", UNKNOWN_HEADERS, ids=ascii)
def test_unknown_province_header_is_an_error_naming_the_cell(header: object) -> None:
    result = parse(book(TuCham=with_cell(SELF, 1, 4, header)))  # replaces Gia Lai in D1
    [problem] = result.errors
    assert problem.cell == "TuCham!D1"
    assert repr(header) in describe(problem)
    assert not any(code == "64" for _, code in result.sheet.self_scores)


def test_unknown_header_below_a_title_names_its_row() -> None:
    self_scores = [["BẢNG TỰ CHẤM"], [], with_cell([SCORES_HEADER], 1, 4, "Đà Nẵng")[0], *SELF[1:]]
    result = parse(book(TuCham=self_scores))
    assert [p.cell for p in result.errors] == ["TuCham!D3"]


def test_province_with_two_columns_is_an_error() -> None:
    self_scores = [[*SCORES_HEADER, "67"], *[[*row, 1] for row in SELF[1:]]]  # F1 is Đắk Nông again
    result = parse(book(TuCham=self_scores))
    [problem] = result.errors
    assert problem.cell == "TuCham!F1"
    assert "Đắk Nông" in describe(problem) and "TuCham!C1" in describe(problem)
    assert result.sheet.self_scores[("1.1", "67")] == Decimal("9.5")  # the first column stands


def test_member_without_a_column_is_a_warning() -> None:
    self_scores = [row[:4] for row in SELF]  # no Khánh Hòa
    result = parse(book(TuCham=self_scores))
    assert result.errors == ()
    [problem] = warnings_at(result, "TuCham!1:1")
    assert "Khánh Hòa" in describe(problem)
    assert not any(code == "56" for _, code in result.sheet.self_scores)


def test_member_column_warning_names_the_header_row() -> None:
    self_scores = [["Tiêu đề"], [], *[row[:4] for row in SELF]]
    result = parse(book(TuCham=self_scores))
    assert len(warnings_at(result, "TuCham!3:3")) == 1


def test_cluster_members_not_in_header_order() -> None:
    result = parse(book(), members=(KH, GL, DN, QN))
    only_missing_thongnhat(result)
    assert result.sheet.self_scores[("1.2", "56")] == Decimal(4)


# ---------------------------------------------------------------------------- self-scores

BAD_SCORES = [
    "chín",
    "1.000",
    "1,000",
    "#N/A",
    "#REF!",
    "=SUM(",
    "9,5,5",
    "9 5",
    "٩",
    11,  # above the max of 10
    10.01,
    "10,5",
    -1,  # negative
    "-0,5",
    True,
    dt.date(2020, 5, 9),  # "9.5" turned into a date by a spreadsheet
    float("nan"),
]


@pytest.mark.parametrize("value", BAD_SCORES, ids=repr)
def test_bad_self_score_is_an_error_at_its_cell(value: object) -> None:
    result = parse(book(TuCham=with_cell(SELF, 2, 3, value)))  # 1.1 for Đắk Nông
    [problem] = result.errors
    assert problem.cell == "TuCham!C2"
    assert "1.1" in describe(problem)
    assert ("1.1", "67") not in result.sheet.self_scores
    assert result.sheet.self_scores[("1.1", "51")] == Decimal("9.5")  # the rest is still read


@pytest.mark.parametrize(
    ("row", "col", "value", "cell"),
    [
        (5, 2, 4, "TuCham!B5"),  # bonus above its max of 3
        (6, 5, "5,5", "TuCham!E6"),  # penalty above its max of 5
        (6, 4, -1, "TuCham!D6"),  # a penalty is entered positive
        (3, 4, "5 đ.x", "TuCham!D3"),
    ],
)
def test_bad_scores_in_other_kinds(row: int, col: int, value: object, cell: str) -> None:
    result = parse(book(TuCham=with_cell(SELF, row, col, value)))
    assert [p.cell for p in result.errors] == [cell]


@pytest.mark.parametrize("value", [0, "0", 10, "10", "10 điểm", "10,0", 9.99, "0,25"])
def test_scores_at_the_bounds_are_valid(value: object) -> None:
    result = parse(book(TuCham=with_cell(SELF, 2, 3, value)))
    assert result.errors == ()


@pytest.mark.parametrize("value", [None, "", "   ", "\u00a0"], ids=repr)
def test_blank_self_score_is_missing_not_zero(value: object) -> None:
    result = parse(book(TuCham=with_cell(SELF, 3, 4, value)))  # 1.2 for Gia Lai
    assert result.errors == ()
    [problem] = warnings_at(result, "TuCham!D3")
    assert "Gia Lai" in describe(problem) and "1.2" in describe(problem)
    key = ("1.2", ProvinceCode("64"))
    assert key not in result.sheet.self_scores  # no entry, not Decimal(0)
    assert result.sheet.score(key) is None
    totals = province_totals(result.sheet, "64", Rules())
    assert totals.missing == 1
    assert totals.provisional


def test_blank_self_score_at_end_of_a_short_row() -> None:
    self_scores = [*SELF[:2], ["1.2", 5, 4.5], *SELF[3:]]  # D3, E3 past the row's end
    result = parse(book(TuCham=self_scores))
    assert result.errors == ()
    assert warnings_at(result, "TuCham!D3") and warnings_at(result, "TuCham!E3")


# ---------------------------------------------------------------------------- agreed scores

AGREED: RawTab = [
    ["Mã", "Khánh Hòa", "Gia Lai", "Dak Nong", 51],  # another column order, other spellings
    ["1.1", 7, None, 9, 9.5],  # row 2
    ["1.2", "", 4, "4,75", 5],  # row 3
]


def test_agreed_scores() -> None:
    result = parse(book(ThongNhat=AGREED))
    assert result.problems == ()
    sheet = result.sheet
    assert sheet.agreed == {
        ("1.1", "56"): Decimal(7),
        ("1.1", "67"): Decimal(9),
        ("1.1", "51"): Decimal("9.5"),
        ("1.2", "64"): Decimal(4),
        ("1.2", "67"): Decimal("4.75"),
        ("1.2", "51"): Decimal(5),
    }
    # blank means not yet agreed: the self-score stands in
    assert ("1.1", "64") not in sheet.agreed
    assert sheet.score(("1.1", ProvinceCode("64"))) == Decimal(8)
    assert ("1.2", "56") not in sheet.agreed
    assert sheet.score(("1.2", ProvinceCode("56"))) == Decimal(4)
    # an agreed value overrides the self-score
    assert sheet.score(("1.1", ProvinceCode("67"))) == Decimal(9)


def test_agreed_places() -> None:
    titled = [["ĐIỂM THỐNG NHẤT"], [], *AGREED]  # header on row 3
    result = parse(book(Agreed=titled))
    places = result.sheet.agreed_places
    assert places[("1.1", "56")] == CellPlace("Agreed", 4, 2)
    assert places[("1.1", "64")] == CellPlace("Agreed", 4, 3)  # blank: where the value would go
    assert places[("1.1", "67")] == CellPlace("Agreed", 4, 4)
    assert places[("1.1", "51")] == CellPlace("Agreed", 4, 5)
    assert places[("1.2", "56")] == CellPlace("Agreed", 5, 2)
    assert places[("1.2", "51")] == CellPlace("Agreed", 5, 5)
    assert set(places) == {(code, p) for code in ("1.1", "1.2") for p in ("51", "56", "64", "67")}


def test_agreed_tab_is_optional() -> None:
    result = parse(book())
    assert warnings_at(result, "ThongNhat")
    assert result.sheet.agreed == {}


@pytest.mark.parametrize("value", ["chín", "1.000", "#N/A", "=SUM(", 11, -1, True], ids=repr)
def test_bad_agreed_score_is_an_error_and_the_self_score_stands(value: object) -> None:
    result = parse(book(ThongNhat=with_cell(AGREED, 2, 4, value)))  # 1.1 for Đắk Nông
    [problem] = result.errors
    assert problem.cell == "ThongNhat!D2"
    key = ("1.1", ProvinceCode("67"))
    assert key not in result.sheet.agreed
    assert result.sheet.score(key) == Decimal("9.5")
    assert result.sheet.agreed_places[key] == CellPlace("ThongNhat", 2, 4)


def test_blank_agreed_cells_are_not_reported() -> None:
    agreed = [SCORES_HEADER, ["1.1"], ["1.2", None, "", " "]]
    result = parse(book(ThongNhat=agreed))
    only_problems = [p for p in result.problems if p.cell.startswith("ThongNhat")]
    assert only_problems == []
    assert result.sheet.agreed == {}


def test_agreed_header_and_rows_are_checked_like_self_scores() -> None:
    agreed = [["Mã", "Đà Nẵng", "Gia Lai", "64"], ["1.1", 1, 2, 3], ["9.9", 1, 1, 1], ["1.1", 1, 1, 1]]
    result = parse(book(ThongNhat=agreed))
    assert sorted(p.cell for p in result.errors) == ["ThongNhat!A3", "ThongNhat!A4", "ThongNhat!B1", "ThongNhat!D1"]
    assert result.sheet.agreed == {("1.1", "64"): Decimal(2)}


def test_a_member_without_an_agreed_column_is_not_warned() -> None:
    result = parse(book(ThongNhat=[["Mã", "Gia Lai"], ["1.1", 8]]))
    assert not [p for p in result.problems if p.cell.startswith("ThongNhat")]


# ---------------------------------------------------------------------------- evidence


def test_evidence() -> None:
    evidence = [["Mã", "51", "Dak Nong"], ["1.1", " Quyết định số 6/QĐ-UBND ", None], ["1.2", 12, "https://x"]]
    result = parse(book(MinhChung=evidence))
    only_missing_thongnhat(result)
    assert result.sheet.evidence == {
        ("1.1", "51"): "Quyết định số 6/QĐ-UBND",
        ("1.2", "51"): "12",
        ("1.2", "67"): "https://x",
    }


# ---------------------------------------------------------------------------- missing tabs


def test_missing_criteria_tab_is_an_error() -> None:
    result = parse(book(TieuChi=None))
    assert errors_at(result, "TieuChi")
    assert result.sheet.criteria == ()


def test_missing_self_score_tab_is_an_error() -> None:
    result = parse(book(TuCham=None))
    assert errors_at(result, "TuCham")
    assert result.sheet.self_scores == {}


def test_missing_agreed_tab_is_a_warning() -> None:
    result = parse(book())
    [problem] = result.problems
    assert (problem.severity, problem.cell) == (Severity.WARNING, "ThongNhat")


def test_empty_workbook() -> None:
    result = parse({})
    assert {p.cell for p in result.errors} == {"TieuChi", "TuCham"}
    assert result.sheet.criteria == () and result.sheet.self_scores == {}


@pytest.mark.parametrize("tab", ["TieuChi", "TuCham", "ThongNhat", "MinhChung", "NhatKy"])
def test_empty_tabs_do_not_raise(tab: str) -> None:
    result = parse(book(**{tab: []}))
    assert isinstance(result, ParseResult)


# ---------------------------------------------------------------------------- log

_LOG_HEADER = ("Thời gian", "Người sửa", "Đơn vị", "Mã", "Điểm cũ", "Điểm mới", "Lý do")


def test_log_is_parsed_into_entries() -> None:
    log = [
        ["NHẬT KÝ ĐIỀU CHỈNH ĐIỂM"],
        [],
        list(_LOG_HEADER),
        ["12/03/2020 14:20", "Thư ký", "Quảng Nam", "2.4", 4, 3.75, "Chưa có quyết định"],
        [],
        ["12/03/2020 14:23", "Thư ký", "Quảng Ngãi", 2.3, "3,25", None, "Xóa điểm"],
    ]
    result = parse(book(NhatKy=log))
    only_missing_thongnhat(result)
    assert result.sheet.log == (
        LogEntry("12/03/2020 14:20", "Thư ký", "Quảng Nam", "2.4", "4", "3.75", "Chưa có quyết định"),
        LogEntry("12/03/2020 14:23", "Thư ký", "Quảng Ngãi", "2.3", "3,25", "", "Xóa điểm"),
    )


def test_log_with_english_headers_in_another_order() -> None:
    log = [["Reason", "Time", "User", "Province", "Code", "Old", "New"], ["vì", "t", "u", "p", "c", 1, 2]]
    result = parse(book(Log=log))
    assert result.sheet.log == (LogEntry("t", "u", "p", "c", "1", "2", "vì"),)


def test_log_without_a_header_is_empty() -> None:
    result = parse(book(NhatKy=[["ghi chép"], ["12/03/2020", "x"]]))
    assert result.sheet.log == ()


# ---------------------------------------------------------------------------- garbage in

_CELLS = st.one_of(
    st.none(),
    st.text(max_size=12),
    st.sampled_from(["Mã", "Code", "Điểm chuẩn", "Max", "Loại", "thưởng", "trừ", "1.1", "1.2", "Gia Lai",
                     "67", "Dak Nong", "#N/A", "=SUM(", "1.000", "9,5", " ", "Thời gian", "Lý do"]),
    st.integers(min_value=-10**6, max_value=10**6),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.dates().map(lambda d: dt.datetime(d.year, d.month, d.day)),
)
_ROWS = st.lists(st.lists(_CELLS, max_size=7), max_size=8)
_TITLES = st.sampled_from(["TieuChi", "TuCham", "ThongNhat", "MinhChung", "NhatKy", "Criteria", "Agreed", "x"])


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(_TITLES, _ROWS, max_size=6))
def test_parse_never_raises_on_garbage(workbook: RawWorkbook) -> None:
    result = parse(workbook)
    assert isinstance(result, ParseResult)
    sheet = result.sheet
    codes = {c.code: c for c in sheet.criteria}
    for (code, province), score in [*sheet.self_scores.items(), *sheet.agreed.items()]:
        assert type(score) is Decimal and score.is_finite()
        assert 0 <= score <= codes[code].max_points
        assert province in {p.code for p in MEMBERS}
    assert all(c.max_points > 0 for c in sheet.criteria)
    assert all(isinstance(p.cell, str) and p.cell for p in result.problems)


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
@given(rows=st.lists(st.lists(_CELLS, min_size=5, max_size=5), max_size=6))
def test_garbage_score_rows_under_good_headers_never_raise(rows: list[list[object]]) -> None:
    result = parse(book(TuCham=[SCORES_HEADER, *rows], ThongNhat=[SCORES_HEADER, *rows]))
    for problem in result.problems:
        if problem.cell.startswith(("TuCham!", "ThongNhat!")) and ":" not in problem.cell:
            tab, _, a1 = problem.cell.partition("!")
            assert a1[0] in "ABCDE" and int(a1[1:]) <= len(rows) + 1
