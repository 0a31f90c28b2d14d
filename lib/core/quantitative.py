"""Quantitative criteria: scores computed from each province's target and result.

The four methods of the design (M = max points, T = target, R = result):

    kế hoạch   target     higher: e = (R − T)/T, a = R/T;  lower: e = (T − R)/T, a = T/R
                          e < 0: s·M·a   e = 0: s·M   e > 0: s·M + (1 − s)·M·e/E
    so với dẫn đầu        higher: M·R/B (B = best R; B ≤ 0: all 0)
               relative   lower:  M·B/R (B = least R; R = 0: M; B = 0 < R: 0)
    đạt/không  pass_fail  a word: M or 0
    theo lần   per_count  min(R × Hệ số, M), R a whole count

Every score is clamped to 0 … M and rounded half-up to 0.01. The arithmetic is exact:
``Decimal`` only, no float anywhere. Each score is kept as one numerator over one
denominator of exact products (the leader's excess E is found by cross-multiplying, not by
dividing), so there is a single division per score, done at 60 significant digits, and
the half-up rounding sees the true value. Scaling every target and result by one factor
therefore changes no score, and the leader on a target criterion gets exactly M.

Only members with a readable T (where needed) and R count for E and B. A blank T or R is a
warning at its cell (that province's computed score is missing); an unreadable one is an
error at its cell.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal, localcontext

from lib.core.cells import parse_score
from lib.core.errors import CellParseError
from lib.core.grammar import DIRECTIONS, FAIL_WORDS, METHODS, PASS_WORDS, address
from lib.core.model import (
    CellKey,
    CellPlace,
    Criterion,
    Direction,
    Kind,
    Method,
    Problem,
    Province,
    ProvinceCode,
    Working,
)
from lib.core.shown import Shown, warnings
from lib.core.text import fold

ZERO, ONE = Decimal(0), Decimal(1)
CENT = Decimal("0.01")
DEFAULT_TARGET_SHARE = Decimal("0.5")
PRECISION = 60


@dataclass(frozen=True)
class Cell:
    """One raw cell of ``KeHoach`` or ``KetQua`` and where it is (an A1 address, or its place)."""

    value: object
    where: str | CellPlace

    @property
    def address(self) -> str:
        """The cell's A1 address, e.g. ``KetQua!D7`` (formatted only when a problem needs it)."""
        if isinstance(self.where, str):
            return self.where
        return address(self.where.tab, self.where.row, self.where.col)


@dataclass
class Computation:
    """The computed scores and their working, the readable values, and the problems found."""

    scores: dict[CellKey, Decimal] = field(default_factory=dict)
    workings: dict[CellKey, Working] = field(default_factory=dict)
    targets: dict[CellKey, Decimal] = field(default_factory=dict)
    results: dict[CellKey, Decimal] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)


def round_score(value: Decimal, max_points: Decimal) -> Decimal:
    """``value`` clamped to 0 … ``max_points`` and rounded half-up to 0.01.

    >>> round_score(Decimal("6.405"), Decimal(10)), round_score(Decimal("-1"), Decimal(5))
    (Decimal('6.41'), Decimal('0.00'))
    >>> round_score(Decimal("12.3"), Decimal(10))
    Decimal('10.00')
    """
    return min(max(value, ZERO), max_points).quantize(CENT, rounding=ROUND_HALF_UP)


def read_number(value: object) -> Decimal | None:
    """A target or result cell: a score cell's reading, a trailing ``%`` tolerated, any sign.

    >>> read_number("7,5 %"), read_number("-1,2"), read_number(None)
    (Decimal('7.5'), Decimal('-1.2'), None)
    """
    if isinstance(value, str):
        text = value.strip()
        if text.endswith("%"):
            text = text[:-1].rstrip()
            if not text:
                raise CellParseError("cell.not_a_number", value=value)
        value = text
    return parse_score(value)


def read_word(value: object) -> bool | None:
    """A pass/fail cell: True for a pass word, False for a fail word, None when blank.

    A checkbox (``TRUE``/``FALSE``) is đạt / không đạt; a formatted number reads as shown.

    >>> read_word("Đạt"), read_word("chưa đạt"), read_word(1), read_word(" "), read_word(False)
    (True, False, True, None, False)
    """
    if value is None or isinstance(value, str) and not value.strip():
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, Shown):
        value = parse_score(value)
    if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool) and value in (0, 1):
        return bool(value)
    key = fold(value)
    if key in PASS_WORDS:
        return True
    if key in FAIL_WORDS:
        return False
    raise CellParseError("quant.unknown_word", value=value)


