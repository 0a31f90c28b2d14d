"""The preliminary meeting's review of one province: rows to edit, pending changes, what-if.

Pure: the current data in, the rows the secretary edits, the adjustments they make (and
what is wrong with them, as message codes), and how those would move the ranking out.
Nothing here writes; ``lib.edge.store.save`` does. The editor's table is
``lib.present.review_editor``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal, InvalidOperation

from lib.core.cells import parse_score, score_text
from lib.core.errors import CellParseError
from lib.core.model import (
    Adjustment,
    Criterion,
    LogEntry,
    Method,
    Params,
    Province,
    ProvinceCode,
    Scoresheet,
    Standing,
    Working,
)
from lib.core.quantitative import Cell, compute, read_number, read_word
from lib.core.scoring import Rules, rank
from lib.core.text import fold
from lib.core.writes import correction_problems

AGREE_AS_SELF = "Thống nhất như tự chấm"
AGREE_AS_COMPUTED = "Thống nhất như tính theo chỉ tiêu"


@dataclass(frozen=True)
class ReviewRow:
    """One criterion of the province under review."""

    criterion: Criterion
    self_score: Decimal | None
    agreed: Decimal | None
    evidence: str
    unlogged: tuple[str, Params] | None  # why the agreed value looks typed in the sheet without a log row
    computed: Decimal | None = None  # the score computed from KeHoach/KetQua, on a computed criterion
    working: Working | None = None


def review_rows(sheet: Scoresheet, province: Province) -> list[ReviewRow]:
    """The province's criteria, in table order, with the flag for unlogged agreed values."""
    last_logged = last_logged_values(sheet.log, province)
    rows = []
    for c in sheet.criteria:
        key = (c.code, province.code)
        own, agreed, computed = sheet.self_scores.get(key), sheet.agreed.get(key), sheet.computed.get(key)
        rows.append(ReviewRow(c, own, agreed, sheet.evidence.get(key, ""),
                              _unlogged(agreed, own, last_logged.get(c.code, _NOT_LOGGED), computed),
                              computed, sheet.workings.get(key)))
    return rows


_NOT_LOGGED = object()


def last_logged_values(log: Sequence[LogEntry], province: Province) -> dict[str, object]:
    """For each criterion, the last logged new value for ``province`` (None when logged blank)."""
    names = {fold(s) for s in (province.code, province.name, *province.aliases)}
    found: dict[str, object] = {}
    for entry in log:
        if fold(entry.province) in names and entry.criterion.strip():
            try:
                found[entry.criterion.strip()] = parse_score(entry.new)
            except CellParseError:
                found[entry.criterion.strip()] = entry.new
    return found


def _unlogged(agreed: Decimal | None, own: Decimal | None, logged: object,
              computed: Decimal | None = None) -> tuple[str, Params] | None:
    if logged is _NOT_LOGGED:
        if agreed is not None and agreed != own and agreed != computed:
            return "review.unlogged_no_log", ()
        return None
    if logged != agreed:
        shown = score_text(logged) if isinstance(logged, Decimal) or logged is None else str(logged)
        return "review.unlogged_differs", (("logged", shown or "trống"),)
    return None


@dataclass(frozen=True)
class Edit:
    """What the secretary typed for one criterion: the new agreed value (text or number) and a reason."""

    criterion: str
    new: object
    reason: str


def pending_adjustments(
    rows: Sequence[ReviewRow], edits: Sequence[Edit], province: Province
) -> tuple[list[Adjustment], list[tuple[str, Params]]]:
    """The adjustments the edits make (only cells whose value changes) and what is wrong with them."""
    by_code = {r.criterion.code: r for r in rows}
    adjustments: list[Adjustment] = []
    problems: list[tuple[str, Params]] = []
    for edit in edits:
        row = by_code.get(edit.criterion)
        if row is None:
            continue
        at = (("criterion", edit.criterion),)
        try:
            new = edit_number(edit.new)
        except CellParseError as exc:
            problems.append(("edit.unreadable", (*at, ("cause", (exc.code, exc.params)))))
            continue
        if new == row.agreed:
            continue
        if new is not None and not 0 <= new <= row.criterion.max_points:
            problems.append(("edit.out_of_range", (*at, ("value", new), ("max", row.criterion.max_points))))
        if not edit.reason.strip():
            problems.append(("edit.no_reason", at))
        adjustments.append(Adjustment(edit.criterion, province.code, row.agreed, new, edit.reason.strip()))
    return adjustments, problems


