"""Switchable faults and the request log of the fake Sheets API.

Faults are queued by tests while the server runs and matched against each request's
*kind* (see ``KINDS``): ``None`` matches every Sheets and Drive call (not the token
endpoint), ``"token"`` the token endpoint, ``"*"`` everything, any other string that kind.
A fault with ``times=None`` stays until ``clear`` is called.

- ``status``: answer with an error code (429, 500, 503, ...) in Google's shape;
- ``drop``: close the connection without answering (the client sees a ConnectionError);
- ``delay``: wait before answering (the client's read timeout can fire).
"""

from __future__ import annotations

import threading
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any

__all__ = ["KINDS", "Fault", "FaultPlan", "LoggedRequest", "Quota", "RequestLog"]

KINDS = (
    "token",
    "metadata",
    "values:get",
    "values:update",
    "values:append",
    "values:clear",
    "values:batchGet",
    "values:batchUpdate",
    "values:batchClear",
    "batchUpdate",
    "drive:create",
    "drive:get",
    "drive:delete",
    "unknown",
)
"""The kinds of call the server tells apart, for ``count`` and fault matching."""


@dataclass
class Fault:
    """One queued fault; ``remaining=None`` means until cleared."""

    action: str  # "status" | "drop" | "delay"
    status: int = 0
    seconds: float = 0.0
    remaining: int | None = 1
    match: str | None = None

    def matches(self, kind: str) -> bool:
        if self.match == "*":
            return True
        if self.match is None:
            return kind != "token"
        return self.match == kind


class FaultPlan:
    """The faults waiting to hit requests; thread-safe."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._faults: list[Fault] = []

    def add(self, fault: Fault) -> None:
        if fault.remaining is not None and fault.remaining <= 0:
            return
        with self._lock:
            self._faults.append(fault)

    def clear(self) -> None:
        with self._lock:
            self._faults.clear()

    def take(self, kind: str) -> tuple[float, Fault | None]:
        """(seconds to wait, the status/drop fault to apply or None) for a request of ``kind``."""
        delay, chosen = 0.0, None
        with self._lock:
            for fault in list(self._faults):
                if not fault.matches(kind):
                    continue
                if fault.action == "delay":
                    delay += fault.seconds
                elif chosen is None:
                    chosen = fault
                else:
                    continue
                if fault.remaining is not None:
                    fault.remaining -= 1
                    if fault.remaining <= 0:
                        self._faults.remove(fault)
        return delay, chosen


@dataclass
class LoggedRequest:
    """One request the server received; ``status`` is 0 for a dropped connection."""

    kind: str
    method: str
    path: str
    query: dict[str, list[str]]
    spreadsheet_id: str | None
    body: Any = None
    status: int | None = None
    at: float = field(default_factory=time.time)


class RequestLog:
    """Every request received, in order; thread-safe."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._entries: list[LoggedRequest] = []

    def add(self, entry: LoggedRequest) -> LoggedRequest:
        with self._lock:
            self._entries.append(entry)
        return entry

    def entries(self, kind: str | None = None) -> list[LoggedRequest]:
        with self._lock:
            return [e for e in self._entries if kind is None or e.kind == kind]

    def count(self, kind: str | None = None, *, spreadsheet_id: str | None = None, status: int | None = None) -> int:
        return sum(
            1
            for e in self.entries(kind)
            if (spreadsheet_id is None or e.spreadsheet_id == spreadsheet_id) and (status is None or e.status == status)
        )

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


class Quota:
    """Google's per-minute request quota, reads and writes counted apart; off when ``per_minute`` is None."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.per_minute: int | None = None
        self.window = 60.0
        self._seen: dict[bool, deque[float]] = {False: deque(), True: deque()}

    def set(self, per_minute: int | None, window: float = 60.0) -> None:
        with self._lock:
            self.per_minute, self.window = per_minute, window
            for q in self._seen.values():
                q.clear()

    def allow(self, write: bool) -> bool:
        """Count one request; False when it is over the quota (and then it is not counted)."""
        with self._lock:
            if self.per_minute is None:
                return True
            now, seen = time.monotonic(), self._seen[write]
            while seen and seen[0] <= now - self.window:
                seen.popleft()
            if len(seen) >= self.per_minute:
                return False
            seen.append(now)
            return True
