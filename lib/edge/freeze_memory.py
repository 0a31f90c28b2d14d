"""What this host has seen signed in a workbook's ``Chot`` tab, so a row deleted by hand is noticed.

Signatures chain every freeze row to the one before, but the last rows of an append-only tab
can still be deleted by anyone with edit rights, and a deleted freeze reads as "never frozen".
The host therefore remembers (in its SQLite state, ``freeze_seen``) each obeyed row it read, per
workbook, in the order first seen; ``lib.core.freeze.recall`` compares the sheet's chain with
it. The signed rows of ``BieuQuyet`` and ``DeCu`` are remembered the same way (``records_seen``, by
tab): a deleted latest vote would otherwise bring the earlier one back. ``evaluate_remembering``
and ``parse_remembering`` are the two reads that use it: the server's shared reader and the
store's write gate.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from lib.core.config import ClusterConfig
from lib.core.evaluation import Evaluation, evaluate
from lib.core.model import FreezeEvent, FreezeState, Province, RawWorkbook, SeenFreezeRow, SeenRecordRow
from lib.core.parse import ParseResult, parse_workbook
from lib.edge.secret import bound_key, cache_dir
from lib.edge.state import DB_NAME, reading, transaction

SCHEMA = """CREATE TABLE IF NOT EXISTS freeze_seen (
    source TEXT NOT NULL, position INTEGER NOT NULL, signature TEXT NOT NULL, time TEXT NOT NULL,
    user TEXT NOT NULL, action TEXT NOT NULL, fingerprint TEXT NOT NULL, reason TEXT NOT NULL,
    PRIMARY KEY (source, signature))"""
RECORDS_SCHEMA = """CREATE TABLE IF NOT EXISTS records_seen (
    source TEXT NOT NULL, tab TEXT NOT NULL, position INTEGER NOT NULL, signature TEXT NOT NULL,
    PRIMARY KEY (source, tab, signature))"""


def source_id(source: object) -> str:
    """Which workbook: a Google Sheet's key, a local file's resolved path, else the source's label."""
    key = getattr(source, "key", None)
    if isinstance(key, str) and key:
        return f"gsheet:{key}"
    path = getattr(source, "path", None)
    if path is not None:
        return f"xlsx:{Path(path).resolve()}"
    return f"label:{getattr(source, 'label', repr(source))}"


def remember(workbook: str, state: FreezeState, db: Path | None = None) -> tuple[SeenFreezeRow, ...]:
    """Record the obeyed rows of ``state`` not seen before (in chain order); every row seen, oldest first."""
    path = db or cache_dir() / DB_NAME
    with transaction(path) as conn:
        conn.execute(SCHEMA)
        known = {s for (s,) in conn.execute("SELECT signature FROM freeze_seen WHERE source = ?", (workbook,))}
        (top,) = conn.execute("SELECT COALESCE(MAX(position), -1) FROM freeze_seen WHERE source = ?",
                              (workbook,)).fetchone()
        fresh = [(e, s) for e, s in zip(state.events, state.chain, strict=False) if s and s not in known]
        conn.executemany(
            "INSERT OR IGNORE INTO freeze_seen VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [(workbook, top + 1 + i, s, e.time, e.user, e.action, e.fingerprint, e.reason)
             for i, (e, s) in enumerate(fresh)])
    return seen(workbook, path)


def seen(workbook: str, db: Path | None = None) -> tuple[SeenFreezeRow, ...]:
    """Every row this host saw obeyed in ``workbook``'s ``Chot``, oldest first."""
    path = db or cache_dir() / DB_NAME
    with reading(path) as conn:
        conn.execute(SCHEMA)
        rows = conn.execute("SELECT position, signature, time, user, action, fingerprint, reason FROM freeze_seen "
                            "WHERE source = ? ORDER BY position", (workbook,)).fetchall()
    return tuple(SeenFreezeRow(p, s, FreezeEvent(t, u, a, f, r)) for p, s, t, u, a, f, r in rows)


def remember_records(workbook: str, chains: Mapping[str, Sequence[str]], db: Path | None = None,
                     ) -> dict[str, tuple[SeenRecordRow, ...]]:
    """Record the obeyed signed rows (``chains``: tab -> signatures) not seen before; every row seen, by tab."""
    path = db or cache_dir() / DB_NAME
    with transaction(path) as conn:
        conn.execute(RECORDS_SCHEMA)
        for tab, chain in chains.items():
            known = {s for (s,) in conn.execute("SELECT signature FROM records_seen WHERE source = ? AND tab = ?",
                                                (workbook, tab))}
            (top,) = conn.execute("SELECT COALESCE(MAX(position), -1) FROM records_seen WHERE source = ? AND tab = ?",
                                  (workbook, tab)).fetchone()
            fresh = list(dict.fromkeys(s for s in chain if s and s not in known))
            conn.executemany("INSERT OR IGNORE INTO records_seen VALUES (?, ?, ?, ?)",
                             [(workbook, tab, top + 1 + i, s) for i, s in enumerate(fresh)])
        rows = conn.execute("SELECT tab, position, signature FROM records_seen WHERE source = ? ORDER BY position",
                            (workbook,)).fetchall()
    seen_rows: dict[str, list[SeenRecordRow]] = {}
    for tab, position, signature in rows:
        seen_rows.setdefault(tab, []).append(SeenRecordRow(position, signature))
    return {tab: tuple(found) for tab, found in seen_rows.items()}


def _missing(state: FreezeState, rows: Sequence[SeenFreezeRow]) -> bool:
    present = set(state.chain)
    return any(row.signature not in present for row in rows)


def _records_missing(chains: Mapping[str, Sequence[str]], seen_rows: Mapping[str, Sequence[SeenRecordRow]]) -> bool:
    return any(row.signature not in set(chains.get(tab, ())) for tab, rows in seen_rows.items() for row in rows)


def evaluate_remembering(raw: RawWorkbook, config: ClusterConfig, key: bytes | None, workbook: str,
                         db: Path | None = None) -> Evaluation:
    """``evaluate`` with this host's memory of the ``Chot`` chain (read twice only when a row is missing).

    ``key`` is the server's records key: the rows are checked with ``workbook``'s own key derived from it
    (``lib.edge.secret.bound_key``), so a row signed in another copy of the sheet is not obeyed.
    """
    if key is not None:
        key = bound_key(raw, key, workbook)
    first = evaluate(raw, config, key)
    if key is None:
        return first
    rows = remember(workbook, first.sheet.freeze, db)
    records = remember_records(workbook, first.sheet.record_chains, db)
    if _missing(first.sheet.freeze, rows) or _records_missing(first.sheet.record_chains, records):
        return evaluate(raw, config, key, rows, records)
    return first


def parse_remembering(raw: RawWorkbook, members: Sequence[Province], key: bytes | None, workbook: str | None,
                      db: Path | None = None) -> ParseResult:
    """``parse_workbook`` with ``workbook``'s key and this host's memory, as ``evaluate_remembering``."""
    if key is not None and workbook is not None:
        key = bound_key(raw, key, workbook)
    first = parse_workbook(raw, members, key)
    if key is None or workbook is None:
        return first
    rows = remember(workbook, first.sheet.freeze, db)
    records = remember_records(workbook, first.sheet.record_chains, db)
    if _missing(first.sheet.freeze, rows) or _records_missing(first.sheet.record_chains, records):
        return parse_workbook(raw, members, key, seen_freeze=rows, seen_records=records)
    return first