def edit_number(value: object) -> Decimal | None:
    """What the secretary typed as a score (None when blank or NaN); ``CellParseError`` when it is not one."""
    if isinstance(value, float) and value != value:  # NaN: an emptied cell in a data editor
        return None
    try:
        return parse_score(value)
    except InvalidOperation as exc:  # pragma: no cover - parse_score reports its own errors
        raise CellParseError("cell.not_a_number", value=value) from exc


def agree_as_self(rows: Sequence[ReviewRow]) -> list[Edit]:
    """Edits that set every not-yet-agreed criterion to its self-score, with the standard reason."""
    return [
        Edit(r.criterion.code, r.self_score, AGREE_AS_SELF)
        for r in rows
        if r.agreed is None and r.self_score is not None
    ]


def agree_as_computed(rows: Sequence[ReviewRow]) -> list[Edit]:
    """Edits that set every not-yet-agreed computed criterion to its computed score, with the standard reason."""
    return [
        Edit(r.criterion.code, r.computed, AGREE_AS_COMPUTED)
        for r in rows
        if r.agreed is None and r.computed is not None
    ]


def agree_criterion_as_computed(sheet: Scoresheet, criterion: str) -> list[Adjustment]:
    """For one computed criterion: every member not yet agreed gets its computed score (one change set)."""
    return [
        Adjustment(criterion, p.code, None, computed, AGREE_AS_COMPUTED)
        for p in sheet.provinces
        if (criterion, p.code) not in sheet.agreed and (computed := sheet.computed.get((criterion, p.code))) is not None
    ]


def with_adjustments(sheet: Scoresheet, adjustments: Sequence[Adjustment]) -> Scoresheet:
    """The scoresheet as it would be once ``adjustments`` are saved.

    A corrected target or result recomputes its criterion for every province, so a new
    leader rescales the others.
    """
    values = {"ThongNhat": dict(sheet.agreed), "KeHoach": dict(sheet.targets), "KetQua": dict(sheet.results)}
    for adj in adjustments:
        key = (adj.criterion, ProvinceCode(adj.province))
        changed = values[adj.tab]
        if adj.new is None:
            changed.pop(key, None)
        else:
            changed[key] = adj.new
    sheet = replace(sheet, agreed=values["ThongNhat"])
    if all(adj.tab == "ThongNhat" for adj in adjustments):
        return sheet
    cells = {tab: {key: Cell(value, "") for key, value in values[tab].items()} for tab in ("KeHoach", "KetQua")}
    out = compute(sheet.criteria, sheet.provinces, cells["KeHoach"], cells["KetQua"], sheet.target_share)
    return replace(sheet, computed=out.scores, workings=out.workings, targets=out.targets, results=out.results)


@dataclass(frozen=True)
class Move:
    """How one province's place changes with the pending adjustments."""

    province: Province
    old_rank: int
    new_rank: int
    old_total: Decimal
    new_total: Decimal
    passes: tuple[str, ...]  # names of provinces it overtakes
    passed_by: tuple[str, ...]


def what_if(
    sheet: Scoresheet, rules: Rules, adjustments: Sequence[Adjustment]
) -> tuple[tuple[Standing, ...], list[Move]]:
    """The standings after ``adjustments``, and every province whose rank or total would change."""
    before = by_code(rank(sheet, rules))
    after = rank(with_adjustments(sheet, adjustments), rules)
    now = by_code(after)
    moves = []
    for s in after:
        old = before[s.code]
        if old.rank == s.rank and old.agreed_total == s.agreed_total:
            continue
        passes = tuple(o.province.name for o in after if _overtakes(before, now, s.code, o.code))
        passed_by = tuple(o.province.name for o in after if _overtakes(before, now, o.code, s.code))
        moves.append(Move(s.province, old.rank, s.rank, old.agreed_total, s.agreed_total, passes, passed_by))
    return after, moves


def by_code(standings: Sequence[Standing]) -> Mapping[str, Standing]:
    """Standings by province code."""
    return {s.code: s for s in standings}


