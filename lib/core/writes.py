"""What a write puts where: the rules a change set must keep and the cells and rows it writes.

Pure: a parsed scoresheet (and the raw workbook's tab titles and log rows, for where to
append) in, problem codes or a ``WriteBatch`` out. ``lib.edge.store`` is the only caller
that applies them, under its lock, after re-reading the workbook.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from lib.core.cells import parse_score, raw_value, score_text
from lib.core.errors import CellParseError, LayoutError
from lib.core.forms import FormChange
from lib.core.freeze import (
    COPY_SIGNED,
    NOMINATIONS_SIGNED,
    VOTES_SIGNED,
    copy_row_fields,
    counted_values,
    sign,
    sign_row,
)
from lib.core.grammar import (
    FREEZE,
    LOG,
    NOMINATIONS,
    POSTS,
    STAGES,
    VOTES,
    RecordHeaders,
    cell_at,
    code_text,
    find_header,
    find_header_row,
    find_tab,
    header_columns,
    title_for,
)
from lib.core.model import (
    FROZE,
    Adjustment,
    CellKey,
    CellPlace,
    ChangeSet,
    Conflict,
    Criterion,
    FreezeEvent,
    Method,
    Nomination,
    Params,
    Province,
    ProvinceCode,
    RawWorkbook,
    Scoresheet,
    Vote,
    WriteBatch,
)
from lib.core.parse import province_columns
from lib.core.records import signed_rows
from lib.core.text import fold
from lib.core.votes import vote_rows

LOG_TIME_FORMAT = "%d/%m/%Y %H:%M:%S"


def validate(change_set: ChangeSet, sheet: Scoresheet) -> list[tuple[str, Params]]:
    """Every rule the change set breaks against ``sheet``, as (code, params) (empty: valid)."""
    found: list[tuple[str, Params]] = []
    if not change_set.user.strip():
        found.append(("change.no_user", ()))
    if not change_set.adjustments:
        found.append(("change.empty", ()))
    names = {p.code: p.name for p in sheet.provinces}
    seen: set[tuple[str, str]] = set()
    for adj in change_set.adjustments:
        name = names.get(ProvinceCode(adj.province))
        try:
            criterion = sheet.criterion(adj.criterion)
        except KeyError:
            found.append(("change.unknown_criterion", (("criterion", adj.criterion),)))
            continue
        if name is None:
            found.append(("change.unknown_province", (("criterion", adj.criterion), ("province", adj.province))))
            continue
        at = (("criterion", adj.criterion), ("name", name))
        if (adj.criterion, adj.province) in seen:
            found.append(("change.twice", at))
        seen.add((adj.criterion, adj.province))
        if not adj.reason.strip():
            found.append(("change.no_reason", at))
        if adj.tab != "ThongNhat":
            found.extend(correction_problems(adj, criterion, at))
        elif adj.new is not None and not (adj.new.is_finite() and 0 <= adj.new <= criterion.max_points):
            found.append(("change.out_of_range", (*at, ("value", adj.new), ("max", criterion.max_points))))
        if adj.new == adj.old:
            found.append(("change.unchanged", at))
    return found


def correction_problems(adj: Adjustment, criterion: Criterion, at: Params) -> list[tuple[str, Params]]:
    """What is wrong with a correction of a target or a result (not bounded by the max)."""
    if adj.tab not in ("KeHoach", "KetQua") or criterion.method is None or (
            adj.tab == "KeHoach" and criterion.method is not Method.TARGET):
        return [("change.not_computed", (*at, ("tab", adj.tab)))]
    if adj.new is None:
        return []
    if not adj.new.is_finite() or adj.tab == "KeHoach" and adj.new <= 0:
        return [("change.bad_target", (*at, ("value", adj.new)))]
    if criterion.method is Method.PER_COUNT and (adj.new < 0 or adj.new != adj.new.to_integral_value()):
        return [("change.bad_count", (*at, ("value", adj.new)))]
    if criterion.method is Method.PASS_FAIL and adj.new not in (0, 1):
        return [("change.bad_pass_fail", (*at, ("value", adj.new)))]
    return []


def log_label(adj: Adjustment) -> str:
    """The ``Mã`` of an adjustment's log row: the criterion, with the tab for a target or result."""
    return adj.criterion if adj.tab == "ThongNhat" else f"{adj.criterion} ({adj.tab})"


def current_value(adj: Adjustment, sheet: Scoresheet) -> Decimal | None:
    """What the adjustment's cell holds now (a target or result as read, an agreed score)."""
    values = {"KeHoach": sheet.targets, "KetQua": sheet.results}.get(adj.tab, sheet.agreed)
    return values.get((adj.criterion, ProvinceCode(adj.province)))


