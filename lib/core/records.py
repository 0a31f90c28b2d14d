"""Reading the tabs of records the app writes: the change log, the votes and the freeze record.

Part of the one parse pass (``lib.core.parse.parse_workbook`` calls these): each takes the
(title, rows) that the grammar found, or None, and gives typed values; a bad count in a
vote is a problem at its cell, never an exception.

``Chot``, ``BieuQuyet`` and ``DeCu`` rows are signed (``lib.core.freeze``): with the server's
records key only the rows whose signature verifies, chained over the rows obeyed before them,
count; any other row is a warning at its signature cell and is listed (``ignored``), never
obeyed. Without a key (a tool that holds no secret) signatures are not checked.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from lib.core.cells import parse_score
from lib.core.errors import CellParseError
from lib.core.freeze import (
    COPY_SIGNED,
    NOMINATIONS_SIGNED,
    VOTES_SIGNED,
    copy_row_fields,
    recall,
    verify,
    verify_row,
)
from lib.core.grammar import (
    FREEZE,
    LOG,
    NOMINATIONS,
    POSTS,
    STAGES,
    VOTES,
    RecordHeaders,
    address,
    cell_at,
    code_text,
    find_header,
    find_header_row,
    header_columns,
)
from lib.core.model import (
    CellKey,
    FreezeBreak,
    FreezeEvent,
    FreezeState,
    IgnoredFreezeRow,
    IgnoredRecord,
    LogEntry,
    Nomination,
    Problem,
    Province,
    RawTab,
    SeenFreezeRow,
    SeenRecordRow,
    Vote,
)
from lib.core.text import fold

SIGNATURE = ("chữ ký", "signature")

Found = tuple[str, RawTab] | None


def _records(found: Found, headers: RecordHeaders) -> tuple[str, int, dict[str, int], RawTab] | None:
    """(title, header index, field -> column, rows) of a records tab, or None when it has no header."""
    if not found or not found[1]:
        return None
    title, rows = found
    spellings = headers.spellings()
    index = find_header(rows, spellings, headers.minimum)
    if index is None:
        return None
    return title, index, header_columns(rows[index], spellings), rows


def parse_log(found: Found) -> tuple[LogEntry, ...]:
    """Every row of the ``NhatKy`` log, oldest first."""
    records = _records(found, LOG)
    if records is None:
        return ()
    _, index, columns, rows = records
    entries = []
    for row in rows[index + 1:]:
        cells = [cell_at(row, columns[f]) if f in columns else None for f in LOG.fields]
        if any(c is not None for c in cells[:7]):
            entries.append(LogEntry(*("" if c is None else str(c) for c in cells[:7]),
                                    change_id="" if cells[7] is None else str(cells[7]).strip()))
    return tuple(entries)


def signed_rows(found: Found, headers: RecordHeaders, domain: str, key: bytes | None, problems: list[Problem],
                ignored: list[IgnoredRecord] | None = None) -> tuple[list[tuple[int, tuple[str, ...]]], str]:
    """The rows of a signed records tab that count, as (1-based row, cells as text), and the chain's head.

    A row counts when its signature verifies over the rows counted before it (every row, without
    a key); any other non-blank row is a warning at its signature cell and goes to ``ignored``.
    The head is the last counted row's signature, over which the next row written signs.
    """
    records = _records(found, headers)
    if records is None:
        return [], ""
    title, index, columns, rows = records
    fields = headers.fields
    kept: list[tuple[int, tuple[str, ...]]] = []
    last = ""
    for row_index in range(index + 1, len(rows)):
        row = rows[row_index]
        cells = tuple(code_text(cell_at(row, columns[f])) if f in columns else "" for f in fields)
        if not any(cells[:-1]):
            continue
        signature = cells[-1]
        if key is None or (signature and verify_row(key, domain, cells[:-1], signature, last)):
            kept.append((row_index + 1, cells))
            last = signature.strip().lower()
            continue
        cell = address(title, row_index + 1, columns.get("signature", len(fields) - 1) + 1)
        problems.append(Problem.warning(cell, "record.unsigned", tab=title, id=cells[0], time=cells[1],
                                        user=cells[2]))
        if ignored is not None:
            ignored.append(IgnoredRecord(cell, title, cells[0], cells[1], cells[2]))
    return kept, last


def removed_rows(chain: Sequence[str], seen: Sequence[SeenRecordRow]) -> tuple[SeenRecordRow, ...]:
    """The rows a host saw obeyed (``seen``) that the tab's ``chain`` no longer has, as ``freeze.recall`` rules.

    A missing row seen before a present row that was seen after it is accepted as gone (a new row
    written through the app signs over what the tab holds then).

    >>> removed_rows(["a"], [SeenRecordRow(0, "a"), SeenRecordRow(1, "b")])
    (SeenRecordRow(position=1, signature='b'),)
    >>> removed_rows(["a", "c"], [SeenRecordRow(0, "a"), SeenRecordRow(1, "b"), SeenRecordRow(2, "c")])
    ()
    """
    order = {row.signature: row.position for row in seen}
    newest = max((order[s] for s in chain if s in order), default=-1)
    present = set(chain)
    return tuple(row for row in sorted(seen, key=lambda r: r.position)
                 if row.signature not in present and row.position > newest)


def _obeyed(found: Found, headers: RecordHeaders, domain: str, tab: str, key: bytes | None, problems: list[Problem],
            ignored: list[IgnoredRecord] | None, seen: Sequence[SeenRecordRow],
            chains: dict[str, tuple[str, ...]] | None) -> list[tuple[int, tuple[str, ...]]]:
    """``signed_rows``, noting the chain in ``chains``; none while rows this host saw obeyed are gone (an error)."""
    kept, _ = signed_rows(found, headers, domain, key, problems, ignored)
    chain = tuple(cells[-1].strip().lower() for _, cells in kept) if key is not None else ()
    if chains is not None:
        chains[tab] = chain
    removed = removed_rows(chain, seen) if key is not None else ()
    if removed:
        title = title_of(found, tab)
        problems.append(Problem.error(title, "record.rows_removed", tab=title, count=len(removed)))
        return []
    return kept


def parse_votes(found: Found, problems: list[Problem], key: bytes | None = None,
                ignored: list[IgnoredRecord] | None = None, seen: Sequence[SeenRecordRow] = (),
                chains: dict[str, tuple[str, ...]] | None = None) -> tuple[Vote, ...]:
    """Every signed vote in the ``BieuQuyet`` tab, in the order first recorded (empty when there is none).

    ``seen``: the signed rows this host saw obeyed there; while one is gone from the tab, no vote is
    obeyed (``record.rows_removed`` at the tab). ``chains`` receives the obeyed rows' signatures.
    """
    records = _records(found, VOTES)
    if records is None:
        _obeyed(found, VOTES, VOTES_SIGNED, "BieuQuyet", key, problems, ignored, seen, chains)
        return ()
    title, index, columns, rows = records
    grouped: dict[str, list[tuple[int, tuple[str, ...]]]] = {}
    for row_no, cells in _obeyed(found, VOTES, VOTES_SIGNED, "BieuQuyet", key, problems, ignored, seen, chains):
        if cells[0] and cells[5]:
            grouped.setdefault(cells[0], []).append((row_no, cells))
    votes = []
    for vote_id, lines in grouped.items():
        row_no, first = lines[0]
        counts: list[int] = []
        bad = False
        for field, (line_no, line) in [("present", lines[0]), ("ballots", lines[0]),
                                       *(("votes", line) for line in lines)]:
            value = _count(line[VOTES.fields.index(field)])
            if value is None:
                cell = address(title, line_no, columns.get(field, 0) + 1)
                problems.append(Problem.error(cell, "vote.bad_count", vote=vote_id,
                                              value=line[VOTES.fields.index(field)]))
                bad = True
            else:
                counts.append(value)
        if bad:
            continue
        present, ballots, *tallies = counts
        votes.append(Vote(vote_id, first[1], first[2], present, ballots,
                          tuple((line[5], n) for (_, line), n in zip(lines, tallies, strict=True))))
    return tuple(votes)


def _word_of(text: str, words: dict[str, tuple[str, str]]) -> str | None:
    folded = fold(text)
    return next((key for key, spellings in words.items() if folded in {fold(w) for w in (key, *spellings)}), None)


def parse_nominations(found: Found, problems: list[Problem], key: bytes | None = None,
                      ignored: list[IgnoredRecord] | None = None, seen: Sequence[SeenRecordRow] = (),
                      chains: dict[str, tuple[str, ...]] | None = None) -> tuple[Nomination, ...]:
    """Every signed nomination in the ``DeCu`` tab, in the order first recorded (empty when there is none).

    ``seen`` and ``chains`` as for ``parse_votes``.
    """
    records = _records(found, NOMINATIONS)
    if records is None:
        _obeyed(found, NOMINATIONS, NOMINATIONS_SIGNED, "DeCu", key, problems, ignored, seen, chains)
        return ()
    title, index, columns, rows = records
    fields = NOMINATIONS.fields
    grouped: dict[str, list[tuple[int, tuple[str, ...]]]] = {}
    for row_no, cells in _obeyed(found, NOMINATIONS, NOMINATIONS_SIGNED, "DeCu", key, problems, ignored, seen,
                                 chains):
        if cells[0] and cells[7]:
            grouped.setdefault(cells[0], []).append((row_no, cells))
    found_all = []
    for nomination_id, lines in grouped.items():
        row_no, first = lines[0]
        post, stage = _word_of(first[3], POSTS), _word_of(first[4], STAGES)
        if post is None or stage is None:
            field = "post" if post is None else "stage"
            problems.append(Problem.error(address(title, row_no, columns.get(field, 0) + 1), "nomination.bad_word",
                                          nomination=nomination_id, value=first[fields.index(field)]))
            continue
        counts: list[int] = []
        for field, (line_no, line) in [("present", lines[0]), ("ballots", lines[0]),
                                       *(("votes", line) for line in lines)]:
            value = _count(line[fields.index(field)])
            if value is None:
                problems.append(Problem.error(address(title, line_no, columns.get(field, 0) + 1), "vote.bad_count",
                                              vote=nomination_id, value=line[fields.index(field)]))
                break
            counts.append(value)
        else:
            present, ballots, *tallies = counts
            found_all.append(Nomination(nomination_id, first[1], first[2], post, stage, present, ballots,
                                        tuple((line[7], n) for (_, line), n in zip(lines, tallies, strict=True))))
    return tuple(found_all)


def _count(text: str) -> int | None:
    """A whole, finite, non-negative count (blank is 0), or None when the cell holds anything else."""
    if not text:
        return 0
    try:
        value = parse_score(text)
    except CellParseError:
        return None
    if value is None or value < 0 or value != value.to_integral_value() or value > 10**9:
        return None
    return int(value)


def parse_freeze(found: Found, frozen_copy: Found, members: Sequence[Province], key: bytes | None = None,
                 problems: list[Problem] | None = None, seen: Sequence[SeenFreezeRow] = ()) -> FreezeState:
    """The freeze record (``Chot``) and the frozen copy (``ChotDiem``); empty when never frozen.

    With the server's ``key``, only rows with a valid signature count; any other row is kept in
    ``FreezeState.ignored`` and reported in ``problems`` at its signature cell (``freeze.unsigned``).
    When rows carry signatures and the key verifies none of them, the key is not the one that
    signed them: ``FreezeState.unverified`` names them (an error, ``freeze.key_mismatch``), and
    writes are refused rather than taken as unfrozen. Without a key signatures are not checked.
    A frozen copy row whose own signature fails is a break of the freeze (``FreezeState.breaks``).
    ``seen`` are the signed rows this host saw obeyed before: one the sheet no longer has was deleted
    by hand (``lib.core.freeze.recall``), an error at ``Chot`` (``freeze.rows_removed``).
    """
    problems = [] if problems is None else problems
    events: list[FreezeEvent] = []
    chain: list[str] = []
    ignored: list[IgnoredFreezeRow] = []
    failed: list[str] = []
    last = ""
    records = _records(found, FREEZE)
    if records is not None:
        title, index, columns, rows = records
        named = FREEZE.fields[:5]
        for row_index in range(index + 1, len(rows)):
            row = rows[row_index]
            cells = [_text(row, columns, f) for f in FREEZE.fields]
            if not cells[2].strip():
                continue
            event, signature = FreezeEvent(*cells[:5]), cells[5]
            if key is None:
                events.append(event)
                last = signature
                chain.append(signature.strip().lower())
            elif signature and verify(key, event, signature, last):
                events.append(event)
                last = signature.strip().lower()
                chain.append(last)
            else:
                cell = address(title, row_index + 1, columns.get("signature", len(named)) + 1)
                ignored.append(IgnoredFreezeRow(cell, event))
                if signature.strip():
                    failed.append(cell)
                problems.append(Problem.warning(cell, "freeze.unsigned", action=event.action, time=event.time,
                                                user=event.user))
    unverified = tuple(failed) if key is not None and not events else ()
    if unverified:
        problems.append(Problem.error(unverified[0], "freeze.key_mismatch", cells=", ".join(unverified)))
    frozen = events[-1].fingerprint.strip().lower() if events else ""
    values, places, breaks = _frozen_values(frozen_copy, members, key, frozen)
    state = recall(FreezeState(tuple(events), values, tuple(ignored), last, places, unverified, breaks,
                               chain=tuple(chain)), seen)
    if state.removed:
        gone = state.removed[0].event
        problems.append(Problem.error(title_of(found, "Chot"), "freeze.rows_removed", count=len(state.removed),
                                      action=gone.action, time=gone.time, user=gone.user))
    return state


def title_of(found: Found, default: str) -> str:
    """The tab's title as written in the sheet, or ``default`` when the tab is gone."""
    return found[0] if found else default


