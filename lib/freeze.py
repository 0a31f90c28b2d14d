"""Freezing the agreed scores at the end of the preliminary meeting.

A freeze records, in the workbook, who froze and when, with a fingerprint: a SHA-256
over every agreed value and the whole change log, so any later change to either gives
a different fingerprint. Two tabs extend the workbook contract (created on first use):

- ``Chot`` [``Freeze``]: append-only, ``Thời gian · Người thực hiện · Hành động ·
  Dấu vân tay · Lý do``; the action is ``chốt`` (freeze) or ``mở chốt`` (unfreeze).
  The last row says whether the scores are frozen now.
- ``ChotDiem`` [``FrozenScores``]: a copy of the agreed scores at the last freeze, in the
  ``ThongNhat`` shape, against which later changes are shown as differences.

Pure: raw workbook and scoresheet in, state, differences and ``WriteBatch`` out;
``set_frozen`` applies one through an injected source, checking the admin role then.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from lib.auth import Role
from lib.cells import parse_score, raw_value
from lib.errors import CellParseError, NotAllowed
from lib.formatting import VN_TIME
from lib.layout import cell_at, code_text, find_header_row, header_columns
from lib.model import CellKey, Province, RawWorkbook, Scoresheet
from lib.parse import parse_workbook
from lib.sources import Source, WriteBatch
from lib.text import fold

FREEZE_TAB, FROZEN_TAB = "Chot", "ChotDiem"
FREEZE_HEADERS = ("Thời gian", "Người thực hiện", "Hành động", "Dấu vân tay", "Lý do")
FREEZE_ALIASES = ("Time", "User", "Action", "Fingerprint", "Reason")
FROZE, UNFROZE = "chốt", "mở chốt"
SHORT = 12
WRITE_LOCK = threading.Lock()
"""Held by every check-then-write on the agreed scores in this process (saves and freezes alike)."""


def fingerprint(sheet: Scoresheet) -> str:
    """SHA-256 (hex) of every agreed value and every log row, in a canonical order."""
    agreed = sorted([c, p, _canonical(v)] for (c, p), v in sheet.agreed.items())
    log = [[e.time, e.user, e.province, e.criterion, e.old, e.new, e.reason] for e in sheet.log]
    text = json.dumps({"agreed": agreed, "log": log}, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _canonical(value: Decimal) -> str:
    """The value's digits with no exponent and no trailing zeros (``7.50`` and ``7.5`` are one value).

    Exact for any precision (``Decimal.normalize`` would round to the context's 28 digits, so two
    different values could share a fingerprint), and zero is ``0`` whatever its sign.

    >>> _canonical(Decimal("7.50")), _canonical(Decimal("1E+1")), _canonical(Decimal("-0.00"))
    ('7.5', '10', '0')
    """
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def short(fingerprint_hex: str) -> str:
    """The first characters of a fingerprint, as shown on screens and in the minutes."""
    return fingerprint_hex[:SHORT]


@dataclass(frozen=True)
class FreezeEvent:
    """One row of the ``Chot`` tab."""

    time: str
    user: str
    action: str
    fingerprint: str
    reason: str = ""


@dataclass(frozen=True)
class FreezeState:
    """Whether the agreed scores are frozen now, and the frozen copy to compare against."""

    events: tuple[FreezeEvent, ...] = ()
    frozen_values: dict[CellKey, Decimal] = field(default_factory=dict)

    @property
    def last(self) -> FreezeEvent | None:
        """The latest freeze or unfreeze."""
        return self.events[-1] if self.events else None

    @property
    def frozen(self) -> bool:
        """True when the latest event is a freeze."""
        return self.last is not None and fold(self.last.action) == fold(FROZE)


@dataclass(frozen=True)
class Difference:
    """An agreed value that is not what was frozen."""

    criterion: str
    province: str
    frozen: Decimal | None
    now: Decimal | None


def freeze_state(raw: RawWorkbook, members: Sequence[Province]) -> FreezeState:
    """The freeze record and frozen copy found in ``raw`` (empty when never frozen)."""
    events: list[FreezeEvent] = []
    found = _tab(raw, FREEZE_TAB, "Freeze")
    if found is not None:
        rows = found
        spellings = {str(i): pair for i, pair in enumerate(zip(FREEZE_HEADERS, FREEZE_ALIASES, strict=True))}
        header = next((i for i, r in enumerate(rows[:10]) if len(header_columns(r, spellings)) >= 3), None)
        if header is not None:
            cols = header_columns(rows[header], spellings)
            for row in rows[header + 1:]:
                cells = ["" if (v := cell_at(row, cols[str(i)]) if str(i) in cols else None) is None else str(v)
                         for i in range(5)]
                if cells[2].strip():
                    events.append(FreezeEvent(*cells))
    return FreezeState(tuple(events), _frozen_values(raw, members))


def _tab(raw: RawWorkbook, *names: str) -> list[list[object]] | None:
    wanted = {fold(n) for n in names}
    return next((rows for title, rows in raw.items() if fold(title) in wanted), None)


def _frozen_values(raw: RawWorkbook, members: Sequence[Province]) -> dict[CellKey, Decimal]:
    rows = _tab(raw, FROZEN_TAB, "FrozenScores")
    if not rows:
        return {}
    header_index = find_header_row(rows)
    if header_index is None:
        return {}
    header = rows[header_index]
    by_code = {p.code: p.code for p in members}
    columns = {col: by_code[code_text(cell)] for col, cell in enumerate(header) if code_text(cell) in by_code}
    values: dict[CellKey, Decimal] = {}
    for row in rows[header_index + 1:]:
        code = code_text(cell_at(row, 0))
        for col, province in columns.items():
            try:
                value = parse_score(cell_at(row, col))
            except CellParseError:
                continue
            if code and value is not None:
                values[(code, province)] = value
    return values


def differences(sheet: Scoresheet, state: FreezeState) -> list[Difference]:
    """Agreed values that differ from the frozen copy (empty when not frozen)."""
    if not state.frozen:
        return []
    keys = sorted(set(sheet.agreed) | set(state.frozen_values))
    return [
        Difference(c, p, state.frozen_values.get((c, p)), sheet.agreed.get((c, p)))
        for c, p in keys
        if state.frozen_values.get((c, p)) != sheet.agreed.get((c, p))
    ]


def freeze_batch(raw: RawWorkbook, sheet: Scoresheet, user: str, time: str, reason: str = "") -> WriteBatch:
    """The write that freezes: a ``chốt`` row with the fingerprint, and the frozen copy."""
    cells: dict[tuple[str, int, int], object] = {}
    frozen_title = _title(raw, FROZEN_TAB, "FrozenScores")
    old = _tab(raw, FROZEN_TAB, "FrozenScores") or []
    grid: list[list[object]] = [["Mã", *(p.code for p in sheet.provinces)]]
    for c in sheet.criteria:
        grid.append([c.code, *(raw_value(sheet.agreed.get((c.code, p.code))) for p in sheet.provinces)])
    width = max([len(r) for r in [*grid, *old]] or [1])
    for r in range(max(len(grid), len(old))):
        for col in range(width):
            value = grid[r][col] if r < len(grid) and col < len(grid[r]) else ""
            cells[(frozen_title, r + 1, col + 1)] = value
    return _with_event(raw, FreezeEvent(time, user, FROZE, fingerprint(sheet), reason), cells, frozen_title)


def unfreeze_batch(raw: RawWorkbook, sheet: Scoresheet, user: str, time: str, reason: str) -> WriteBatch:
    """The write that unfreezes (logged with its reason; the frozen copy stays for the record)."""
    return _with_event(raw, FreezeEvent(time, user, UNFROZE, fingerprint(sheet), reason), {}, None)


def _with_event(raw: RawWorkbook, event: FreezeEvent, cells: dict, frozen_title: str | None) -> WriteBatch:
    title = _title(raw, FREEZE_TAB, "Freeze")
    new_tabs = [t for t in (title, frozen_title) if t and t not in raw]
    if title not in raw or not raw[title]:
        for col, header in enumerate(FREEZE_HEADERS, start=1):
            cells[(title, 1, col)] = header
    row = [event.time, event.user, event.action, event.fingerprint, event.reason]
    return WriteBatch(cells=cells, appends={title: [row]}, new_tabs=tuple(new_tabs))


def _title(raw: RawWorkbook, *names: str) -> str:
    wanted = {fold(n) for n in names}
    return next((t for t in raw if fold(t) in wanted), names[0])



def set_frozen(
    source: Source, members: Sequence[Province], user: str, role: Role, frozen: bool, reason: str = "",
    time: str | None = None,
) -> str:
    """Freeze (or unfreeze) through ``source``; only an admin, checked now. Returns the fingerprint."""
    if role is not Role.ADMIN:
        raise NotAllowed("Chỉ quản trị được chốt hoặc mở chốt kết quả")
    if not frozen and not reason.strip():
        raise NotAllowed("Mở chốt cần ghi lý do")
    with WRITE_LOCK:
        raw = source.read()
        state = freeze_state(raw, members)
        if state.frozen == frozen:
            raise NotAllowed("Kết quả đã được chốt" if frozen else "Kết quả chưa được chốt")
        sheet = parse_workbook(raw, members).sheet
        stamp = time or dt.datetime.now(VN_TIME).strftime("%d/%m/%Y %H:%M:%S")
        batch = (freeze_batch(raw, sheet, user, stamp, reason) if frozen
                 else unfreeze_batch(raw, sheet, user, stamp, reason))
        source.write(batch)
    return fingerprint(sheet)
