"""The process's bounds against one careless or hostile client: open files, streams, admissions.

- ``raise_open_files``: at start the soft ``RLIMIT_NOFILE`` is raised to the hard limit (the
  default soft limit of 1,024 is what one client with a thousand streams used to exhaust,
  taking the websockets and the sign-in down with them).
- ``StreamGate``: ``/api/events`` streams per client address and in all. The total never
  exceeds the open-file limit less a reserve for the Streamlit websockets, the sign-in and the
  files the process reads; beyond either cap the stream is refused (503 with ``Retry-After``).
- ``Admissions``: who counts against ``[server] max_sessions``: the open Streamlit websockets,
  plus page loads let in during the last ``window`` seconds whose websocket has not opened yet.
  A page load gets a ticket (a short-lived cookie); its websocket hands the ticket in, so a
  session is counted once. Plain ``GET /`` requests that never open a session count only as
  pending, at most ``per_address`` of them per address, so a few requests a second from one
  client no longer send every new visitor to ``/live``.
"""

from __future__ import annotations

import os
import resource
import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

FILE_RESERVE = 256  # descriptors kept beside the streams and websockets: sign-in, SQLite, the source, logs
ADMIT_WINDOW = 30.0  # seconds an admitted page load counts before its websocket must have opened
PENDING_PER_ADDRESS = 20  # page loads of one address that count while their websockets have not opened


@dataclass(frozen=True)
class OpenFiles:
    """The process's open-file limits after start (``raise_open_files``)."""

    soft: int
    hard: int
    raised_from: int  # the soft limit the process was started with


def raise_open_files() -> OpenFiles:
    """Raise the soft ``RLIMIT_NOFILE`` to the hard limit (once, at start); the limits after."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = hard if hard != resource.RLIM_INFINITY else max(soft, 1 << 20)
    if soft != resource.RLIM_INFINITY and soft < target:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
        except (ValueError, OSError):  # a sandbox may refuse: keep the soft limit, /metrics shows it
            target = soft
    else:
        target = soft
    return OpenFiles(int(target), int(hard), int(soft))


def open_files_now() -> int:
    """Descriptors this process holds now (-1 where ``/proc`` is not there)."""
    try:
        return len(os.listdir("/proc/self/fd"))
    except OSError:
        return -1


def stream_limit(configured: int, open_files: int, sessions: int) -> int:
    """The streams allowed in all: the configured cap, never past the open files less the reserve.

    >>> stream_limit(10_000, 1024, 200)
    568
    >>> stream_limit(10_000, 1_048_576, 200)
    10000
    """
    return max(1, min(configured, open_files - sessions - FILE_RESERVE))


class StreamGate:
    """Open ``/api/events`` streams per address and in all, and the refusals past the caps."""

    def __init__(self, total: int, per_address: int) -> None:
        self.total = total
        self.per_address = per_address
        self.open = 0
        self.refused_total = 0  # refused because the process had ``total`` streams
        self.refused_address = 0  # refused because the address had ``per_address`` streams
        self._by_address: dict[str, int] = {}
        self._lock = threading.Lock()

    def enter(self, address: str) -> str | None:
        """Count a new stream of ``address``; None when admitted, else the cap it hit ("address", "total")."""
        with self._lock:
            mine = self._by_address.get(address, 0)
            if mine >= self.per_address:
                self.refused_address += 1
                return "address"
            if self.open >= self.total:
                self.refused_total += 1
                return "total"
            self._by_address[address] = mine + 1
            self.open += 1
            return None

    def leave(self, address: str) -> None:
        """A stream of ``address`` ended."""
        with self._lock:
            left = self._by_address.get(address, 0) - 1
            if left > 0:
                self._by_address[address] = left
            else:
                self._by_address.pop(address, None)
            self.open = max(0, self.open - 1)

    def of(self, address: str) -> int:
        """Open streams of ``address``."""
        return self._by_address.get(address, 0)


class Admissions:
    """Sessions that really opened, plus page loads on their way to a websocket (bounded per address).

    A browser loads the page and only then opens the websocket that makes a session; under load that
    gap grows to seconds. Counting sessions alone let 873 of 1,500 arriving visitors in under
    ``max_sessions = 500`` (``benchmarks/mixed.py overload``), so a page load still counts for
    ``window`` seconds, but only until its websocket hands in its ticket, and only ``per_address``
    of one address at a time.
    """

    def __init__(self, window: float = ADMIT_WINDOW, per_address: int = PENDING_PER_ADDRESS,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.window = window
        self.per_address = per_address
        self.clock = clock
        self.sockets = 0  # Streamlit websockets open now
        self._pending: OrderedDict[str, tuple[float, str]] = OrderedDict()  # ticket -> (when, address)
        self._of: dict[str, int] = {}
        self._lock = threading.Lock()

    def _expire(self) -> None:
        now = self.clock()
        while self._pending:
            ticket, (when, address) = next(iter(self._pending.items()))
            if now - when <= self.window:
                break
            self._drop(ticket, address)

    def _drop(self, ticket: str, address: str) -> None:
        del self._pending[ticket]
        left = self._of.get(address, 0) - 1
        if left > 0:
            self._of[address] = left
        else:
            self._of.pop(address, None)

    def pending(self) -> int:
        """Page loads let in whose websocket has not opened yet (within the window)."""
        with self._lock:
            self._expire()
            return len(self._pending)

    def occupied(self, sessions: int) -> int:
        """Sessions (or open websockets, when more) plus the pending page loads."""
        return max(sessions, self.sockets) + self.pending()

    def admit(self, address: str) -> str:
        """Note one page load of ``address`` let in; its ticket (the oldest of the address's goes past the cap)."""
        ticket = secrets.token_urlsafe(12)
        with self._lock:
            self._expire()
            if self._of.get(address, 0) >= self.per_address:
                oldest = next(t for t, (_, a) in self._pending.items() if a == address)
                self._drop(oldest, address)
            self._pending[ticket] = (self.clock(), address)
            self._of[address] = self._of.get(address, 0) + 1
        return ticket

    def opened(self, ticket: str | None) -> None:
        """A websocket opened (with the ticket of its page load, if it had one): a session, not a pending load."""
        with self._lock:
            self.sockets += 1
            entry = self._pending.get(ticket or "")
            if entry is not None:
                self._drop(ticket or "", entry[1])

    def closed(self) -> None:
        """A websocket closed."""
        with self._lock:
            self.sockets = max(0, self.sockets - 1)
