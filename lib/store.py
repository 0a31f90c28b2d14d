"""The one write path: apply a secretary's change set to the agreed scores, safely.

A page builds a ``ChangeSet`` (who, with which role, and for each changed cell the value
the secretary *started from*, the new value and a reason) and calls ``save``. ``save``
checks the role at the moment of writing, re-reads the workbook, and writes only if
every cell still holds the value the secretary started from; otherwise it raises
``ChangeSetConflict`` (a ``WriteConflict``) listing each conflict and writes nothing.
Accepted changes set the ``ThongNhat`` cells and append one ``NhatKy`` row each in one
``source.write`` call. Values are written raw: numbers as numbers, text as text.

Each log row carries the change set's id in an extra ``Mã thay đổi`` column, so a retry
after an ambiguous failure (the write may or may not have landed) finds its own rows
and does not write twice. A cell that already holds the new value is not a conflict:
it is what a half-applied earlier attempt, or a colleague agreeing on the same value,
leaves behind.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from lib.auth import Role
from lib.cells import parse_score, raw_value
from lib.errors import CellParseError, NotAllowed, ScoreboardError, SourceError, WriteConflict
from lib.formatting import VN_TIME, vn_score
from lib.freeze import WRITE_LOCK, freeze_state
from lib.layout import LOG_ALIASES, LOG_HEADERS, cell_at, code_text, find_tab, header_columns
from lib.model import CellKey, Province, ProvinceCode, RawWorkbook, Scoresheet
from lib.parse import parse_workbook
from lib.sources import Source, WriteBatch
from lib.text import fold
from lib.votes import VOTE_HEADERS, VOTE_TAB, Vote, vote_rows

__all__ = [
    "LOG_ID_HEADER", "VN_TIME", "WRITERS", "Adjustment", "ChangeSet", "ChangeSetConflict", "Conflict",
    "InvalidChangeSet", "Role", "SaveResult", "raw_value", "save", "validate",
]


LOG_ID_HEADER = ("Mã thay đổi", "Change id")
"""The extra ``NhatKy`` column holding the change set's id (added to the header if missing)."""

LOG_TIME_FORMAT = "%d/%m/%Y %H:%M:%S"

_SAVE_LOCK = WRITE_LOCK  # one check-then-write at a time within this process (shared with freezing)


WRITERS = frozenset({Role.SECRETARY, Role.ADMIN})
"""The roles allowed to change agreed scores (``Role`` is ``lib.auth``'s, re-exported here)."""


@dataclass(frozen=True)
class Adjustment:
    """One agreed cell to change: ``old`` is the value the secretary started from (None = blank)."""

    criterion: str
    province: str
    old: Decimal | None
    new: Decimal | None
    reason: str


def _now_iso() -> str:
    return dt.datetime.now(VN_TIME).isoformat(timespec="seconds")


@dataclass(frozen=True)
class ChangeSet:
    """Adjustments saved together or not at all; ``id`` makes a retried save idempotent."""

    user: str
    role: Role
    adjustments: tuple[Adjustment, ...]
    id: str = field(default_factory=lambda: uuid.uuid4().hex)
    created_at: str = field(default_factory=_now_iso)


@dataclass(frozen=True)
class Conflict:
    """A cell that no longer holds the value the secretary started from."""

    criterion: str
    province: str
    province_name: str
    yours: Decimal | None
    started_from: Decimal | None
    now: Decimal | None
    by: str | None = None
    at: str | None = None

    def describe(self) -> str:
        """One line for the secretary, in Vietnamese."""
        who = f" (do {self.by} sửa lúc {self.at})" if self.by else " (sửa trực tiếp trên bảng tính, không có nhật ký)"
        return (f"Tiêu chí {self.criterion} – {self.province_name}: bạn sửa từ {_show(self.started_from)} "
                f"thành {_show(self.yours)}, nhưng ô hiện là {_show(self.now)}{who}")


class ChangeSetConflict(WriteConflict):
    """Some cells changed since the secretary saw them; nothing of the change set was written."""

    def __init__(self, conflicts: Sequence[Conflict]) -> None:
        self.conflicts = tuple(conflicts)
        super().__init__("Có người đã sửa ô trong lúc bạn chỉnh, chưa lưu gì: "
                         + "; ".join(c.describe() for c in self.conflicts))


class InvalidChangeSet(ScoreboardError, ValueError):
    """The change set breaks a rule (missing reason, value out of range…); ``messages`` says which."""

    def __init__(self, messages: Sequence[str]) -> None:
        self.messages = tuple(messages)
        super().__init__("; ".join(self.messages))


@dataclass(frozen=True)
class SaveResult:
    """What ``save`` did: the adjustments written now, or that all had been written before."""

    change_set_id: str
    written: tuple[Adjustment, ...]
    already_saved: bool = False


def _show(value: Decimal | None) -> str:
    return vn_score(value, empty="(trống)")