def place_of(adj: Adjustment, sheet: Scoresheet) -> CellPlace | None:
    """Where the adjustment's cell lives, None when its tab has no row or column for it."""
    places = {"KeHoach": sheet.target_places, "KetQua": sheet.result_places}.get(adj.tab, sheet.agreed_places)
    return places.get((adj.criterion, ProvinceCode(adj.province)))


def province_name(sheet: Scoresheet, code: str) -> str:
    """The official name of the member with ``code`` (the code itself when it is not a member)."""
    return next((p.name for p in sheet.provinces if p.code == code), code)


def _province_keys(sheet: Scoresheet, code: str) -> set[str]:
    """Every folded spelling of the province in a log row's ``Đơn vị`` cell."""
    province = next((p for p in sheet.provinces if p.code == code), None)
    spellings = (code,) if province is None else (code, province.name, *province.aliases)
    return {fold(s) for s in spellings}


def conflict(adj: Adjustment, sheet: Scoresheet, strict: bool = False) -> Conflict | None:
    """The conflict on ``adj``'s cell, or None when it holds ``old`` (or already ``new``).

    ``strict``: only ``old`` will do — for a writer who stated the value it started from
    (``adjust CODE:PROVINCE=OLD->NEW``), where a cell already holding NEW would otherwise get
    a log row claiming it held OLD.
    """
    current = current_value(adj, sheet)
    if current == adj.old or (current == adj.new and not strict):
        return None
    by = at = None
    keys = _province_keys(sheet, adj.province)
    for entry in reversed(sheet.log):
        if code_text(entry.criterion) == log_label(adj) and fold(entry.province) in keys:
            try:
                logged = parse_score(entry.new or None)
            except CellParseError:
                break
            if logged == current:  # the last logged change explains the value: say who/when
                by, at = entry.user, entry.time
            break
    return Conflict(adj.criterion, adj.province, province_name(sheet, adj.province), adj.new, adj.old, current,
                    by, at)


def already_logged(change_set: ChangeSet, adj: Adjustment, sheet: Scoresheet) -> bool:
    """True when a log row of ``change_set`` records ``adj``'s cell (an earlier attempt landed)."""
    keys = _province_keys(sheet, adj.province)
    return any(e.change_id == change_set.id and code_text(e.criterion) == log_label(adj) and fold(e.province) in keys
               for e in sheet.log)


@dataclass(frozen=True)
class LogLayout:
    """Where each log field goes in ``NhatKy``: its title, columns, and header cells still to write."""

    tab: str
    columns: tuple[int, ...]  # 0-based column of each field of ``grammar.LOG``
    header_cells: dict[tuple[str, int, int], object]
    new_tabs: tuple[str, ...] = ()
    unreadable: bool = False  # the tab holds rows but no header: writing would mix rows up

    @classmethod
    def of(cls, raw: RawWorkbook, canonical: str = "NhatKy", headers: RecordHeaders = LOG) -> LogLayout:
        """The layout of the log (or another records tab) in ``raw``; a missing tab or column is added."""
        found = find_tab(raw, canonical)
        tab, rows = found if found is not None else (title_for(raw, canonical), [])
        spellings = headers.spellings()
        index = find_header(rows, spellings, headers.minimum)
        unreadable = index is None and any(any(cell_at(r, c) is not None for c in range(len(r))) for r in rows)
        header = rows[index] if index is not None else []
        found_cols = header_columns(header, spellings)
        columns: list[int] = []
        cells: dict[tuple[str, int, int], object] = {}
        free = max([len(header), *(c + 1 for c in found_cols.values())])
        for field_id, vietnamese in zip(headers.fields, headers.names, strict=True):
            col = found_cols.get(field_id)
            if col is None:
                col, free = free, free + 1
                cells[(tab, (index or 0) + 1, col + 1)] = vietnamese
            columns.append(col)
        return cls(tab, tuple(columns), cells, () if found is not None else (tab,), unreadable)

    def row(self, values: Sequence[object]) -> list[object]:
        """``values`` (in ``grammar.LOG`` order) placed at their columns; gaps are None."""
        out: list[object] = [None] * (max(self.columns) + 1)
        for col, value in zip(self.columns, values, strict=True):
            out[col] = value
        return out


def save_batch(change_set: ChangeSet, pending: Sequence[Adjustment], sheet: Scoresheet, layout: LogLayout,
               stamp: str) -> WriteBatch:
    """The agreed cells and one log row per adjustment, with the change set's id."""
    cells: dict[tuple[str, int, int], object] = dict(layout.header_cells)
    rows: list[list[object]] = []
    for adj in pending:
        place = place_of(adj, sheet)
        assert place is not None, adj  # the store checks every place first
        cells[(place.tab, place.row, place.col)] = raw_value(adj.new)
        rows.append(layout.row([stamp, change_set.user, province_name(sheet, adj.province), log_label(adj),
                                score_text(adj.old), score_text(adj.new), adj.reason.strip(), change_set.id]))
    return WriteBatch(cells=cells, appends={layout.tab: rows}, new_tabs=layout.new_tabs)


