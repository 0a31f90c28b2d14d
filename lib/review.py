"""The preliminary meeting's review of one province: rows to edit, pending changes, what-if.

Pure: the current results in, the rows the secretary edits, the adjustments they make,
and how those would move the ranking out. Nothing here writes; ``lib.store.save`` does.
"""

from __future__ import annotations

import numbers
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal, InvalidOperation

import pandas as pd

from lib.cells import parse_score
from lib.errors import CellParseError
from lib.formatting import vn_score
from lib.model import Criterion, LogEntry, Province, Scoresheet, Standing
from lib.scoring import Rules, rank
from lib.store import Adjustment
from lib.text import fold

AGREE_AS_SELF = "Thống nhất như tự chấm"


@dataclass(frozen=True)
class ReviewRow:
    """One criterion of the province under review."""

    criterion: Criterion
    self_score: Decimal | None
    agreed: Decimal | None
    evidence: str
    unlogged: str | None  # why the agreed value looks typed in the sheet without a log row


def review_rows(sheet: Scoresheet, province: Province) -> list[ReviewRow]:
    """The province's criteria, in table order, with the flag for unlogged agreed values."""
    last_logged = last_logged_values(sheet.log, province)
    rows = []
    for c in sheet.criteria:
        key = (c.code, province.code)
        own, agreed = sheet.self_scores.get(key), sheet.agreed.get(key)
        rows.append(ReviewRow(c, own, agreed, sheet.evidence.get(key, ""),
                              _unlogged(agreed, own, last_logged.get(c.code, _NOT_LOGGED))))
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


def _unlogged(agreed: Decimal | None, own: Decimal | None, logged: object) -> str | None:
    if logged is _NOT_LOGGED:
        if agreed is not None and agreed != own:
            return "khác điểm tự chấm nhưng không có trong nhật ký (sửa trực tiếp trên bảng tính?)"
        return None
    if logged != agreed:
        shown = vn_score(logged) if isinstance(logged, Decimal) or logged is None else str(logged)
        return f"khác giá trị ghi trong nhật ký ({shown or 'trống'}) — có người sửa trực tiếp trên bảng tính"
    return None


@dataclass(frozen=True)
class Edit:
    """What the secretary typed for one criterion: the new agreed value (text or number) and a reason."""

    criterion: str
    new: object
    reason: str


def pending_adjustments(
    rows: Sequence[ReviewRow], edits: Sequence[Edit], province: Province
) -> tuple[list[Adjustment], list[str]]:
    """The adjustments the edits make (only cells whose value changes) and what is wrong with them."""
    by_code = {r.criterion.code: r for r in rows}
    adjustments, problems = [], []
    for edit in edits:
        row = by_code.get(edit.criterion)
        if row is None:
            continue
        label = f"Tiêu chí {edit.criterion}"
        try:
            new = _number(edit.new)
        except CellParseError as exc:
            problems.append(f"{label}: {exc}")
            continue
        if new == row.agreed:
            continue
        if new is not None and not 0 <= new <= row.criterion.max_points:
            problems.append(f"{label}: điểm {vn_score(new)} ngoài khoảng 0–{vn_score(row.criterion.max_points)}")
        if not edit.reason.strip():
            problems.append(f"{label}: cần ghi lý do điều chỉnh")
        adjustments.append(Adjustment(edit.criterion, province.code, row.agreed, new, edit.reason.strip()))
    return adjustments, problems


def _number(value: object) -> Decimal | None:
    if isinstance(value, float) and value != value:  # NaN: an emptied cell in a data editor
        return None
    try:
        return parse_score(value)
    except InvalidOperation as exc:  # pragma: no cover - parse_score reports its own errors
        raise CellParseError(str(exc)) from exc


def agree_as_self(rows: Sequence[ReviewRow]) -> list[Edit]:
    """Edits that set every not-yet-agreed criterion to its self-score, with the standard reason."""
    return [
        Edit(r.criterion.code, r.self_score, AGREE_AS_SELF)
        for r in rows
        if r.agreed is None and r.self_score is not None
    ]


def with_adjustments(sheet: Scoresheet, adjustments: Sequence[Adjustment]) -> Scoresheet:
    """The scoresheet as it would be once ``adjustments`` are saved."""
    agreed = dict(sheet.agreed)
    for adj in adjustments:
        key = (adj.criterion, adj.province)
        if adj.new is None:
            agreed.pop(key, None)
        else:
            agreed[key] = adj.new
    return replace(sheet, agreed=agreed)


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


EDITOR_COLUMNS = ("code", "criterion", "max", "self", "agreed", "new", "reason", "evidence", "flag")
"""Column ids of the review editor; the page labels them from the UI catalogue."""


def editor_frame(rows: Sequence[ReviewRow], prefill: Sequence[Edit] = ()) -> pd.DataFrame:
    """The table the secretary edits: "new" starts at the agreed value (or a prefill), "reason" empty."""
    filled = {e.criterion: e for e in prefill}
    records = []
    for r in rows:
        edit = filled.get(r.criterion.code)
        new = edit.new if edit else r.agreed
        records.append({
            "code": r.criterion.code,
            "criterion": r.criterion.text,
            "max": float(r.criterion.max_points),
            "self": _float(r.self_score),
            "evidence": r.evidence,
            "agreed": _float(r.agreed),
            "new": _float(_prefill_number(new)),
            "reason": edit.reason if edit else "",
            "flag": r.unlogged or "",
        })
    return pd.DataFrame(records, columns=list(EDITOR_COLUMNS))


def edits_from_frame(frame: pd.DataFrame) -> list[Edit]:
    """The secretary's edits back from the editor's table (blank "new" = clear the agreed value)."""
    edits = []
    for record in frame.to_dict("records"):
        reason = record.get("reason")
        edits.append(Edit(str(record["code"]), _cell(record.get("new")), "" if _blank(reason) else str(reason)))
    return edits


def _blank(value: object) -> bool:
    """True for what a data editor gives back for an empty cell: None, NaN, ``pd.NA``, blank text."""
    if isinstance(value, str):
        return not value.strip()
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):  # pragma: no cover - a list-like cell: not blank
        return False


def _cell(value: object) -> object:
    """The "new" cell as ``pending_adjustments`` reads it: None when blank, a number as the sheet keeps it
    (15 significant digits: 9.1 is ``Decimal("9.1")``, float noise like 0.30000000000000004 is 0.3), text
    as typed (parsed later with the decimal comma, its problems reported)."""
    if _blank(value):
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, numbers.Real) and not isinstance(value, bool):
        try:
            return parse_score(float(value))
        except CellParseError:  # ±inf: left for pending_adjustments to report
            return value
    return value


def _prefill_number(value: object) -> Decimal | None:
    """A prefilled new value as a number for the editor (None when blank or not a score)."""
    try:
        return _number(value)
    except CellParseError:
        return None


def _float(value: Decimal | None) -> float | None:
    return float(value) if value is not None else None