def validate(change_set: ChangeSet, sheet: Scoresheet) -> list[str]:
    """Every rule the change set breaks against ``sheet``, as Vietnamese messages (empty: valid)."""
    messages: list[str] = []
    if not change_set.user.strip():
        messages.append("Thiếu tên người sửa")
    if not change_set.adjustments:
        messages.append("Không có thay đổi nào để lưu")
    names = {p.code: p.name for p in sheet.provinces}
    seen: set[tuple[str, str]] = set()
    for adj in change_set.adjustments:
        name = names.get(ProvinceCode(adj.province))
        try:
            criterion = sheet.criterion(adj.criterion)
        except KeyError:
            messages.append(f"Tiêu chí {adj.criterion!r} không có trong bảng tiêu chí (TieuChi)")
            continue
        if name is None:
            messages.append(f"Tiêu chí {adj.criterion}: đơn vị mã {adj.province!r} không thuộc cụm")
            continue
        label = f"Tiêu chí {adj.criterion} – {name}"
        if (adj.criterion, adj.province) in seen:
            messages.append(f"{label}: có hai điều chỉnh cho cùng một ô")
        seen.add((adj.criterion, adj.province))
        if not adj.reason.strip():
            messages.append(f"{label}: cần ghi lý do điều chỉnh")
        if adj.new is not None and not (adj.new.is_finite() and 0 <= adj.new <= criterion.max_points):
            messages.append(f"{label}: điểm {_show(adj.new)} ngoài khoảng 0–{vn_score(criterion.max_points)}")
        if adj.new == adj.old:
            messages.append(f"{label}: điểm mới trùng điểm cũ, không có gì để lưu")
    return messages


def save(
    source: Source,
    change_set: ChangeSet,
    members: Sequence[Province],
    now: dt.datetime | None = None,
    on_saved: Callable[[], None] | None = None,
) -> SaveResult:
    """Apply ``change_set`` to ``source`` if the role allows it and no cell changed meanwhile.

    Raises ``NotAllowed`` (role), ``InvalidChangeSet`` (rules), ``ChangeSetConflict``
    (nothing written) or ``SourceError`` (read/write failed: the caller may queue the
    change set and retry; the retry is idempotent). ``on_saved`` runs after a write (or
    on finding the change set already written), e.g. to invalidate the shared read cache.
    """
    if change_set.role not in WRITERS:
        raise NotAllowed(f"{change_set.user or 'Người xem'} không có quyền sửa điểm (chỉ thư ký hoặc quản trị)")
    with _SAVE_LOCK:
        raw = source.read()
        if freeze_state(raw, members).frozen:
            raise NotAllowed("Kết quả đã được chốt: không sửa được điểm thống nhất (quản trị cần mở chốt trước)")
        sheet = parse_workbook(raw, members).sheet
        log = _LogLayout.of(raw)
        pending = tuple(a for a in change_set.adjustments if not log.has(change_set.id, a, sheet))
        if change_set.adjustments and not pending:  # an earlier attempt landed: the cache may be stale
            if on_saved is not None:
                on_saved()
            return SaveResult(change_set.id, (), already_saved=True)
        messages = validate(ChangeSet(change_set.user, change_set.role, pending), sheet)
        if messages:
            raise InvalidChangeSet(messages)
        for adj in pending:
            if _key(adj) not in sheet.agreed_places:
                raise SourceError(f"Trang ThongNhat chưa có dòng hoặc cột cho tiêu chí {adj.criterion} – "
                                  f"{_name(sheet, adj.province)}: thêm dòng/cột đó rồi lưu lại")
        conflicts = [c for a in pending if (c := _conflict(a, sheet)) is not None]
        if conflicts:
            raise ChangeSetConflict(conflicts)
        cells: dict[tuple[str, int, int], object] = dict(log.header_cells)
        rows: list[list[object]] = []
        stamp = (now or dt.datetime.now(VN_TIME)).strftime(LOG_TIME_FORMAT)
        for adj in pending:
            place = sheet.agreed_places[_key(adj)]
            cells[(place.tab, place.row, place.col)] = raw_value(adj.new)
            rows.append(log.row([stamp, change_set.user, _name(sheet, adj.province), adj.criterion,
                                 vn_score(adj.old), vn_score(adj.new), adj.reason.strip(), change_set.id]))
        source.write(WriteBatch(cells=cells, appends={log.tab: rows}, new_tabs=log.new_tabs))
    if on_saved is not None:
        on_saved()
    return SaveResult(change_set.id, pending)




def _key(adj: Adjustment) -> CellKey:
    return adj.criterion, ProvinceCode(adj.province)


def _name(sheet: Scoresheet, code: str) -> str:
    return next((p.name for p in sheet.provinces if p.code == code), code)


def _province_keys(sheet: Scoresheet, code: str) -> set[str]:
    """Every folded spelling of the province in a log row's ``Đơn vị`` cell."""
    province = next((p for p in sheet.provinces if p.code == code), None)
    spellings = (code,) if province is None else (code, province.name, *province.aliases)
    return {fold(s) for s in spellings}


