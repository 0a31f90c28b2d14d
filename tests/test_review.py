"""The preliminary meeting's review (``lib.core.review``): unlogged edits, pending adjustments, what-if, editor."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest

from lib.core.model import Adjustment, ChangeSet, LogEntry, Province, ProvinceCode, Role, Scoresheet
from lib.core.review import (
    AGREE_AS_SELF,
    Edit,
    Move,
    agree_as_self,
    pending_adjustments,
    review_rows,
    what_if,
    with_adjustments,
)
from lib.core.scoring import Rules, rank
from lib.edge.store import save
from lib.present.catalogue import word
from lib.present.review_editor import EDITOR_COLUMNS, editor_frame, edits_from_frame
from tests.sheets import PROVINCES, criterion, sheet
from tests.test_store import MEMBERS, Backend, open_backend

D = Decimal
QN, QNG, BD, PY = PROVINCES[:4]  # Quảng Nam 49, Quảng Ngãi 51, Bình Định 52, Phú Yên 54


def log(province: str, code: str, old: str, new: str, reason: str = "lý do") -> LogEntry:
    return LogEntry("12/03/2020 14:20", "Thư ký Cụm", province, code, old, new, reason)


def flags(s: Scoresheet, province: Province = QN) -> dict[str, str]:
    return {r.criterion.code: word(*r.unlogged) for r in review_rows(s, province) if r.unlogged}



def pending_in_words(rows, edits, province):  # noqa: ANN001, ANN201 - the core's call, problems worded
    adjustments, problems = pending_adjustments(rows, edits, province)
    return adjustments, [word(code, params) for code, params in problems]


CRITERIA = [criterion("1.1", max_points="10"), criterion("1.2", max_points="8"), criterion("1.3", max_points="6")]


# -- review rows and unlogged edits ----------------------------------------------------
def test_review_rows_follow_the_criteria_table_with_self_agreed_and_evidence() -> None:
    s = dataclasses.replace(
        sheet(CRITERIA, {"49": {"1.1": "9", "1.2": "7.5"}}, {"49": {"1.1": "9"}}),
        evidence={("1.1", ProvinceCode("49")): "Báo cáo số 12/BC-UBND"},
    )
    rows = review_rows(s, QN)
    assert [(r.criterion.code, r.self_score, r.agreed, r.evidence, r.unlogged) for r in rows] == [
        ("1.1", D("9"), D("9"), "Báo cáo số 12/BC-UBND", None),
        ("1.2", D("7.5"), None, "", None),
        ("1.3", None, None, "", None),
    ]


def test_an_agreed_value_typed_without_a_log_row_is_flagged_when_it_differs_from_the_self_score() -> None:
    s = sheet(CRITERIA, {"49": {"1.1": "9", "1.2": "7.5"}},
              {"49": {"1.1": "8.5", "1.2": "7.5", "1.3": "5"}})  # 1.3: agreed with no self-score
    found = flags(s)
    assert set(found) == {"1.1", "1.3"}  # 1.2: agreed == self, no log row needed
    assert "không có trong nhật ký" in found["1.1"]


def test_an_agreed_value_that_differs_from_the_last_logged_value_is_flagged() -> None:
    s = dataclasses.replace(
        sheet(CRITERIA, {"49": {"1.1": "9", "1.2": "7", "1.3": "5"}, "51": {"1.1": "9"}},
              {"49": {"1.1": "6.5", "1.2": "7", "1.3": "4"}, "51": {"1.1": "9"}}),
        log=(
            log("Quảng Nam", "1.1", "9", "7,5"),
            log("QUANG NAM", "1.1", "7,5", "7"),  # the last logged value for 1.1 is 7…
            log("49", "1.2", "7", "6"),
            log("Quảng Nam", "1.2", "6", "7"),  # …and for 1.2 back to 7 (== self: fine either way)
            log("Quảng Ngãi", "1.3", "", "4"),  # another province's row says nothing about Quảng Nam
            log("Quảng Nam", "1.3", "5", "4"),
        ),
    )
    found = flags(s)
    assert set(found) == {"1.1"}
    assert "nhật ký (7)" in found["1.1"]
    # an agreed value equal to the self-score is still flagged when the log says otherwise
    s2 = dataclasses.replace(s, agreed={**s.agreed, ("1.3", ProvinceCode("49")): D("5")})
    assert set(flags(s2)) == {"1.1", "1.3"} and "nhật ký (4)" in flags(s2)["1.3"]
    # a cell cleared by a logged change is flagged when something was typed back in it
    s3 = dataclasses.replace(s, log=(*s.log, log("Quảng Nam", "1.1", "7", "")))
    assert "trống" in flags(s3)["1.1"]
    s4 = dataclasses.replace(s3, agreed={k: v for k, v in s.agreed.items() if k != ("1.1", "49")})
    assert "1.1" not in flags(s4)


def test_an_agreed_value_equal_to_the_self_score_without_a_log_row_is_not_flagged() -> None:
    s = sheet(CRITERIA, {"49": {"1.1": "9", "1.2": "7.5", "1.3": "5"}},
              {"49": {"1.1": "9.00", "1.2": "7.5"}})  # 1.3 not agreed yet
    assert flags(s) == {}


@pytest.fixture(params=["xlsx", "gsheet"])
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Backend]:
    with open_backend(request.param, tmp_path) as b:
        yield b


def test_saved_changes_are_not_flagged_but_a_direct_sheet_edit_is(backend: Backend) -> None:
    qn = next(p for p in MEMBERS if p.code == "49")
    assert all(flags(backend.sheet(), p) == {} for p in MEMBERS)  # the demo's log explains its values
    save(backend.source, ChangeSet("Thư ký Cụm", Role.SECRETARY, (
        Adjustment("1.1", "49", D("7.25"), D("6.75"), "Theo Cục Thống kê"),
        Adjustment("1.2", "49", D("5.5"), None, "Chờ bổ sung minh chứng"),
    )), MEMBERS)
    assert flags(backend.sheet(), qn) == {}
    backend.edit_agreed("1.1", "49", "7")  # an organiser types in the sheet
    backend.edit_agreed("1.2", "49", 5.5)  # back to the self-score, but the log says blank
    backend.edit_agreed("1.3", "49", 2)  # no log row, differs from the self-score 3.75
    assert set(flags(backend.sheet(), qn)) == {"1.1", "1.2", "1.3"}


# -- pending adjustments ----------------------------------------------------------------
def rows_for_edits():
    s = sheet(CRITERIA, {"49": {"1.1": "9", "1.2": "7.5", "1.3": "5"}}, {"49": {"1.1": "8.5", "1.2": "7.5"}})
    return review_rows(s, QN)


def test_unchanged_rows_are_ignored() -> None:
    edits = [Edit("1.1", D("8.50"), ""), Edit("1.2", "7,5", ""), Edit("1.3", None, ""), Edit("1.3", "  ", ""),
             Edit("1.3", float("nan"), "")]
    assert pending_in_words(rows_for_edits(), edits, QN) == ([], [])


def test_every_changed_cell_needs_a_reason_and_the_message_names_the_criterion() -> None:
    adjustments, problems = pending_in_words(
        rows_for_edits(), [Edit("1.1", D("9"), "  "), Edit("1.3", 4, "Thống nhất theo biên bản")], QN)
    assert problems == ["Tiêu chí 1.1: cần ghi lý do điều chỉnh"]
    assert adjustments == [Adjustment("1.1", "49", D("8.5"), D("9"), ""),
                           Adjustment("1.3", "49", None, D("4"), "Thống nhất theo biên bản")]


@pytest.mark.parametrize("value, shown", [("8,25", "8,25"), (-1, "-1"), (D("10.5"), "10,5")])
def test_a_value_out_of_range_is_refused(value: object, shown: str) -> None:
    code = "1.2" if value == "8,25" else "1.1"
    top = "8" if code == "1.2" else "10"
    _, problems = pending_in_words(rows_for_edits(), [Edit(code, value, "lý do")], QN)
    assert problems == [f"Tiêu chí {code}: điểm {shown} ngoài khoảng 0–{top}"]


@pytest.mark.parametrize("value", ["chín", "1.000", "#N/A", "=1+1", float("inf")])
def test_a_value_that_is_not_a_score_is_refused_naming_the_criterion(value: object) -> None:
    adjustments, problems = pending_in_words(rows_for_edits(), [Edit("1.3", value, "lý do")], QN)
    assert adjustments == [] and len(problems) == 1 and problems[0].startswith("Tiêu chí 1.3: ")


@pytest.mark.parametrize("blank", [None, "", "   ", float("nan")])
def test_a_blank_new_value_clears_the_agreed_value(blank: object) -> None:
    adjustments, problems = pending_in_words(rows_for_edits(), [Edit("1.1", blank, "Chưa đủ minh chứng")], QN)
    assert problems == []
    assert adjustments == [Adjustment("1.1", "49", D("8.5"), None, "Chưa đủ minh chứng")]


@pytest.mark.parametrize("text, value", [("9,5", "9.5"), (" 9.5 điểm ", "9.5"), ("10", "10"), (0, "0")])
def test_text_with_a_decimal_comma_is_accepted(text: object, value: str) -> None:
    adjustments, problems = pending_in_words(rows_for_edits(), [Edit("1.1", text, " Theo biên bản ")], QN)
    assert problems == []
    assert adjustments == [Adjustment("1.1", "49", D("8.5"), D(value), "Theo biên bản")]


def test_agree_as_self_fills_only_the_criteria_not_yet_agreed() -> None:
    s = sheet([*CRITERIA, criterion("1.4")], {"49": {"1.1": "9", "1.2": "7.5", "1.3": "5"}},
              {"49": {"1.1": "8.5"}})  # 1.4: no self-score, nothing to agree
    rows = review_rows(s, QN)
    edits = agree_as_self(rows)
    assert edits == [Edit("1.2", D("7.5"), AGREE_AS_SELF), Edit("1.3", D("5"), AGREE_AS_SELF)]
    adjustments, problems = pending_in_words(rows, edits, QN)
    assert problems == []
    assert adjustments == [Adjustment("1.2", "49", None, D("7.5"), AGREE_AS_SELF),
                           Adjustment("1.3", "49", None, D("5"), AGREE_AS_SELF)]
    assert agree_as_self(review_rows(with_adjustments(s, adjustments), QN)) == []


# -- what-if ----------------------------------------------------------------------------
TWO = [criterion("1.1"), criterion("1.2")]


def league() -> Scoresheet:
    """Quảng Nam 18, Quảng Ngãi 16, Bình Định 15, Phú Yên 10 (all agreed)."""
    scores = {"49": {"1.1": 9, "1.2": 9}, "51": {"1.1": 8, "1.2": 8}, "52": {"1.1": 7, "1.2": 8},
              "54": {"1.1": 5, "1.2": 5}}
    return sheet(TWO, scores, scores)


def test_what_if_reports_old_and_new_rank_and_who_is_passed() -> None:
    s = league()
    adjustments = [Adjustment("1.1", "52", D("7"), D("10"), "lý do"), Adjustment("1.2", "52", D("8"), D("9"), "lý do")]
    standings, moves = what_if(s, Rules(), adjustments)
    assert [(x.code, x.rank, x.agreed_total) for x in standings] == [
        ("52", 1, D("19")), ("49", 2, D("18")), ("51", 3, D("16")), ("54", 4, D("10"))]
    assert moves == [
        Move(BD, 3, 1, D("15"), D("19"), ("Quảng Nam", "Quảng Ngãi"), ()),
        Move(QN, 1, 2, D("18"), D("18"), (), ("Bình Định",)),
        Move(QNG, 2, 3, D("16"), D("16"), (), ("Bình Định",)),
    ]  # Phú Yên does not move: not listed
    assert s.agreed[("1.1", ProvinceCode("52"))] == D("7")  # the sheet itself is untouched


def test_a_change_that_moves_no_one_else_lists_only_the_province_itself() -> None:
    _, moves = what_if(league(), Rules(), [Adjustment("1.1", "54", D("5"), D("6.5"), "lý do")])
    assert moves == [Move(PY, 4, 4, D("10"), D("11.5"), (), ())]
    assert what_if(league(), Rules(), []) [1] == []


def test_dropping_down_reports_who_passes_it() -> None:
    _, moves = what_if(league(), Rules(), [Adjustment("1.1", "49", D("9"), None, "Chưa có minh chứng")])
    # blank agreed: the self-score (9) stands in, so the total does not change
    assert moves == []
    _, moves = what_if(league(), Rules(), [Adjustment("1.1", "49", D("9"), D("5"), "Chưa có minh chứng")])
    assert moves == [
        Move(QNG, 2, 1, D("16"), D("16"), ("Quảng Nam",), ()),
        Move(BD, 3, 2, D("15"), D("15"), ("Quảng Nam",), ()),
        Move(QN, 1, 3, D("18"), D("14"), (), ("Quảng Ngãi", "Bình Định")),
    ]


def test_moving_into_a_tie_passes_no_one_and_breaking_a_tie_passes_the_other() -> None:
    _, moves = what_if(league(), Rules(), [Adjustment("1.1", "52", D("7"), D("8"), "lý do")])
    assert moves == [Move(BD, 3, 2, D("15"), D("16"), (), ())]  # shares 2nd with Quảng Ngãi
    tied = with_adjustments(league(), [Adjustment("1.1", "52", D("7"), D("8"), "lý do")])
    assert [x.rank for x in rank(tied, Rules())] == [1, 2, 2, 4]
    _, moves = what_if(tied, Rules(), [Adjustment("1.2", "52", D("8"), D("8.25"), "lý do")])
    assert moves == [
        Move(BD, 2, 2, D("16"), D("16.25"), ("Quảng Ngãi",), ()),
        Move(QNG, 2, 3, D("16"), D("16"), (), ("Bình Định",)),
    ]


# -- the editor's table -----------------------------------------------------------------
def editor_rows():
    s = dataclasses.replace(
        sheet(CRITERIA, {"49": {"1.1": "9.1", "1.2": "7.3", "1.3": "5"}}, {"49": {"1.1": "9.1", "1.2": "7.25"}}),
        evidence={("1.1", ProvinceCode("49")): "https://drive.google.com/minh-chung"},
    )
    return review_rows(s, QN)


def test_the_editor_frame_starts_at_the_agreed_values_with_empty_reasons() -> None:
    frame = editor_frame(editor_rows())
    assert list(frame.columns) == list(EDITOR_COLUMNS)
    assert frame["code"].tolist() == ["1.1", "1.2", "1.3"]
    assert frame["new"].tolist() == ["9,10", "7,25", ""]  # decimal comma, two decimals, as everywhere in the app
    assert frame["reason"].tolist() == ["", "", ""]
    assert frame["evidence"].tolist()[0] == "https://drive.google.com/minh-chung"
    assert frame["max"].tolist() == ["10,00", "8,00", "6,00"]


def test_the_editor_frame_round_trips_to_exact_decimals() -> None:
    rows = editor_rows()
    edits = edits_from_frame(editor_frame(rows))
    assert edits == [Edit("1.1", D("9.1"), ""), Edit("1.2", D("7.25"), ""), Edit("1.3", None, "")]
    assert str(edits[0].new) == "9.10"  # as shown; not 9.0999999999999996447286321199499070644378662109375
    assert pending_in_words(rows, edits, QN) == ([], [])


def test_a_prefilled_frame_gives_back_the_prefilled_edits() -> None:
    rows = editor_rows()
    prefill = agree_as_self(rows)
    frame = editor_frame(rows, prefill)
    assert frame["reason"].tolist() == ["", "", AGREE_AS_SELF]
    adjustments, problems = pending_in_words(rows, edits_from_frame(frame), QN)
    assert problems == [] and adjustments == [Adjustment("1.3", "49", None, D("5"), AGREE_AS_SELF)]


def test_what_the_secretary_types_in_the_frame_comes_back() -> None:
    rows = editor_rows()
    frame = editor_frame(rows)
    frame.loc[0, "new"] = float("nan")  # emptied
    frame.loc[0, "reason"] = "Chưa đủ minh chứng"
    frame.loc[1, "new"] = "7,3"
    frame.loc[1, "reason"] = "Theo số liệu Cục Thống kê"
    frame.loc[2, "new"] = "0.3"  # a dot is read too
    frame.loc[2, "reason"] = None  # a cleared reason cell is no reason (it read as the reason "nan")
    edits = edits_from_frame(frame)
    assert edits == [Edit("1.1", None, "Chưa đủ minh chứng"), Edit("1.2", D("7.3"), "Theo số liệu Cục Thống kê"),
                     Edit("1.3", D("0.3"), "")]
    adjustments, problems = pending_in_words(rows, edits, QN)
    assert problems == ["Tiêu chí 1.3: cần ghi lý do điều chỉnh"]
    assert [(a.criterion, a.old, a.new) for a in adjustments] == [
        ("1.1", D("9.1"), None), ("1.2", D("7.25"), D("7.3")), ("1.3", None, D("0.3"))]


def test_an_editor_column_of_blanks_and_missing_values_comes_back_as_none() -> None:
    frame = pd.DataFrame({"code": ["1.1", "1.2", "1.3", "1.4"], "new": [None, pd.NA, "", 8],
                          "reason": [None, pd.NA, "", "x"]})
    assert edits_from_frame(frame) == [Edit("1.1", None, ""), Edit("1.2", None, ""), Edit("1.3", None, ""),
                                       Edit("1.4", D("8"), "x")]


def test_a_prefill_given_as_text_is_shown_as_a_number() -> None:
    frame = editor_frame(editor_rows(), [Edit("1.3", "4,5", AGREE_AS_SELF), Edit("1.2", "chín", "x")])
    first, second, third = frame["new"].tolist()
    assert (first, third) == ("9,10", "4,50")
    assert second == ""  # not a score: left blank for the secretary to type
    assert frame["reason"].tolist() == ["", "x", AGREE_AS_SELF]


def test_an_infinite_number_from_the_editor_is_refused() -> None:
    frame = pd.DataFrame({"code": ["1.1"], "new": [float("inf")], "reason": ["x"]})
    adjustments, problems = pending_in_words(editor_rows(), edits_from_frame(frame), QN)
    assert adjustments == [] and len(problems) == 1 and problems[0].startswith("Tiêu chí 1.1: ")


def test_text_typed_in_the_editor_is_read_like_a_sheet_cell() -> None:
    frame = pd.DataFrame({"code": ["1.1", "1.2"], "new": ["9,5", " 7 "], "reason": ["a", "b"]})
    edits = edits_from_frame(frame)
    adjustments, problems = pending_in_words(editor_rows(), edits, QN)
    assert problems == []
    assert [(a.criterion, a.new) for a in adjustments] == [("1.1", D("9.5")), ("1.2", D("7"))]


def test_float_noise_from_a_numeric_cell_is_the_number_the_secretary_sees() -> None:
    frame = pd.DataFrame({"code": ["1.3"], "new": [0.1 + 0.2], "reason": ["x"]})
    assert edits_from_frame(frame) == [Edit("1.3", D("0.3"), "x")]


# --- correcting a target or a result (KeHoach / KetQua) ------------------------------------


def quantitative(method: str, targets: list[object] | None, results: list[object], agreed=None):  # noqa: ANN001, ANN201
    from tests.test_quantitative import parse, workbook

    max_points = 10 if method == "target" else 5
    factor = {"per_count": 0.5}.get(method)
    return parse(workbook([max_points, None, method, None, factor], targets, results, agreed=agreed)).sheet


def test_a_new_leader_on_a_relative_criterion_rescales_everyone_else() -> None:
    from lib.core.review import computed_moves, correction
    from tests.test_quantitative import DN, GL, KH
    from tests.test_quantitative import QN as QUANG_NGAI

    # M = 5, results 12, 8, 0, 15: B = 15 → 4,00 · 2,67 · 0,00 · 5,00. Đắk Nông 8 → 20 leads: B = 20 →
    # 12/20 × 5 = 3,00 · 5,00 · 0,00 (unchanged, not listed) · 15/20 × 5 = 3,75 (agreed 5: hidden).
    s = quantitative("relative", None, [12, 8, 0, 15], agreed=[None, None, None, 5])
    adjustment, problems = correction(s, "1.1", DN.code, "KetQua", "20,0", "Quyết định công nhận")
    assert problems == []
    assert adjustment == Adjustment("1.1", DN.code, D(8), D(20), "Quyết định công nhận", "KetQua")
    moves = {m.province.code: (m.old, m.new, m.counts) for m in computed_moves(s, [adjustment])}
    assert moves == {QUANG_NGAI.code: (D("4.00"), D("3.00"), True), DN.code: (D("2.67"), D("5.00"), True),
                     KH.code: (D("5.00"), D("3.75"), False)}
    assert GL.code not in moves


def test_a_corrected_target_changes_the_leaders_excess() -> None:
    from lib.core.review import computed_moves, correction
    from tests.test_quantitative import DN
    from tests.test_quantitative import QN as QUANG_NGAI

    # M = 10, s = 0,5, T = 10 everywhere, R = 11, 12, 9, 10: e = 10 %, 20 % (E), −10 %, 0 →
    # 7,50 · 10,00 · 4,50 · 5,00. Đắk Nông's target 10 → 12: its e = 0 (5,00), E = 10 %: Quảng Ngãi 10,00.
    s = quantitative("target", [10, 10, 10, 10], [11, 12, 9, 10])
    adjustment, problems = correction(s, "1.1", DN.code, "KeHoach", "12", "Giao lại chỉ tiêu")
    assert problems == [] and adjustment is not None and (adjustment.old, adjustment.new) == (D(10), D(12))
    moves = {m.province.code: (m.old, m.new) for m in computed_moves(s, [adjustment])}
    assert moves == {QUANG_NGAI.code: (D("7.50"), D("10.00")), DN.code: (D("10.00"), D("5.00"))}


@pytest.mark.parametrize(("method", "tab", "text", "expected"), [
    ("relative", "KetQua", "-1,2 %", D("-1.2")),  # a result may be negative; a trailing % tolerated
    ("target", "KeHoach", "7,5", D("7.5")),
    ("pass_fail", "KetQua", "Không đạt", D(0)),
    ("pass_fail", "KetQua", "đạt", D(1)),
    ("per_count", "KetQua", "3", D(3)),
])
def test_a_correction_is_read_like_its_cell(method: str, tab: str, text: str, expected: Decimal) -> None:
    from lib.core.review import correction

    s = quantitative(method, [10, 10, 10, 10] if method == "target" else None, [4] * 4 if method != "pass_fail"
                     else ["không" if expected else "đạt"] * 4)
    adjustment, problems = correction(s, "1.1", s.provinces[0].code, tab, text, "lý do")
    assert problems == [] and adjustment is not None and adjustment.new == expected and adjustment.tab == tab


def test_what_is_wrong_with_a_correction_is_said_before_saving() -> None:
    from lib.core.review import correction

    target = quantitative("target", [10, 10, 10, 10], [11, 12, 9, 10])
    first = target.provinces[0].code
    def codes(s: Scoresheet, tab: str, text: str, reason: str = "lý do") -> list[str]:
        return [code for code, _ in correction(s, "1.1", first, tab, text, reason)[1]]

    assert codes(target, "KetQua", "khoảng 11") == ["edit.unreadable"]
    assert codes(target, "KeHoach", "0") == ["change.bad_target"]
    assert codes(target, "KetQua", "13", " ") == ["edit.no_reason"]
    assert correction(target, "1.1", first, "KetQua", "11,00", "") == (None, [])  # unchanged: nothing to save
    relative = quantitative("relative", None, [12, 8, 0, 15])
    assert codes(relative, "KeHoach", "3") == ["change.not_computed"]
    assert codes(quantitative("per_count", None, [1, 2, 3, 4]), "KetQua", "1,5") == ["change.bad_count"]
    assert codes(quantitative("pass_fail", None, ["đạt"] * 4), "KetQua", "có lẽ") == ["edit.unreadable"]
    worded = word(*correction(target, "1.1", first, "KeHoach", "-2", "lý do")[1][0])
    assert worded == "Tiêu chí 1.1 – Quảng Ngãi: chỉ tiêu -2 phải lớn hơn 0"


def test_only_a_target_criterion_offers_its_targets() -> None:
    from lib.core.review import correctable

    assert [(c.code, tabs) for c, tabs in correctable(quantitative("target", [1] * 4, [1] * 4))] == [
        ("1.1", ("KeHoach", "KetQua"))]
    assert [tabs for _, tabs in correctable(quantitative("relative", None, [1] * 4))] == [("KetQua",)]
    assert correctable(league()) == []
