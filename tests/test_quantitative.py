"""Tests of quantitative criteria: scores computed from ``KeHoach`` targets and ``KetQua`` results.

Every expected score below was worked by hand from the design's formulas (M = max points,
T = target, R = result, s = target share, e = excess, E = the leader's excess, B = the best
result); the working is written beside each case. Problems are checked by their exact cell.
"""

from __future__ import annotations

import json
import random
from decimal import Decimal
from fractions import Fraction
from io import StringIO
from pathlib import Path

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lib.core.config import load_config
from lib.core.model import Direction, Method, Province, ProvinceCode, RawTab, RawWorkbook
from lib.core.parse import ParseResult, parse_workbook
from lib.core.quantitative import Cell, compute
from lib.core.scoring import Rules, province_totals
from lib.present.catalogue import describe

QN = Province(ProvinceCode("51"), "Quảng Ngãi")
DN = Province(ProvinceCode("67"), "Đắk Nông")
GL = Province(ProvinceCode("64"), "Gia Lai")
KH = Province(ProvinceCode("56"), "Khánh Hòa")
MEMBERS = (QN, DN, GL, KH)
CODES = [p.code for p in MEMBERS]
HEADER = ["Mã", "Quảng Ngãi", "Đắk Nông", "Gia Lai", "Khánh Hòa"]  # B=51 C=67 D=64 E=56
CRITERIA_HEADER = ["Mã", "Nhóm", "Tiêu chí", "Điểm chuẩn", "Loại", "Cách tính", "Chiều", "Hệ số"]  # F G H


def workbook(criterion: list[object], targets: list[object] | None, results: list[object] | None,
             self_scores: list[object] | None = None, agreed: list[object] | None = None) -> RawWorkbook:
    """A one-criterion workbook (code ``1.1``); criterion = [max, kind, method, direction, factor]."""
    code = "1.1"
    book: RawWorkbook = {
        "TieuChi": [CRITERIA_HEADER, [code, "I. Kinh tế", "Chỉ tiêu minh họa", *criterion]],
        "TuCham": [HEADER] + ([[code, *self_scores]] if self_scores else []),
        "ThongNhat": [HEADER] + ([[code, *agreed]] if agreed else []),
    }
    if targets is not None:
        book["KeHoach"] = [["KẾ HOẠCH (minh họa)"], HEADER, [code, *targets]]  # a title row above the header
    if results is not None:
        book["KetQua"] = [HEADER, [code, *results]]
    return book


def parse(book: RawWorkbook, share: Decimal = Decimal("0.5")) -> ParseResult:
    return parse_workbook(book, MEMBERS, target_share=share)


def scores(result: ParseResult) -> list[Decimal | None]:
    return [result.sheet.computed.get(("1.1", code)) for code in CODES]


def problems(result: ParseResult) -> set[tuple[str, str, str]]:
    return {(p.severity.value, p.cell, p.code) for p in result.problems}


D = Decimal
E, W = "error", "warning"
TYPED = (W, "TuCham", "scores.no_row")  # a criterion whose method is unusable is scored as typed: it needs a row