def _conflict(adj: Adjustment, sheet: Scoresheet) -> Conflict | None:
    """The conflict on ``adj``'s cell, or None when it holds ``old`` (or already ``new``)."""
    current = sheet.agreed.get(_key(adj))
    if current == adj.old or current == adj.new:
        return None
    by = at = None
    keys = _province_keys(sheet, adj.province)
    for entry in reversed(sheet.log):
        if code_text(entry.criterion) == adj.criterion and fold(entry.province) in keys:
            try:
                logged = parse_score(entry.new or None)
            except CellParseError:
                break
            if logged == current:  # the last logged change explains the value: say who/when
                by, at = entry.user, entry.time
            break
    return Conflict(adj.criterion, adj.province, _name(sheet, adj.province), adj.new, adj.old, current, by, at)


@dataclass(frozen=True)
class _LogLayout:
    """Where each log field goes in ``NhatKy`` and which change ids it already holds."""

    tab: str
    columns: tuple[int, ...]  # 0-based column of each field: the 7 headers, then the id
    header_cells: dict[tuple[str, int, int], object]
    logged: frozenset[tuple[str, str, str]]  # (change id, criterion, folded province)
    new_tabs: tuple[str, ...] = ()

    @classmethod
    def of(cls, raw: RawWorkbook) -> _LogLayout:
        found = find_tab(raw, "NhatKy")
        tab, rows = found if found is not None else ("NhatKy", [])  # a missing log tab is created
        names = [*zip(LOG_HEADERS, LOG_ALIASES, strict=True), LOG_ID_HEADER]
        spellings = {str(i): pair for i, pair in enumerate(names)}
        index = next((i for i, r in enumerate(rows[:10]) if len(header_columns(r, spellings)) >= 4), None)
        if index is None and any(any(cell_at(r, c) is not None for c in range(len(r))) for r in rows):
            raise SourceError(f"Trang {tab} không có dòng tiêu đề ({', '.join(LOG_HEADERS)})")
        header = rows[index] if index is not None else []
        found_cols = header_columns(header, spellings)
        columns: list[int] = []
        cells: dict[tuple[str, int, int], object] = {}
        free = max([len(header), *(c + 1 for c in found_cols.values())])
        for i, (vietnamese, _) in enumerate(names):
            col = found_cols.get(str(i))
            if col is None:
                col, free = free, free + 1
                cells[(tab, (index or 0) + 1, col + 1)] = vietnamese
            columns.append(col)
        logged = set()
        for row in rows[(index + 1 if index is not None else len(rows)):]:
            change_id, code, province = (cell_at(row, columns[i]) for i in (7, 3, 2))
            if change_id is not None:
                logged.add((str(change_id).strip(), code_text(code), fold(province)))
        return cls(tab, tuple(columns), cells, frozenset(logged), () if found is not None else (tab,))

    def has(self, change_id: str, adj: Adjustment, sheet: Scoresheet) -> bool:
        """True when a log row of change set ``change_id`` records ``adj``'s cell."""
        return any((change_id, adj.criterion, key) in self.logged for key in _province_keys(sheet, adj.province))

    def row(self, values: Sequence[object]) -> list[object]:
        """``values`` (in header order) placed at their columns; gaps are None."""
        out: list[object] = [None] * (max(self.columns) + 1)
        for col, value in zip(self.columns, values, strict=True):
            out[col] = value
        return out


def record_vote(source: Source, vote: Vote, members: Sequence[Province], user: str, role: Role,
                now: dt.datetime | None = None) -> None:
    """Record a vote on a tie (secretary or admin, checked now), logged like any change."""
    if role not in WRITERS:
        raise NotAllowed(f"{user or 'Người xem'} không có quyền ghi kết quả biểu quyết")
    problems = vote.problems()
    if problems or len(vote.votes) < 2:
        raise InvalidChangeSet(problems or ["Biểu quyết cần ít nhất hai tỉnh"])
    names = {p.code: p.name for p in members}
    with _SAVE_LOCK:
        raw = source.read()
        log = _LogLayout.of(raw)
        title = next((t for t in raw if fold(t) in (fold(VOTE_TAB), fold("Votes"))), VOTE_TAB)
        cells: dict[tuple[str, int, int], object] = dict(log.header_cells)
        if not raw.get(title):
            cells.update({(title, 1, col): header for col, header in enumerate(VOTE_HEADERS, start=1)})
        stamp = (now or dt.datetime.now(VN_TIME)).strftime(LOG_TIME_FORMAT)
        tally = ", ".join(f"{names.get(code, code)} {n}" for code, n in vote.votes)
        reason = f"Biểu quyết: {vote.present} có mặt, {vote.ballots} phiếu; {tally}"
        log_row = log.row([stamp, user, ", ".join(names.get(c, c) for c, _ in vote.votes), "Biểu quyết",
                           "", tally, reason, vote.id])
        recorded = Vote(vote.id, stamp, user, vote.present, vote.ballots, vote.votes)
        source.write(WriteBatch(cells=cells, appends={title: vote_rows(recorded, names), log.tab: [log_row]},
                                new_tabs=tuple(t for t in (title, *log.new_tabs) if t not in raw)))