def _overtakes(before: Mapping[str, Standing], after: Mapping[str, Standing], a: str, b: str) -> bool:
    """True when ``a`` was not ahead of ``b`` (below it, or sharing its rank) and is now ahead of it."""
    return a != b and before[a].rank >= before[b].rank and after[a].rank < after[b].rank


CORRECTION_TABS = ("KeHoach", "KetQua")


def correctable(sheet: Scoresheet) -> list[tuple[Criterion, tuple[str, ...]]]:
    """The computed criteria and the tabs the meeting may correct on each (a target only on ``kế hoạch``)."""
    return [(c, CORRECTION_TABS if c.method is Method.TARGET else ("KetQua",))
            for c in sheet.criteria if c.method is not None]


def correction_value(criterion: Criterion, tab: str, value: object) -> Decimal | None:
    """A corrected target or result read like its cell: decimal comma, a trailing ``%``, any sign.

    On a pass/fail criterion a result may be a word (``đạt`` → 1, ``không đạt`` → 0). Raises
    ``CellParseError`` when the text is not one.

    >>> relative = Criterion("1.5", "1", "Xã nông thôn mới", Decimal(5), method=Method.RELATIVE)
    >>> correction_value(relative, "KetQua", "22,5"), correction_value(relative, "KetQua", " ")
    (Decimal('22.5'), None)
    """
    if isinstance(value, float) and value != value:
        return None
    if tab == "KetQua" and criterion.method is Method.PASS_FAIL:
        passed = read_word(value)
        return None if passed is None else Decimal(int(passed))
    return read_number(value)


def correction(
    sheet: Scoresheet, criterion: str, province: ProvinceCode, tab: str, value: object, reason: str
) -> tuple[Adjustment | None, list[tuple[str, Params]]]:
    """The adjustment correcting one target or result (None when it changes nothing) and what is wrong with it.

    The old value is the one read now (the store checks it still holds when saving).
    """
    c = sheet.criterion(criterion)
    at = (("criterion", criterion),)
    try:
        new = correction_value(c, tab, value)
    except CellParseError as exc:
        return None, [("edit.unreadable", (*at, ("cause", (exc.code, exc.params))))]
    key = (criterion, province)
    old = (sheet.targets if tab == "KeHoach" else sheet.results).get(key)
    if new == old:
        return None, []
    adjustment = Adjustment(criterion, province, old, new, reason.strip(), tab)
    problems: list[tuple[str, Params]] = []
    name = next((p.name for p in sheet.provinces if p.code == province), province)
    problems.extend(correction_problems(adjustment, c, (*at, ("name", name))))
    if not reason.strip():
        problems.append(("edit.no_reason", at))
    return adjustment, problems


@dataclass(frozen=True)
class ScoreMove:
    """One computed score that a correction changes; ``counts`` is False when an agreed value hides it."""

    criterion: str
    province: Province
    old: Decimal | None
    new: Decimal | None
    agreed: Decimal | None

    @property
    def counts(self) -> bool:
        """Whether the new computed score reaches the total (nothing is agreed on that cell yet)."""
        return self.agreed is None


def computed_moves(sheet: Scoresheet, adjustments: Sequence[Adjustment]) -> list[ScoreMove]:
    """Every province whose computed score moves with ``adjustments`` (a new leader rescales the others)."""
    after = with_adjustments(sheet, adjustments)
    criteria = dict.fromkeys(a.criterion for a in adjustments if a.tab != "ThongNhat")
    return [
        ScoreMove(code, p, old, new, sheet.agreed.get((code, p.code)))
        for code in criteria
        for p in sheet.provinces
        if (old := sheet.computed.get((code, p.code))) != (new := after.computed.get((code, p.code)))
    ]


def landed(sheet: Scoresheet, adjustments: Sequence[Adjustment]) -> bool:
    """Whether ``sheet`` already shows every adjustment's new value (a saving page's read is after its save)."""
    tabs = {"ThongNhat": sheet.agreed, "KeHoach": sheet.targets, "KetQua": sheet.results}
    return all(tabs[a.tab].get((a.criterion, ProvinceCode(a.province))) == a.new for a in adjustments)