# (id, criterion [max, kind, method, direction, factor], targets, results, expected scores (QN, DN, GL, KH), problems)
CASES = [
    # GRDP growth, M = 8, s = 0.5, T = 7,5 % for all. QN: e = 0,6/7,5 = 8 %; KH: e = 1/7,5 = 13,33 % = E.
    # QN 4 + 4 × 8/13,33 = 6,40 · DN exactly on target: 4,00 · GL R = −1,2: a = −0,16, 4 × −0,16 < 0 → 0,00
    # · KH the leader: 8,00.
    ("target-higher", [8, "chuẩn", "kế hoạch", "tăng", None], [7.5, "7,5", "7,5 %", 7.5],
     [8.1, "7,5%", "-1,2", 8.5], [D("6.40"), D("4.00"), D("0.00"), D("8.00")], set()),
    # Below target, positive: T 10, R 9 → a = 0,9 → 5 × 0,9 = 4,50; nobody exceeds (no leader).
    ("target-not-met", [10, None, "Kế Hoạch", None, None], [10, 10, 10, 10], [9, 10, 0, 2.5],
     [D("4.50"), D("5.00"), D("0.00"), D("1.25")], set()),
    # Budget revenue (tỷ đồng), M = 6, Hệ số 0,6: s·M = 3,6, (1 − s)·M = 2,4.
    # QN e = 900/9000 = 0,1 → 3,6 + 2,4 × 0,1/0,2 = 4,80 · DN met 3,60 · GL a = 0,9 → 3,24 · KH e = 0,2 = E → 6,00.
    ("target-share", [6, "chuẩn", "target", "higher", "0,6"], [9000, 4000, 5000, 6000],
     [9900, 4000, 4500, 7200], [D("4.80"), D("3.60"), D("3.24"), D("6.00")], set()),
    # Poverty rate down to 3 %, M = 10, lower is better: QN R = 0 → e = 1 = E → 10 · DN e = 0,2 → 5 + 5 × 0,2 = 6,00
    # · GL met 5,00 · KH R = 4 > T: a = 3/4 → 3,75.
    ("target-lower-zero", [10, "chuẩn", "kế hoạch", "giảm", None], [3, 3, 3, 3], [0, 2.4, 3, 4],
     [D("10.00"), D("6.00"), D("5.00"), D("3.75")], set()),
    # Lower is better with a negative result: an error at the cell, no score; the rest still computed.
    ("target-lower-negative", [10, None, "kế hoạch", "GIẢM", None], [3, 3, 3, 3], [2, -1, 3, 3],
     [D("10.00"), None, D("5.00"), D("5.00")], {(E, "KetQua!C2", "quant.result_negative")}),
    # New rural communes, relative, M = 5, B = 15: QN 5 × 12/15 = 4,00 · DN 5 × 8/15 = 2,666… → 2,67 · GL 0 · KH 5.
    ("relative-higher", [5, None, "so với dẫn đầu", None, None], None, [12, 8, 0, 15],
     [D("4.00"), D("2.67"), D("0.00"), D("5.00")], set()),
    # Every result 0: B = 0 ≤ 0 → every province 0.
    ("relative-all-zero", [5, None, "relative", None, None], None, [0, 0, 0, "0"],
     [D("0.00")] * 4, set()),
    # Negative results only: B = −1 ≤ 0 → every province 0 (never M × −3/−1).
    ("relative-all-negative", [5, None, "relative", None, None], None, [-3, -1, -2, -1],
     [D("0.00")] * 4, set()),
    # Lower is better, best 0: R = 0 → M; B = 0 and R > 0 → 0.
    ("relative-lower-best-zero", [5, None, "so voi dan dau", "giam", None], None, [0, 2, 5, 0],
     [D("5.00"), D("0.00"), D("0.00"), D("5.00")], set()),
    # Lower is better, B = 2: QN 5 · DN 5 × 2/4 = 2,50 · GL 5 × 2/5 = 2,00 · KH 5 × 2/8 = 1,25.
    ("relative-lower", [5, None, "relative", "lower", None], None, [2, 4, 5, 8],
     [D("5.00"), D("2.50"), D("2.00"), D("1.25")], set()),
    # Half-up, not half-even: M = 10, B = 1, R = 0,0645 → exactly 0,645 → 0,65 (half-even would give 0,64).
    # 0,0625 × 10 = 0,625 → 0,63.
    ("relative-half-up", [10, None, "relative", None, None], None, ["0,0645", 1, "0,0625", "0,001"],
     [D("0.65"), D("10.00"), D("0.63"), D("0.01")], set()),
    # A pass/fail drill, M = 2: đạt → 2, không đạt → 0, x → 2, an unknown word → error at the cell.
    ("pass-fail", [2, None, "Đạt/Không", None, None], None, ["Đạt", "không đạt", "x", "có lẽ"],
     [D("2.00"), D("0.00"), D("2.00"), None], {(E, "KetQua!E2", "quant.result_unreadable")}),
    ("pass-fail-words", [2, None, "pass/fail", None, None], None, ["YES", "Chưa đạt", 1, 0],
     [D("2.00"), D("0.00"), D("2.00"), D("0.00")], set()),
    # A bonus per initiative, 0,5 per count, M = 3: 2 → 1,00 · 0 → 0 · 7 → min(3,5; 3) = 3,00 · 1,5 → error.
    ("per-count-bonus", [3, "thưởng", "theo lần", None, "0,5"], None, [2, 0, 7, "1,5"],
     [D("1.00"), D("0.00"), D("3.00"), None], {(E, "KetQua!E2", "quant.bad_count")}),
    # A penalty per late report, 0,25 per count, M = 2: 3 → 0,75 · a negative count → error · 2,0 is whole.
    ("per-count-penalty", [2, "trừ", "per count", None, 0.25], None, [3, -1, "2,0", 20],
     [D("0.75"), None, D("0.50"), D("2.00")], {(E, "KetQua!C2", "quant.bad_count")}),
    # Per count needs a factor: error at the Hệ số cell, the criterion is scored as typed.
    ("per-count-no-factor", [2, None, "theo lần", None, None], None, [1, 1, 1, 1],
     [None] * 4, {(E, "TieuChi!H2", "quant.bad_points_per_count"), TYPED}),
    # Hệ số out of range (a share must be 0 < s ≤ 1): error at the Hệ số cell, the criterion is typed.
    ("share-above-one", [10, None, "kế hoạch", None, "1,5"], [1, 1, 1, 1], [1, 1, 1, 1],
     [None] * 4, {(E, "TieuChi!H2", "quant.bad_share"), TYPED}),
    ("share-zero", [10, None, "kế hoạch", None, 0], [1, 1, 1, 1], [1, 1, 1, 1],
     [None] * 4, {(E, "TieuChi!H2", "quant.bad_share"), TYPED}),
    ("factor-text", [10, None, "kế hoạch", None, "nửa"], [1, 1, 1, 1], [1, 1, 1, 1],
     [None] * 4, {(E, "TieuChi!H2", "quant.factor_unreadable"), TYPED}),
    # A target method on a bonus criterion: error at the Cách tính cell.
    ("method-on-bonus", [3, "thưởng", "kế hoạch", None, None], [1, 1, 1, 1], [1, 1, 1, 1],
     [None] * 4, {(E, "TieuChi!F2", "quant.method_not_for_kind"), TYPED}),
    ("relative-on-penalty", [3, "trừ", "relative", None, None], None, [1, 1, 1, 1],
     [None] * 4, {(E, "TieuChi!F2", "quant.method_not_for_kind"), TYPED}),
    ("unknown-method", [3, None, "bình quân", None, None], None, [1, 1, 1, 1],
     [None] * 4, {(E, "TieuChi!F2", "quant.bad_method"), TYPED}),
    ("unknown-direction", [3, None, "relative", "ngang", None], None, [1, 1, 1, 1],
     [None] * 4, {(E, "TieuChi!G2", "quant.bad_direction"), TYPED}),
    # A blank target: warning at that cell, no score for DN; E and B count only the others (QN leads with e = 1).
    # An invalid target (text, 0, negative): error at the cell. KeHoach has a title row: the header is row 2.
    ("blank-and-invalid-targets", [10, None, "kế hoạch", None, None], [5, None, "năm", 0], [10, 99, 5, 5],
     [D("10.00"), None, None, None],
     {(W, "KeHoach!C3", "quant.target_missing"), (E, "KeHoach!D3", "quant.target_unreadable"),
      (E, "KeHoach!E3", "quant.target_not_positive")}),
    ("negative-target", [10, None, "kế hoạch", None, None], [-5, 5, 5, 5], [1, 5, 6, 5],
     [None, D("5.00"), D("10.00"), D("5.00")], {(E, "KeHoach!B3", "quant.target_not_positive")}),
    # A blank result: warning at the cell. An ambiguous one ("1.000") is reported, never guessed.
    ("blank-and-ambiguous-results", [5, None, "relative", None, None], None, [None, "1.000", " ", 4],
     [None, None, None, D("5.00")],
     {(W, "KetQua!B2", "quant.result_missing"), (E, "KetQua!C2", "quant.result_unreadable"),
      (W, "KetQua!D2", "quant.result_missing")}),
]


