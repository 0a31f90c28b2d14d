"""The host's durable state: one SQLite database (WAL) shared by every server process.

The outbox (pending change sets, the ones set aside for the secretary, the quarantine of
unreadable entries), the ceremony's state (``lib.edge.ceremony``: the reveal step and the
agenda item) and the preliminary meeting's (``lib.edge.meeting``: the province open, the
unsaved changes) live here, so any number of processes on the host share them safely:
every change is one transaction (``BEGIN IMMEDIATE``: writers queue on SQLite's own
cross-process lock, readers never block in WAL mode). Connections are opened per use and
closed at once, so a connection is never shared between threads or carried over a fork.

``cross_process_lock`` is the advisory file lock (``fcntl.flock``) used where SQLite is
not the thing being protected: a local workbook's check-then-write, and "one drain at a
time" for the outbox. The kernel releases it when the holder dies, even by ``kill -9``.

Every SQLite failure (opening, a statement, the commit) leaves as a ``StateError`` whose
code says which: ``state.locked`` (another process held the database past the busy
timeout), ``state.full`` (the disk or the database's page limit), ``state.io`` (a read or
write of the file failed), ``state.failed`` (anything else); the transaction is rolled back,
so the caller knows nothing of it was kept.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import sqlite3
import threading
import time
from collections.abc import Iterator
from pathlib import Path

from lib.core.errors import CodedError, SourceError

DB_NAME = "state.sqlite3"
"""The file name of the host's database inside the cache directory."""

BUSY_TIMEOUT_MS = 15_000
SCHEMA = """
CREATE TABLE IF NOT EXISTS outbox_pending (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    queue TEXT NOT NULL, id TEXT NOT NULL, body TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0, last_error TEXT, next_attempt_at TEXT, lease_until TEXT,
    queued_at TEXT NOT NULL, UNIQUE (queue, id));
CREATE TABLE IF NOT EXISTS outbox_parked (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    queue TEXT NOT NULL, id TEXT NOT NULL, body TEXT NOT NULL, kind TEXT NOT NULL, message TEXT NOT NULL,
    code TEXT NOT NULL DEFAULT '', params TEXT NOT NULL DEFAULT '[]', conflicts TEXT NOT NULL DEFAULT '[]',
    at TEXT NOT NULL, UNIQUE (queue, id));
CREATE TABLE IF NOT EXISTS outbox_quarantine (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    queue TEXT NOT NULL, body TEXT NOT NULL, message TEXT NOT NULL, at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS ceremony (
    queue TEXT PRIMARY KEY, active INTEGER NOT NULL DEFAULT 0, revealed INTEGER NOT NULL DEFAULT 0,
    agenda INTEGER, updated_by TEXT NOT NULL DEFAULT '', updated_at TEXT NOT NULL DEFAULT '');
CREATE TABLE IF NOT EXISTS meeting (
    queue TEXT PRIMARY KEY, province TEXT, pending TEXT NOT NULL DEFAULT '[]',
    updated_by TEXT NOT NULL DEFAULT '', updated_at TEXT NOT NULL DEFAULT '');
"""



class StateError(CodedError, SourceError):
    """The host's SQLite database failed; ``code`` says how (locked, full, I/O), ``params`` the file and text."""


def state_error(exc: BaseException, path: Path) -> StateError:
    """``exc`` (an ``sqlite3.Error`` or ``OSError``) as a worded ``StateError``."""
    text = str(exc)
    low = text.lower()
    code = ("state.locked" if "locked" in low or "busy" in low else
            "state.full" if "full" in low or "no space" in low else
            "state.io" if "i/o" in low or isinstance(exc, OSError) or "readonly" in low else "state.failed")
    return StateError(code, file=str(path), error=text)


_ready: set[Path] = set()
_ready_guard = threading.Lock()


def connect(path: Path) -> sqlite3.Connection:
    """A new connection to the database at ``path`` (created with its schema on first use)."""
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        key = path.resolve()
        with _ready_guard:
            if key not in _ready:
                conn.execute("PRAGMA journal_mode = WAL")
                conn.executescript(SCHEMA)
                _ready.add(key)
        conn.execute("PRAGMA synchronous = FULL")
    except (OSError, sqlite3.Error) as exc:
        raise state_error(exc, path) from exc
    return conn


@contextlib.contextmanager
def transaction(path: Path) -> Iterator[sqlite3.Connection]:
    """One write transaction (``BEGIN IMMEDIATE``), committed on success, rolled back on error.

    An SQLite failure anywhere (the begin, a statement, the commit) rolls back and raises ``StateError``.
    """
    conn = connect(path)
    try:
        try:
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                _rollback(conn)
                raise
            conn.execute("COMMIT")
        except sqlite3.Error as exc:
            _rollback(conn)
            raise state_error(exc, path) from exc
    finally:
        conn.close()


def _rollback(conn: sqlite3.Connection) -> None:
    if conn.in_transaction:
        with contextlib.suppress(sqlite3.Error):
            conn.execute("ROLLBACK")


@contextlib.contextmanager
def reading(path: Path) -> Iterator[sqlite3.Connection]:
    """A connection for reads (each statement sees a committed state); a failure is ``StateError``."""
    conn = connect(path)
    try:
        yield conn
    except sqlite3.Error as exc:
        raise state_error(exc, path) from exc
    finally:
        conn.close()


class _Held:
    """One lock file's state in this process: a re-entrant thread lock, and the flock once taken."""

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.depth = 0  # touched only by the thread holding ``lock``
        self.fd = -1


_held: dict[Path, _Held] = {}
_held_guard = threading.Lock()


def _held_for(path: Path) -> _Held:
    key = path.resolve()
    with _held_guard:
        return _held.setdefault(key, _Held())


@contextlib.contextmanager
def cross_process_lock(path: Path, blocking: bool = True, timeout: float = 60.0) -> Iterator[bool]:
    """Hold the advisory lock file ``path`` against other threads and other processes.

    Re-entrant within a thread (a write inside a held check-then-write does not wait for
    itself). Yields True when held; with ``blocking=False`` yields False at once when
    another holds it. A blocking wait longer than ``timeout`` s raises ``SourceError``.
    """
    path = Path(path)
    held = _held_for(path)
    busy = f"Đang có tiến trình khác ghi {path.name}; thử lại sau"
    if not held.lock.acquire(blocking, timeout if blocking else -1):
        if blocking:
            raise SourceError(busy)
        yield False
        return
    try:
        if held.depth == 0:
            try:
                fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o666)
            except OSError as exc:
                raise SourceError(f"Không mở được tệp khóa {path}: {exc}") from exc
            if not _flock(fd, blocking, timeout):
                os.close(fd)
                if blocking:
                    raise SourceError(busy)
                yield False
                return
            held.fd = fd
        held.depth += 1
        try:
            yield True
        finally:
            held.depth -= 1
            if held.depth == 0:
                fcntl.flock(held.fd, fcntl.LOCK_UN)
                os.close(held.fd)
                held.fd = -1
    finally:
        held.lock.release()


def _flock(fd: int, blocking: bool, timeout: float) -> bool:
    """Take an exclusive flock on ``fd``, polling up to ``timeout`` s when blocking."""
    deadline = time.monotonic() + timeout
    delay = 0.002
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except BlockingIOError:
            if not blocking or time.monotonic() >= deadline:
                return False
            time.sleep(delay)
            delay = min(delay * 2, 0.05)