def _text(row: Sequence[object], columns: dict[str, int], field: str) -> str:
    value = cell_at(row, columns[field]) if field in columns else None
    return "" if value is None else str(value)


def _frozen_values(found: Found, members: Sequence[Province], key: bytes | None, fingerprint_hex: str,
                   ) -> tuple[dict[CellKey, Decimal], dict[CellKey, str], tuple[FreezeBreak, ...]]:
    """The frozen copy's values, their cells, and the rows whose own signature (when the copy has them) fails."""
    if not found or not found[1]:
        return {}, {}, ()
    title, rows = found
    header_index = find_header_row(rows)
    if header_index is None:
        return {}, {}, ()
    header = rows[header_index]
    by_code = {p.code: p.code for p in members}
    columns = {col: by_code[code_text(cell)] for col, cell in enumerate(header) if code_text(cell) in by_code}
    signed_col = next((c for c, cell in enumerate(header) if fold(code_text(cell)) in {fold(w) for w in SIGNATURE}),
                      None)
    values: dict[CellKey, Decimal] = {}
    places: dict[CellKey, str] = {}
    breaks: list[FreezeBreak] = []
    for row_index in range(header_index + 1, len(rows)):
        row = rows[row_index]
        code = code_text(cell_at(row, 0))
        row_values: list[tuple[str, Decimal | None]] = []
        for col, province in columns.items():
            try:
                value = parse_score(cell_at(row, col))
            except CellParseError:
                value = None
            row_values.append((province, value))
            if code and value is not None:
                values[(code, province)] = value
                places[(code, province)] = address(title, row_index + 1, col + 1)
        if code and signed_col is not None and key is not None and fingerprint_hex:
            signature = code_text(cell_at(row, signed_col))
            if not verify_row(key, COPY_SIGNED, copy_row_fields(fingerprint_hex, code, row_values), signature):
                last_col = max([signed_col, *columns]) + 1
                breaks.append(FreezeBreak("copy", (f"{address(title, row_index + 1, 1)}:"
                                                   f"{address(title, row_index + 1, last_col).split('!')[-1]}",),
                                          code))
    return values, places, tuple(breaks)