def criterion_problems(criterion: Criterion, method_cell: str, factor_cell: str) -> list[Problem]:
    """What is wrong with a computed criterion's own row (its method, kind and ``Hệ số``)."""
    problems: list[Problem] = []
    method, factor = criterion.method, criterion.factor
    if method is None:
        return problems
    if criterion.kind is not Kind.STANDARD and method is not Method.PER_COUNT:
        problems.append(Problem.error(method_cell, "quant.method_not_for_kind", code=criterion.code,
                                      method=method.value, kind=criterion.kind.value))
    if method is Method.TARGET and factor is not None and not ZERO < factor <= ONE:
        problems.append(Problem.error(factor_cell, "quant.bad_share", code=criterion.code, value=factor))
    if method is Method.PER_COUNT and (factor is None or factor <= 0):
        problems.append(Problem.error(factor_cell, "quant.bad_points_per_count", code=criterion.code,
                                      value="" if factor is None else factor))
    return problems


def with_method(criterion: Criterion, words: tuple[str, str, object], cells: tuple[str, str, str],
                problems: list[Problem]) -> Criterion:
    """``criterion`` with the ``Cách tính``/``Chiều``/``Hệ số`` of its row (words as typed, the factor cell raw).

    When they are unusable, each problem names its cell and the criterion stays typed by hand.
    """
    (method_text, direction_text, factor_cell), (method_at, direction_at, factor_at) = words, cells
    method = METHODS.get(fold(method_text)) if fold(method_text) else None
    if method is None:
        problems.append(Problem.error(method_at, "quant.bad_method", code=criterion.code, value=method_text))
        return criterion
    direction = DIRECTIONS.get(fold(direction_text)) if fold(direction_text) or not direction_text else None
    if direction is None:
        problems.append(Problem.error(direction_at, "quant.bad_direction", code=criterion.code, value=direction_text))
        return criterion
    try:
        factor = parse_score(factor_cell)
    except CellParseError as exc:
        problems.append(Problem.error(factor_at, "quant.factor_unreadable", code=criterion.code,
                                      cause=(exc.code, exc.params)))
        return criterion
    quantitative = replace(criterion, method=method, direction=direction, factor=factor)
    found = criterion_problems(quantitative, method_at, factor_at)
    problems.extend(found)
    return criterion if found else quantitative


def claims_differing(own: Mapping[CellKey, Decimal], cells: Mapping[CellKey, str],
                     computed: Mapping[CellKey, Decimal], members: Sequence[Province]) -> list[Problem]:
    """A warning at each ``TuCham`` entry (``cells``: its address) 0.01 or more away from its computed score."""
    names = {p.code: p.name for p in members}
    return [
        Problem.warning(cells[key], "quant.self_differs", code=key[0], name=names[key[1]], self=own[key],
                        computed=value)
        for key, value in computed.items()
        if key in own and abs(own[key] - value) >= CENT
    ]


def compute(
    criteria: Sequence[Criterion],
    provinces: Sequence[Province],
    targets: Mapping[CellKey, Cell],
    results: Mapping[CellKey, Cell],
    target_share: Decimal = DEFAULT_TARGET_SHARE,
    tabs: tuple[str, str] = ("KeHoach", "KetQua"),
) -> Computation:
    """Every computed criterion's scores for ``provinces``; a missing cell key means no cell at all."""
    out = Computation()
    names = {p.code: p.name for p in provinces}
    with localcontext() as context:
        context.prec = PRECISION
        for criterion in criteria:
            if criterion.method is None:
                continue
            values = _read(criterion, names, targets, results, tabs, out)
            for province, working in _score(criterion, values, target_share).items():
                key = (criterion.code, province)
                out.scores[key] = working.score
                out.workings[key] = working
    return out


def _read(
    criterion: Criterion,
    names: Mapping[ProvinceCode, str],
    targets: Mapping[CellKey, Cell],
    results: Mapping[CellKey, Cell],
    tabs: tuple[str, str],
    out: Computation,
) -> dict[ProvinceCode, tuple[Decimal | None, Decimal, str]]:
    """(T, R, R as typed) of every province whose needed cells are readable."""
    code, method = criterion.code, criterion.method
    readable: dict[ProvinceCode, tuple[Decimal | None, Decimal, str]] = {}
    for province, name in names.items():
        key = (code, province)
        target: Decimal | None = None
        ok = True
        if method is Method.TARGET:
            target = _cell(targets.get(key), tabs[0], "target", code, name, out)
            if target is not None and target <= 0:
                out.problems.append(Problem.error(targets[key].address, "quant.target_not_positive",
                                                  code=code, name=name, value=targets[key].value))
                target = None
            ok = target is not None
            if target is not None:
                out.targets[key] = target
        result = _cell(results.get(key), tabs[1], "result", code, name, out, method)
        if result is not None and not _result_valid(criterion, result, results[key], name, out):
            result = None
        if result is not None:
            out.results[key] = result
            if ok:
                raw = results[key].value
                readable[province] = (target, result, str(raw).strip() if isinstance(raw, (str, Shown)) else "")
    return readable