def _signed_appends(raw: RawWorkbook, canonical: str, headers: RecordHeaders, domain: str, key: bytes,
                    rows: Sequence[Sequence[object]]) -> tuple[LogLayout, list[list[object]]]:
    """``rows`` (in ``headers`` order, without the signature) placed in the tab's layout, each signed in turn.

    The chain starts at the last row of the tab that verifies with ``key`` (typed rows are skipped
    as the reader skips them). Raises ``LayoutError`` when the tab holds rows but no header.
    """
    layout = LogLayout.of(raw, canonical, headers)
    if layout.unreadable:
        raise LayoutError("layout.no_records_header", tab=layout.tab)
    _, last = signed_rows(find_tab(raw, canonical), headers, domain, key, [])
    placed: list[list[object]] = []
    for row in rows:
        last = sign_row(key, domain, [code_text(v) for v in row], last)
        placed.append(layout.row([*row, last]))
    return layout, placed


def vote_batch(raw: RawWorkbook, vote: Vote, names: dict[str, str], layout: LogLayout, stamp: str,
               user: str, key: bytes) -> WriteBatch:
    """The vote's rows in ``BieuQuyet`` (headers on first use), each signed with ``key``, and its log row."""
    tally = ", ".join(f"{names.get(code, code)} {n}" for code, n in vote.votes)
    reason = f"Biểu quyết: {vote.present} có mặt, {vote.ballots} phiếu; {tally}"  # the sheet's own language
    log_row = layout.row([stamp, user, ", ".join(names.get(c, c) for c, _ in vote.votes), "Biểu quyết",
                          "", tally, reason, vote.id])
    recorded = Vote(vote.id, stamp, user, vote.present, vote.ballots, vote.votes)
    votes, rows = _signed_appends(raw, "BieuQuyet", VOTES, VOTES_SIGNED, key, vote_rows(recorded, names))
    cells: dict[tuple[str, int, int], object] = {**layout.header_cells, **votes.header_cells}
    return WriteBatch(cells=cells, appends={votes.tab: rows, layout.tab: [log_row]},
                      new_tabs=(*votes.new_tabs, *layout.new_tabs))


def nomination_batch(raw: RawWorkbook, nomination: Nomination, names: dict[str, str], layout: LogLayout,
                     stamp: str, user: str, key: bytes) -> WriteBatch:
    """The nomination's rows in ``DeCu`` (headers on first use), each signed with ``key``, and its log row."""
    post, stage = POSTS[nomination.post][0], STAGES[nomination.stage][0]
    rows = [[nomination.id, stamp, user, post, stage, nomination.present, nomination.ballots, code,
             names.get(code, code), n] for code, n in nomination.votes]
    tally = ", ".join(f"{names.get(code, code)} {n}" for code, n in nomination.votes)
    if nomination.stage == "election":
        reason = f"Bầu {post} ({stage}): {nomination.present} có mặt, {nomination.ballots} phiếu; {tally}"
    else:
        reason = f"{post} {stage.lower()}: " + ", ".join(names.get(c, c) for c, _ in nomination.votes)
    log_row = layout.row([stamp, user, ", ".join(names.get(c, c) for c, _ in nomination.votes), f"Đề cử {post}",
                          "", tally, reason, nomination.id])
    decu, signed = _signed_appends(raw, "DeCu", NOMINATIONS, NOMINATIONS_SIGNED, key, rows)
    cells: dict[tuple[str, int, int], object] = {**layout.header_cells, **decu.header_cells}
    return WriteBatch(cells=cells, appends={decu.tab: signed, layout.tab: [log_row]},
                      new_tabs=(*decu.new_tabs, *layout.new_tabs))


