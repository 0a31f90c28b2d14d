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
    Params,
    Province,
    ProvinceCode,
    Scoresheet,
    Standing,
    Working,
)
from lib.core.quantitative import Cell, compute
from lib.core.scoring import Rules, rank
from lib.core.text import fold

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