def _cell(cell: Cell | None, tab: str, what: str, code: str, name: str, out: Computation,
          method: Method | None = None) -> Decimal | None:
    value = None if cell is None else cell.value
    if value is None or isinstance(value, str) and not value.strip():
        out.problems.append(Problem.warning(tab if cell is None else cell.address, f"quant.{what}_missing",
                                            code=code, name=name, tab=tab))
        return None
    assert cell is not None
    try:
        if method is Method.PASS_FAIL:
            return ONE if read_word(value) else ZERO
        number = read_number(value)
    except CellParseError as exc:
        out.problems.append(Problem.error(cell.address, f"quant.{what}_unreadable", code=code, name=name,
                                          cause=(exc.code, exc.params)))
        return None
    if number is not None:  # a target or result is not a score: only what the display hides is worth a word
        out.problems.extend(Problem.warning(cell.address, warning, code=code, name=name, **params)
                            for warning, params in warnings(value, number, score=False))
    return number


def _result_valid(criterion: Criterion, result: Decimal, cell: Cell, name: str, out: Computation) -> bool:
    if criterion.method is Method.PER_COUNT and (result < 0 or result != result.to_integral_value()):
        out.problems.append(Problem.error(cell.address, "quant.bad_count", code=criterion.code, name=name,
                                          value=cell.value))
        return False
    if (criterion.method in (Method.TARGET, Method.RELATIVE) and criterion.direction is Direction.LOWER
            and result < 0):
        out.problems.append(Problem.error(cell.address, "quant.result_negative", code=criterion.code, name=name,
                                          value=cell.value))
        return False
    return True


def _score(
    criterion: Criterion, values: Mapping[ProvinceCode, tuple[Decimal | None, Decimal, str]], default_share: Decimal
) -> dict[ProvinceCode, Working]:
    method = criterion.method
    if method is Method.TARGET:
        return _target(criterion, values, criterion.factor or default_share)
    if method is Method.RELATIVE:
        return _relative(criterion, values)
    m = criterion.max_points
    workings = {}
    for province, (_, result, typed) in values.items():
        if method is Method.PASS_FAIL:
            raw, case, factor = (m if result else ZERO), ("pass" if result else "fail"), None
        else:
            raw, case, factor = result * (criterion.factor or ZERO), "count", criterion.factor
        workings[province] = _working(criterion, case, raw, result=result, result_text=typed, factor=factor)
    return workings


def _working(criterion: Criterion, case: str, raw: Decimal, **numbers: object) -> Working:
    assert criterion.method is not None
    return Working(criterion.method, criterion.direction, case, criterion.max_points,
                   round_score(raw, criterion.max_points), raw, **numbers)  # type: ignore[arg-type]


def _target(
    criterion: Criterion, values: Mapping[ProvinceCode, tuple[Decimal | None, Decimal, str]], share: Decimal
) -> dict[ProvinceCode, Working]:
    m, lower = criterion.max_points, criterion.direction is Direction.LOWER
    base, spread = share * m, (ONE - share) * m
    # e = num/den with den = T > 0, kept as a pair so that E is found and used without dividing.
    excess = {}
    for province, (target, result, _) in values.items():
        assert target is not None
        excess[province] = ((target - result) if lower else (result - target), target)
    best: tuple[Decimal, Decimal] | None = None
    for num, den in excess.values():
        if num > 0 and (best is None or num * best[1] > best[0] * den):
            best = (num, den)
    leaders = tuple(p for p, (num, den) in excess.items() if best is not None and num * best[1] == best[0] * den)
    workings = {}
    for province, (target, result, typed) in values.items():
        assert target is not None
        num, den = excess[province]
        numbers: dict[str, object] = {
            "target": target, "result": result, "result_text": typed, "excess": num / den, "share": share,
            "base": base, "spread": spread, "leaders": leaders,
            "leader_value": None if best is None else best[0] / best[1],
        }
        if num < 0:
            top, bottom = (target, result) if lower else (result, target)
            raw, case = base * top / bottom, "not_met"
            numbers["ratio"] = top / bottom
        elif num == 0:
            raw, case = base, "met"
        else:
            assert best is not None
            raw = (base * den * best[0] + spread * num * best[1]) / (den * best[0])
            case = "exceeded"
        workings[province] = _working(criterion, case, raw, **numbers)
    return workings


def _relative(
    criterion: Criterion, values: Mapping[ProvinceCode, tuple[Decimal | None, Decimal, str]]
) -> dict[ProvinceCode, Working]:
    m, lower = criterion.max_points, criterion.direction is Direction.LOWER
    if not values:
        return {}
    results = [result for _, result, _ in values.values()]
    best = min(results) if lower else max(results)
    leaders = tuple(p for p, (_, result, _) in values.items() if result == best)
    workings = {}
    for province, (_, result, typed) in values.items():
        ratio: Decimal | None
        if lower:
            top, bottom = (ONE, ONE) if result == 0 else (best, result)  # R = 0 gives M; B = 0 < R gives 0
        else:
            top, bottom = (result, best) if best > 0 else (ZERO, ONE)  # no best above 0: all 0
        ratio = top / bottom if lower or best > 0 else None
        raw = m * top / bottom  # one division of exact products
        workings[province] = _working(criterion, "no_leader" if ratio is None else "relative", raw, result=result,
                                      result_text=typed, ratio=ratio, leader_value=best, leaders=leaders)
    return workings