def freeze_batch(raw: RawWorkbook, sheet: Scoresheet, event: FreezeEvent, key: bytes) -> WriteBatch:
    """The write of a freeze event, signed with ``key`` over the last obeyed row; a freeze also
    replaces the frozen copy with the agreed scores now. Raises ``LayoutError`` when ``Chot``
    holds rows but no header (a row appended there could not be read back)."""
    cells: dict[tuple[str, int, int], object] = {}
    frozen_title = None
    if event.action == FROZE:
        frozen_title = title_for(raw, "ChotDiem")
        found = find_tab(raw, "ChotDiem")
        old = found[1] if found else []
        grid: list[list[object]] = [["Mã", *(p.code for p in sheet.provinces), "Chữ ký"]]
        counted = counted_values(sheet)  # every score that counts, agreed or not: nothing moves unseen
        for c in sheet.criteria:  # each row signed over the fingerprint: the copy is bound to the freeze
            values = [(p.code, counted.get((c.code, p.code))) for p in sheet.provinces]
            mac = sign_row(key, COPY_SIGNED, copy_row_fields(event.fingerprint, c.code, values))
            grid.append([c.code, *(raw_value(v) for _, v in values), mac])
        width = max([len(r) for r in [*grid, *old]] or [1])
        for r in range(max(len(grid), len(old))):
            for col in range(width):
                value = grid[r][col] if r < len(grid) and col < len(grid[r]) else ""
                cells[(frozen_title, r + 1, col + 1)] = value
    layout = LogLayout.of(raw, "Chot", FREEZE)
    if layout.unreadable:
        raise LayoutError("layout.no_freeze_header", tab=layout.tab)
    cells.update(layout.header_cells)
    new_tabs = [t for t in (layout.tab, frozen_title) if t and t not in raw]
    signature = sign(key, event, sheet.freeze.signature)
    row = layout.row([event.time, event.user, event.action, event.fingerprint, event.reason, signature])
    return WriteBatch(cells=cells, appends={layout.tab: [row]}, new_tabs=tuple(new_tabs))


def cell_key(adj: Adjustment) -> CellKey:
    """(criterion, province) of an adjustment."""
    return adj.criterion, ProvinceCode(adj.province)


@dataclass
class _Grid:
    """Where a score-shaped tab keeps each criterion's row and each member's column (1-based), and what is free."""

    title: str
    header_row: int
    code_col: int
    columns: dict[str, int]
    rows: dict[str, int]
    next_row: int
    next_col: int


def _grid(raw: RawWorkbook, canonical: str, members: Sequence[Province], cells: dict) -> _Grid:
    found = find_tab(raw, canonical)
    if found is None:  # e.g. no MinhChung yet: created with its header
        title = title_for(raw, canonical)
        cells[(title, 1, 1)] = "Mã"
        return _Grid(title, 1, 1, {}, {}, 2, 2)
    title, rows = found
    index = find_header_row(rows)
    if index is None:
        raise LayoutError("layout.no_code_header", tab=title)
    code_col, columns = province_columns(title, index, rows[index], members)
    codes = {}
    for r in range(index + 1, len(rows)):
        code = code_text(cell_at(rows[r], code_col))
        if code and code not in codes:
            codes[code] = r + 1
    width = max([len(rows[index]), code_col + 1])
    return _Grid(title, index + 1, code_col + 1, {p: c + 1 for c, p in columns.items()}, codes,
                 max(len(rows), index + 1) + 1, width + 1)


def import_batch(raw: RawWorkbook, sheet: Scoresheet, province: Province, changes: Sequence[FormChange],
                 user: str, reason: str, change_id: str, layout: LogLayout, stamp: str) -> WriteBatch:
    """The ``TuCham``/``MinhChung`` cells of an import and one log row per cell.

    A missing row (criterion) or column (the province) is added after the last one; a
    missing ``MinhChung`` tab is created. Codes are written as text.
    """
    cells: dict[tuple[str, int, int], object] = dict(layout.header_cells)
    grids: dict[str, _Grid] = {}
    new_tabs = list(layout.new_tabs)
    rows: list[list[object]] = []
    for change in changes:
        if change.tab not in grids:
            grids[change.tab] = _grid(raw, change.tab, sheet.provinces, cells)
            if find_tab(raw, change.tab) is None:
                new_tabs.append(grids[change.tab].title)
        grid = grids[change.tab]
        if province.code not in grid.columns:
            grid.columns[province.code], grid.next_col = grid.next_col, grid.next_col + 1
            cells[(grid.title, grid.header_row, grid.columns[province.code])] = province.name
        if change.criterion not in grid.rows:
            grid.rows[change.criterion], grid.next_row = grid.next_row, grid.next_row + 1
            cells[(grid.title, grid.rows[change.criterion], grid.code_col)] = change.criterion
        value = raw_value(change.new) if isinstance(change.new, Decimal) else change.new
        cells[(grid.title, grid.rows[change.criterion], grid.columns[province.code])] = value

        def text(v: object) -> str:
            return score_text(v) if isinstance(v, Decimal) or v is None else str(v)

        rows.append(layout.row([stamp, user, province.name, change.criterion, text(change.old), text(change.new),
                                f"{reason} — {grid.title}", change_id]))
    return WriteBatch(cells=cells, appends={layout.tab: rows} if rows else {}, new_tabs=tuple(new_tabs))