@pytest.mark.parametrize(("criterion", "targets", "results", "expected", "found"),
                         [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_hand_worked(criterion, targets, results, expected, found) -> None:
    result = parse(workbook(criterion, targets, results))
    assert scores(result) == expected
    assert problems(result) == found
    for problem in result.problems:  # every new code has words in both languages
        assert not describe(problem, "vi").startswith("quant.")
        assert not describe(problem, "en").startswith("quant.")


def test_missing_tabs_warn_once_per_province() -> None:
    result = parse(workbook([10, None, "kế hoạch", None, None], None, None))
    assert scores(result) == [None] * 4
    assert {(p.cell, p.code) for p in result.problems} == {("KeHoach", "quant.target_missing"),
                                                          ("KetQua", "quant.result_missing")}
    assert len(result.problems) == 8


def test_config_share_is_the_default() -> None:
    # s = 0,8 from the config: QN e = 0,5 = E → 10 · DN met → 8,00 · GL a = 0,5 → 4,00 · KH e = 0,25 → 8 + 2 × 0,5 = 9.
    result = parse(workbook([10, None, "kế hoạch", None, None], [2, 2, 2, 2], [3, 2, 1, 2.5]), Decimal("0.8"))
    assert scores(result) == [D("10.00"), D("8.00"), D("4.00"), D("9.00")]
    result = parse(workbook([10, None, "kế hoạch", None, "0,5"], [2, 2, 2, 2], [3, 2, 1, 2.5]), Decimal("0.8"))
    assert scores(result) == [D("10.00"), D("5.00"), D("2.50"), D("7.50")]  # the Hệ số cell wins


def test_working_carries_the_numbers() -> None:
    result = parse(workbook([8, None, "kế hoạch", None, None], [7.5] * 4, [8.1, 7.5, -1.2, 8.5]))
    working = result.sheet.workings[("1.1", QN.code)]
    assert (working.method, working.direction, working.case) == (Method.TARGET, Direction.HIGHER, "exceeded")
    assert (working.target, working.result, working.score) == (D("7.5"), D("8.1"), D("6.40"))
    assert working.excess == D("0.08") and round(working.leader_value, 4) == D("0.1333")
    assert (working.base, working.spread, working.leaders) == (D("4.0"), D("4.0"), (KH.code,))
    low = result.sheet.workings[("1.1", GL.code)]
    assert low.case == "not_met" and low.clamped and low.score == 0 and low.ratio == D("-0.16")


def test_totals_use_entry_then_computed() -> None:
    # Computed (relative, B = 15): QN 4,00 · DN 2,67 · GL 0,00 · KH 5,00.
    # TuCham: QN claims 5 (differs: warning at TuCham!B2), DN blank (computed stands in), GL 0, KH 5.
    # ThongNhat: GL agreed 1. Self totals: 5, 2,67, 0, 5; agreed: 4 (computed), 2,67, 1, 5.
    book = workbook([5, None, "relative", None, None], None, [12, 8, 0, 15], [5, None, 0, 5], [None, None, 1, None])
    result = parse(book)
    assert (W, "TuCham!B2", "quant.self_differs") in problems(result)
    assert not any(p.code == "scores.missing_self" for p in result.problems)
    differs = next(p for p in result.problems if p.code == "quant.self_differs")
    assert describe(differs) == "Quảng Ngãi, tiêu chí 1.1: tự chấm 5,00; tính theo chỉ tiêu 4,00"
    totals = {p.code: province_totals(result.sheet, p.code, Rules()) for p in MEMBERS}
    assert [totals[c].self_total for c in CODES] == [D(5), D("2.67"), D(0), D(5)]
    assert [totals[c].agreed_total for c in CODES] == [D("4.00"), D("2.67"), D(1), D("5.00")]
    assert all(totals[c].provisional for c in CODES if c != GL.code) and not totals[GL.code].provisional
    assert all(totals[c].missing == 0 for c in CODES)


def test_without_new_columns_nothing_changes() -> None:
    book: RawWorkbook = {
        "TieuChi": [CRITERIA_HEADER[:5], ["1.1", "I", "x", 10, None]],
        "TuCham": [HEADER, ["1.1", 9, 8, 7, None]],
        "KetQua": [HEADER, ["1.1", "rác", 1, 1, 1]],  # ignored: no criterion is computed
    }
    result = parse(book)
    assert result.sheet.computed == {} and result.sheet.workings == {}
    assert not any(p.code.startswith("quant.") for p in result.problems)


# --- properties -------------------------------------------------------------------------------

amounts = st.integers(min_value=1, max_value=200_000).map(lambda n: Decimal(n) / 100)
results_ = st.integers(min_value=-50_000, max_value=400_000).map(lambda n: Decimal(n) / 100)
shares = st.sampled_from([Decimal("0.5"), Decimal("0.3"), Decimal("0.75"), Decimal(1)])
maxima = st.sampled_from([Decimal(1), Decimal(5), Decimal(10), Decimal("7.5"), Decimal(1000)])


def _criterion(method: Method, direction: Direction, max_points: Decimal, factor: Decimal | None = None):
    from lib.core.model import Criterion

    return Criterion("q", "I", "", max_points, method=method, direction=direction, factor=factor)


def _members(n: int) -> tuple[Province, ...]:
    return tuple(Province(ProvinceCode(str(10 + i)), f"Tỉnh {i}") for i in range(n))


def _compute(criterion, members, targets, results, share=Decimal("0.5")) -> dict[str, Decimal]:
    t = {("q", p.code): Cell(v, f"KeHoach!{i}") for i, (p, v) in enumerate(zip(members, targets, strict=True))}
    r = {("q", p.code): Cell(v, f"KetQua!{i}") for i, (p, v) in enumerate(zip(members, results, strict=True))}
    out = compute([criterion], members, t, r, share)
    assert not out.problems, out.problems
    return {p: v for (_, p), v in out.scores.items()}


rows = st.integers(min_value=2, max_value=8).flatmap(
    lambda n: st.tuples(st.lists(amounts, min_size=n, max_size=n), st.lists(results_, min_size=n, max_size=n)))


@settings(max_examples=150, deadline=None)
@given(rows, shares, maxima, st.sampled_from(list(Direction)))
def test_target_leader_gets_exactly_max(data, share, max_points, direction) -> None:
    targets, results = data
    if direction is Direction.LOWER:
        results = [abs(r) for r in results]
    members = _members(len(targets))
    got = _compute(_criterion(Method.TARGET, direction, max_points), members, targets, results, share)
    assert all(0 <= v <= max_points for v in got.values())
    excess = [((t - r) if direction is Direction.LOWER else (r - t)) / t for t, r in zip(targets, results, strict=True)]
    if max(excess) > 0:
        leaders = [p.code for p, e in zip(members, excess, strict=True) if e == max(excess)]
        assert all(got[code] == max_points.quantize(Decimal("0.01")) for code in leaders)


@settings(max_examples=150, deadline=None)
@given(rows, shares, st.integers(min_value=0, max_value=7), st.integers(min_value=1, max_value=100_000),
       st.sampled_from([Method.TARGET, Method.RELATIVE]))
def test_raising_a_result_never_lowers_own_score(data, share, index, raise_by, method) -> None:
    targets, results = data
    index %= len(targets)
    members = _members(len(targets))
    criterion = _criterion(method, Direction.HIGHER, Decimal(10))
    before = _compute(criterion, members, targets, results, share)
    raised = list(results)
    raised[index] += Decimal(raise_by) / 100
    after = _compute(criterion, members, targets, raised, share)
    assert after[members[index].code] >= before[members[index].code]


@settings(max_examples=150, deadline=None)
@given(rows, shares, st.sampled_from([Decimal(2), Decimal("0.1"), Decimal(3), Decimal("12.5"), Decimal(1000)]),
       st.sampled_from([(Method.TARGET, Direction.HIGHER), (Method.TARGET, Direction.LOWER),
                        (Method.RELATIVE, Direction.HIGHER), (Method.RELATIVE, Direction.LOWER)]))
def test_scaling_targets_and_results_changes_nothing(data, share, factor, how) -> None:
    targets, results = data
    if how[1] is Direction.LOWER:
        results = [abs(r) for r in results]
    members = _members(len(targets))
    criterion = _criterion(*how, Decimal(10))
    plain = _compute(criterion, members, targets, results, share)
    scaled = _compute(criterion, members, [t * factor for t in targets], [r * factor for r in results], share)
    assert plain == scaled


@settings(max_examples=100, deadline=None)
@given(rows, shares, st.randoms(use_true_random=False),
       st.sampled_from([(Method.TARGET, Direction.HIGHER), (Method.TARGET, Direction.LOWER),
                        (Method.RELATIVE, Direction.HIGHER), (Method.RELATIVE, Direction.LOWER)]))
def test_permuting_provinces_changes_nothing(data, share, rnd: random.Random, how) -> None:
    targets, results = data
    if how[1] is Direction.LOWER:
        results = [abs(r) for r in results]
    members = _members(len(targets))
    criterion = _criterion(*how, Decimal(10))
    plain = _compute(criterion, members, targets, results, share)
    order = list(range(len(members)))
    rnd.shuffle(order)
    shuffled = _compute(criterion, tuple(members[i] for i in order), [targets[i] for i in order],
                        [results[i] for i in order], share)
    assert plain == shuffled


# --- the command line -------------------------------------------------------------------------

ROOT = Path(__file__).resolve().parents[1]


def _write(path: Path, tabs: dict[str, RawTab]) -> None:
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for title, tab_rows in tabs.items():
        ws = wb.create_sheet(title)
        for row in tab_rows:
            ws.append(row)
    wb.save(path)


def test_cli_json_on_computed_criteria(tmp_path: Path) -> None:
    from lib.cli import EXIT_ERRORS, main

    config = load_config(ROOT / "config" / "tn-dhmt-2019.toml")
    members = config.provinces
    names = [p.name for p in members]
    n = len(members)
    tabs: dict[str, RawTab] = {
        "TieuChi": [CRITERIA_HEADER,
                    ["1.1", "I. Kinh tế", "Tăng trưởng GRDP", 8, None, "kế hoạch", None, None],
                    ["1.2", "I. Kinh tế", "Xã nông thôn mới", 5, None, "so với dẫn đầu", None, None],
                    ["2.1", "II. Xã hội", "Nhập tay", 10, None, None, None, None]],
        "TuCham": [["Mã", *names], ["1.1", 7, *[None] * (n - 1)], ["2.1", *[5] * n]],
        "ThongNhat": [["Mã", *names]],
        # 1.1: T = 7,5 for all; member 0 R = 8,1 (e = 8 %), member 1 R = 8,5 (e = 13,33 % = E), the rest on target,
        # except the last, whose target is text (an error at its cell).
        "KeHoach": [["Mã", *names], ["1.1", *[7.5] * (n - 1), "bảy"]],
        "KetQua": [["Mã", *names], ["1.1", 8.1, 8.5, *[7.5] * (n - 2)], ["1.2", 12, 15, *[3] * (n - 2)]],
    }
    path = tmp_path / "quant.xlsx"
    _write(path, tabs)
    out = StringIO()
    code = main(["check", str(path), "--json"], out=out)
    assert code == EXIT_ERRORS
    document = json.loads(out.getvalue())
    found = {(p["severity"], p["cell"]) for p in document["problems"]}
    last = openpyxl.utils.get_column_letter(n + 1)
    assert ("error", f"KeHoach!{last}2") in found  # the bad target, by its cell
    assert ("warning", "TuCham!B2") in found  # self 7,00 vs computed 6,40
    totals = {s["code"]: (s["self_total"], s["agreed_total"]) for s in document["standings"]}
    first, second, third = (p.code for p in members[:3])
    # member 0: self 7 (TuCham) + 4 (5 × 12/15) + 5 = 16; agreed 6,40 + 4 + 5 = 15,40.
    assert totals[first] == ("16.00", "15.40")
    # member 1: the leader on both: 8 + 5 + 5 = 18.
    assert totals[second] == ("18.00", "18.00")
    # member 2: on target 4 + 5 × 3/15 = 1 + 5 = 10.
    assert totals[third] == ("10.00", "10.00")
    assert totals[members[-1].code] == ("6.00", "6.00")  # no computed 1.1 (bad target): 1 + 5
    assert [s["code"] for s in document["standings"]][:2] == [second, first]


# --- the working, as the scores page shows it -------------------------------------------------


def test_working_text_shows_the_formula_with_its_numbers() -> None:
    from lib.present.working import working_text

    result = parse(workbook([8, None, "kế hoạch", None, None], [7.5] * 4, [8.1, 7.5, -1.2, 8.5]))
    names = {p.code: p.name for p in MEMBERS}
    text = {p.code: working_text(result.sheet.workings[("1.1", p.code)], names) for p in MEMBERS}
    assert text[QN.code] == "vượt 8,00 % · dẫn đầu 13,33 % (Khánh Hòa) · 4,00 + 4,00 × 8,00/13,33 = 6,40"
    assert text[DN.code] == "đạt đúng kế hoạch · 4,00 = 4,00"
    assert text[GL.code] == "đạt −16,00 % kế hoạch · 4,00 × −16,00 % = −0,64 → 0,00"
    en = working_text(result.sheet.workings[("1.1", QN.code)], names, "en")
    assert en == "exceeded by 8,00 % · leader 13,33 % (Khánh Hòa) · 4,00 + 4,00 × 8,00/13,33 = 6,40"
    counts = parse(workbook([3, "thưởng", "theo lần", None, "0,5"], None, [2, 0, 7, 1]))
    assert working_text(counts.sheet.workings[("1.1", GL.code)]) == "7 lần × 0,5 = 3,50 → 3,00"
    relative = parse(workbook([5, None, "relative", None, None], None, [12, 8, 0, 15]))
    dn = working_text(relative.sheet.workings[("1.1", DN.code)], names)
    assert dn == "dẫn đầu 15 (Khánh Hòa) · 5,00 × 8/15 = 2,67"


def test_province_criteria_puts_the_claim_beside_the_computed_score() -> None:
    from lib.core.evaluation import Evaluation
    from lib.present.tables import claim_style, province_criteria

    result = parse(workbook([5, None, "relative", None, None], None, [12, 8, 0, 15], [5, None, 0, 5]))
    evaluation = Evaluation(result.sheet, result.problems, ())
    qn = province_criteria(evaluation, QN.code).iloc[0]
    shown = (qn["Tự chấm"], qn["Tính theo chỉ tiêu"], qn["Tự chấm − tính"], qn["Kết quả"])
    assert shown == ("5,00", "4,00", "+1,00", "12")  # scores at two decimals everywhere
    assert qn["Cách tính điểm"] == "dẫn đầu 15 (Khánh Hòa) · 5,00 × 12/15 = 4,00"
    dn = province_criteria(evaluation, DN.code).iloc[0]
    assert (dn["Tự chấm"], dn["Tính theo chỉ tiêu"], dn["Tự chấm − tính"]) == ("2,67", "2,67", "")
    frame = province_criteria(evaluation, QN.code)
    assert claim_style(frame).loc[0, "Tự chấm − tính"].startswith("background-color")


# --- the meeting corrects a result; agree as computed -----------------------------------------


def test_correcting_a_result_through_the_store_moves_every_dependent_province(tmp_path: Path) -> None:
    import shutil

    from lib.core.evaluation import evaluate
    from lib.core.model import Adjustment, ChangeSet, Role
    from lib.core.review import what_if
    from lib.edge.sources.xlsx import XlsxSource
    from lib.edge.store import save

    config = load_config(ROOT / "config" / "tn-dhmt-2019.toml")
    path = tmp_path / "demo.xlsx"
    shutil.copy(ROOT / "config" / "demo.xlsx", path)
    before = evaluate(XlsxSource(path).read(), config)
    # 2.1 poverty rate (M = 6, lower, s = 0,5): Quảng Ngãi leads, T 4, R 2,8: e = 30 % = E. Khánh Hòa's result
    # 1,5 → 1,2 (T 2): e = 40 %, the new leader. Gia Lai (T 2, R 1,55, e = 22,5 %, not agreed):
    # 3 + 3 × 22,5/30 = 5,25 → 3 + 3 × 22,5/40 = 4,6875 → 4,69; Ninh Thuận (e = 20 %): 5,00 → 4,50.
    assert before.sheet.computed[("2.1", "64")] == D("5.25")
    change = Adjustment("2.1", "56", D("1.5"), D("1.2"), "Cục Thống kê công bố lại", tab="KetQua")
    _, moves = what_if(before.sheet, Rules.from_config(config), [change])
    moved = {m.province.code: (m.old_total, m.new_total) for m in moves}
    assert moved["64"][1] - moved["64"][0] == D("4.69") - D("5.25")
    assert moved["58"][1] - moved["58"][0] == D("4.50") - D("5.00")
    assert "56" not in moved and "51" not in moved  # their 2.1 is agreed in ThongNhat: their totals stay
    save(XlsxSource(path), ChangeSet("Thư ký", Role.SECRETARY, (change,)), config.provinces)
    after = evaluate(XlsxSource(path).read(), config)
    assert after.sheet.results[("2.1", "56")] == D("1.2")
    assert after.sheet.computed[("2.1", "56")] == D("6.00") and after.sheet.computed[("2.1", "51")] == D("5.25")
    assert after.sheet.computed[("2.1", "64")] == D("4.69")
    assert after.standing("64").agreed_total == moved["64"][1]
    last = after.sheet.log[-1]
    assert (last.criterion, last.old, last.new, last.province) == ("2.1 (KetQua)", "1,5", "1,2", "Khánh Hòa")
    assert after.sheet.agreed == before.sheet.agreed  # no agreed cell was written


def test_corrections_are_checked() -> None:
    from lib.core.model import Adjustment, ChangeSet, Role
    from lib.core.writes import validate

    result = parse(workbook([5, None, "relative", None, None], None, [12, 8, 0, 15]))
    def codes(*adjustments: Adjustment) -> list[str]:
        return [code for code, _ in validate(ChangeSet("u", Role.SECRETARY, adjustments), result.sheet)]

    assert codes(Adjustment("1.1", QN.code, D(12), D(-3), "r", tab="KetQua")) == []  # not bounded, may be negative
    assert codes(Adjustment("1.1", QN.code, None, D(3), "r", tab="KeHoach")) == ["change.not_computed"]


def test_agree_as_computed() -> None:
    from lib.core.review import AGREE_AS_COMPUTED, agree_as_computed, agree_criterion_as_computed, review_rows

    result = parse(workbook([5, None, "relative", None, None], None, [12, 8, None, 15], [5, None, 0, 5],
                            [None, None, None, 5]))
    edits = agree_as_computed(review_rows(result.sheet, QN))
    assert [(e.criterion, e.new, e.reason) for e in edits] == [("1.1", D("4.00"), AGREE_AS_COMPUTED)]
    adjustments = agree_criterion_as_computed(result.sheet, "1.1")
    assert [(a.province, a.new) for a in adjustments] == [(QN.code, D("4.00")), (DN.code, D("2.67"))]


# --- an independent implementation of the design's rules, in exact fractions -----------------


def _reference(method: str, lower: bool, m: Fraction, share: Fraction, factor: Fraction | None,
               rows: list[tuple[Fraction | None, Fraction]]) -> list[Decimal]:
    """The design's formulas read literally, with ``fractions.Fraction``; rounding half-up by hand."""
    def rounded(x: Fraction) -> Decimal:
        x = min(max(x, Fraction(0)), m)
        cents = (x * 100 * 2 + 1) // 2  # half-up on a non-negative value
        return Decimal(int(cents)) / 100

    out = []
    if method == "target":
        es = [((t - r) if lower else (r - t)) / t for t, r in rows]
        big = max([e for e in es if e > 0], default=None)
        for (t, r), e in zip(rows, es, strict=True):
            if e < 0:
                a = t / r if lower else r / t
                out.append(rounded(share * m * a))
            elif e == 0:
                out.append(rounded(share * m))
            else:
                out.append(rounded(share * m + (1 - share) * m * e / big))
    elif method == "relative":
        rs = [r for _, r in rows]
        if lower:
            b = min(rs)
            out = [rounded(m if r == 0 else Fraction(0) if b == 0 else m * b / r) for r in rs]
        else:
            b = max(rs)
            out = [rounded(Fraction(0) if b <= 0 else m * r / b) for r in rs]
    else:
        out = [rounded(min(r * factor, m)) for _, r in rows]
    return out


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(["target", "relative", "count"]), st.booleans(),
       st.lists(st.tuples(st.integers(1, 5000), st.integers(-2000, 9000)), min_size=2, max_size=11),
       st.sampled_from(["10", "8", "7,5", "3", "0,5"]), st.sampled_from([None, "0,6", "0,25", "1", "0,333"]))
def test_agrees_with_an_independent_implementation(method, lower, pairs, max_text, factor_text) -> None:
    if method == "count":
        pairs = [(t, abs(r) % 40) for t, r in pairs]
        factor_text = factor_text or "0,5"
    elif lower:
        pairs = [(t, abs(r)) for t, r in pairs]
    members = tuple(Province(ProvinceCode(str(10 + i)), f"Tỉnh {i}") for i in range(len(pairs)))
    header = ["Mã", *(p.name for p in members)]
    word = {"target": "kế hoạch", "relative": "so với dẫn đầu", "count": "theo lần"}[method]
    # Targets and results typed as text with two decimals (e.g. "12,34"): exact in both implementations.
    text = [f"{Decimal(n) / 100}".replace(".", ",") for pair in pairs for n in pair]
    book: RawWorkbook = {
        "TieuChi": [CRITERIA_HEADER, ["1.1", "I", "x", max_text, None, word, "giảm" if lower else None, factor_text]],
        "TuCham": [header],
        "KeHoach": [header, ["1.1", *text[0::2]]],
        "KetQua": [header, ["1.1", *(text[1::2] if method != "count" else [r for _, r in pairs])]],
    }
    result = parse_workbook(book, members, target_share=Decimal("0.5"))
    assert not result.errors, result.errors
    m = Fraction(max_text.replace(",", "."))
    factor = Fraction(factor_text.replace(",", ".")) if factor_text else None
    share = factor if method == "target" and factor is not None else Fraction(1, 2)
    rows = [(Fraction(t, 100), Fraction(r, 100) if method != "count" else Fraction(r)) for t, r in pairs]
    expected = _reference(method, lower and method != "count", m, share, factor, rows)
    got = [result.sheet.computed[("1.1", p.code)] for p in members]
    assert got == expected


@pytest.mark.parametrize(("value", "expected"), [("0.6", D("0.6")), ('"0,75"', D("0.75")), ("1", D(1)),
                                                 (None, D("0.5"))])
def test_config_target_share(tmp_path: Path, value: str | None, expected: Decimal) -> None:
    text = (ROOT / "config" / "tn-dhmt-2019.toml").read_text(encoding="utf-8")
    if value is not None:
        text = text.replace("[scoring]\n", f"[scoring]\ntarget_share = {value}\n")
    path = tmp_path / "c.toml"
    path.write_text(text.replace('path = "demo.xlsx"', f'path = "{ROOT / "config" / "demo.xlsx"}"'), encoding="utf-8")
    assert load_config(path).target_share == expected


@pytest.mark.parametrize("value", ["0", "1.5", "-0.5", '"nửa"', "true"])
def test_config_target_share_errors_name_file_and_key(tmp_path: Path, value: str) -> None:
    from lib.core.errors import ConfigError

    text = (ROOT / "config" / "tn-dhmt-2019.toml").read_text(encoding="utf-8")
    path = tmp_path / "c.toml"
    path.write_text(text.replace("[scoring]\n", f"[scoring]\ntarget_share = {value}\n"), encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert caught.value.key == "scoring.target_share" and str(path) in str(caught.value)
