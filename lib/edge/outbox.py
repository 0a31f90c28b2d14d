"""A durable local outbox: change sets that could not be written yet are kept, then retried.

When the sheet cannot be written (outage, quota), the change set is appended to a JSON
lines file and shown as "chưa lưu lên bảng tính". ``drain`` retries the queue in order
with exponential backoff and jitter; each retry goes through the store again, so the
conflict check still applies and a retry after an ambiguous failure is idempotent (the
store finds the change set's id in the log). A change set that meets a conflict, or is
refused (role, rules), is moved to a second file, ``<name>.conflicts.jsonl``, for the
secretary to decide; it is never dropped silently.

Every change rewrites the file atomically (temporary file, fsync, ``os.replace``) under a
lock shared by every ``Outbox`` on the same path in this process, and every read goes to
the disk, so a new ``Outbox`` on the same path (a restart) sees the same items.
Decimals are stored as strings and come back exactly.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import random
import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

from lib.core.errors import CodedError, ScoreboardError, SourceError, WriteConflict
from lib.core.model import VN_TIME, Adjustment, ChangeSet, Conflict, Params, Role

SaveFn = Callable[[ChangeSet], object]
"""Writes one change set, e.g. ``functools.partial(store.save, source, members=...)`` adapted."""

_log = logging.getLogger(__name__)
_locks: dict[Path, threading.Lock] = {}
_drain_locks: dict[Path, threading.Lock] = {}
_guard = threading.Lock()


@dataclass(frozen=True)
class Parked:
    """A change set taken out of the queue for the secretary to decide (``kind``: conflict or rejected)."""

    change_set: ChangeSet
    kind: Literal["conflict", "rejected"]
    message: str
    conflicts: tuple[Conflict, ...]
    at: str
    code: str = ""  # the refusal's message code, for the page to word (blank: ``message`` as it came)
    params: Params = ()


@dataclass(frozen=True)
class DrainReport:
    """What one ``drain`` did; ``skipped`` when it was not due yet or another drain was running."""

    saved: tuple[str, ...] = ()
    parked: tuple[str, ...] = ()
    remaining: int = 0
    error: str | None = None
    next_attempt_at: dt.datetime | None = None
    skipped: bool = False


@dataclass(frozen=True)
class Submitted:
    """The outcome of ``submit``: written now, kept in the outbox, or parked as a conflict."""

    status: Literal["saved", "queued", "parked"]
    error: str | None = None


class Outbox:
    """Pending change sets in a JSON lines file at ``path``, plus the parked ones beside it."""

    def __init__(self, path: Path, base_delay: float = 5.0, max_delay: float = 300.0,
                 rng: random.Random | None = None) -> None:
        """Use ``path`` (created on first ``add``); backoff grows from ``base_delay`` up to ``max_delay`` s."""
        self.path = Path(path)
        self.conflicts_path = self.path.with_suffix(".conflicts.jsonl")
        self.base_delay = base_delay
        self.max_delay = max_delay
        self._rng = rng or random.Random()
        key = self.path.resolve()
        with _guard:
            self._lock = _locks.setdefault(key, threading.Lock())
            self._drain_lock = _drain_locks.setdefault(key, threading.Lock())

    # -- reading ----------------------------------------------------------------------
    def pending(self) -> list[ChangeSet]:
        """The change sets waiting to be written, oldest first."""
        with self._lock:
            return [change_set_from_json(e["change_set"]) for e in _load(self.path)]

    def conflicts(self) -> list[Parked]:
        """The change sets parked for the secretary (conflicts and refusals), oldest first."""
        with self._lock:
            return [_parked_from_json(e) for e in _load(self.conflicts_path)]

    def status(self) -> tuple[int, str | None, dt.datetime | None]:
        """(number pending, last error, time of the next attempt) for a "chưa lưu" banner."""
        with self._lock:
            entries = _load(self.path)
        if not entries:
            return 0, None, None
        head = entries[0]
        return len(entries), head.get("last_error"), _time(head.get("next_attempt_at"))

    def due(self, now: dt.datetime | None = None) -> bool:
        """True when something is pending and its backoff has passed."""
        count, _, at = self.status()
        return count > 0 and (at is None or (now or _now()) >= at)

    # -- changing ---------------------------------------------------------------------
    def add(self, change_set: ChangeSet, error: str | None = None, now: dt.datetime | None = None) -> None:
        """Queue ``change_set`` (a second add of the same id is ignored)."""
        with self._lock:
            entries = _load(self.path)
            if any(e["change_set"]["id"] == change_set.id for e in entries):
                return
            entries.append({"change_set": change_set_to_json(change_set), "attempts": 0, "last_error": error,
                            "next_attempt_at": None, "queued_at": (now or _now()).isoformat()})
            _dump(self.path, entries)

    def dismiss(self, change_set_id: str) -> None:
        """Remove a parked change set once the secretary has dealt with it."""
        with self._lock:
            entries = _load(self.conflicts_path)
            _dump(self.conflicts_path, [e for e in entries if e["change_set"]["id"] != change_set_id])

    def submit(self, save_fn: SaveFn, change_set: ChangeSet, now: dt.datetime | None = None) -> Submitted:
        """Write ``change_set`` now, or keep it when the sheet cannot be written.

        While older change sets wait, the new one queues behind them (order is kept) and
        the queue is drained if due. A conflict or refusal of a direct save propagates.
        """
        if self.pending():
            self.add(change_set, now=now)
            report = self.drain(save_fn, now=now)
            if change_set.id in report.saved:
                return Submitted("saved")
            return Submitted("parked" if change_set.id in report.parked else "queued", report.error)
        try:
            save_fn(change_set)
        except SourceError as exc:
            self.add(change_set, error=str(exc), now=now)
            return Submitted("queued", str(exc))
        return Submitted("saved")

    def drain(self, save_fn: SaveFn, now: dt.datetime | None = None, force: bool = False) -> DrainReport:
        """Try the pending change sets in order until one cannot be written.

        Written (or found already written): removed. ``WriteConflict`` or another refusal:
        parked. ``SourceError`` (or an unexpected error): kept with the rest, and the next
        attempt is put off by exponential backoff with jitter. Unless ``force``, nothing is
        tried before that time.
        """
        now = now or _now()
        if not self._drain_lock.acquire(blocking=False):
            return DrainReport(remaining=len(self.pending()), skipped=True)
        try:
            if not force and not self.due(now):
                count, error, at = self.status()
                return DrainReport(remaining=count, error=error, next_attempt_at=at, skipped=count > 0)
            saved: list[str] = []
            parked: list[str] = []
            for change_set in self.pending():
                try:
                    save_fn(change_set)
                except WriteConflict as exc:
                    self._park(change_set, "conflict", exc, now)
                    parked.append(change_set.id)
                except Exception as exc:  # anything else: keep the data, retry later
                    if isinstance(exc, ScoreboardError) and not isinstance(exc, SourceError):
                        self._park(change_set, "rejected", exc, now)
                        parked.append(change_set.id)
                        continue
                    if not isinstance(exc, SourceError):
                        _log.exception("outbox: unexpected error saving change set %s", change_set.id)
                    count, at = self._failed(change_set.id, f"{exc}" or type(exc).__name__, now)
                    return DrainReport(tuple(saved), tuple(parked), count, str(exc), at)
                else:
                    self._remove(change_set.id)
                    saved.append(change_set.id)
            return DrainReport(tuple(saved), tuple(parked))
        finally:
            self._drain_lock.release()

    def backoff(self, attempts: int) -> float:
        """Seconds to wait after ``attempts`` failures: doubling, capped, with 50–100 % jitter."""
        delay = min(self.max_delay, self.base_delay * 2 ** max(attempts - 1, 0))
        return delay * self._rng.uniform(0.5, 1.0)

    # -- internals --------------------------------------------------------------------
    def _remove(self, change_set_id: str) -> None:
        with self._lock:
            entries = _load(self.path)
            _dump(self.path, [e for e in entries if e["change_set"]["id"] != change_set_id])

    def _park(self, change_set: ChangeSet, kind: str, exc: Exception, now: dt.datetime) -> None:
        conflicts = getattr(exc, "conflicts", ())
        with self._lock:
            parked = [e for e in _load(self.conflicts_path) if e["change_set"]["id"] != change_set.id]
            parked.append({"change_set": change_set_to_json(change_set), "kind": kind, "message": str(exc),
                           "code": exc.code if isinstance(exc, CodedError) else "",
                           "params": [[k, _param_json(v)] for k, v in getattr(exc, "params", ())],
                           "conflicts": [_conflict_to_json(c) for c in conflicts], "at": now.isoformat()})
            _dump(self.conflicts_path, parked)  # parked first: a crash in between retries, never loses
            _dump(self.path, [e for e in _load(self.path) if e["change_set"]["id"] != change_set.id])

    def _failed(self, change_set_id: str, error: str, now: dt.datetime) -> tuple[int, dt.datetime | None]:
        with self._lock:
            entries = _load(self.path)
            at = None
            for entry in entries:
                if entry["change_set"]["id"] == change_set_id:
                    entry["attempts"] += 1
                    entry["last_error"] = error
                    at = now + dt.timedelta(seconds=self.backoff(entry["attempts"]))
                    entry["next_attempt_at"] = at.isoformat()
            _dump(self.path, entries)
            return len(entries), at


# -- JSON -------------------------------------------------------------------------------
def _dec(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _undec(value: str | None) -> Decimal | None:
    return None if value is None else Decimal(value)


def change_set_to_json(change_set: ChangeSet) -> dict[str, Any]:
    """A change set as JSON-ready data; Decimals become strings so they come back exactly."""
    return {
        "id": change_set.id, "user": change_set.user, "role": change_set.role.value,
        "created_at": change_set.created_at,
        "adjustments": [{"criterion": a.criterion, "province": a.province, "old": _dec(a.old), "new": _dec(a.new),
                         "reason": a.reason, "tab": a.tab} for a in change_set.adjustments],
    }


def change_set_from_json(data: dict[str, Any]) -> ChangeSet:
    """The inverse of ``change_set_to_json``."""
    adjustments = tuple(Adjustment(a["criterion"], a["province"], _undec(a["old"]), _undec(a["new"]), a["reason"],
                                   a.get("tab", "ThongNhat"))
                        for a in data["adjustments"])
    return ChangeSet(data["user"], Role(data["role"]), adjustments, data["id"], data["created_at"])


def _conflict_to_json(c: Conflict) -> dict[str, Any]:
    return {"criterion": c.criterion, "province": c.province, "province_name": c.province_name,
            "yours": _dec(c.yours), "started_from": _dec(c.started_from), "now": _dec(c.now), "by": c.by, "at": c.at}


def _parked_from_json(data: dict[str, Any]) -> Parked:
    conflicts = tuple(
        Conflict(c["criterion"], c["province"], c["province_name"], _undec(c["yours"]), _undec(c["started_from"]),
                 _undec(c["now"]), c["by"], c["at"])
        for c in data["conflicts"]
    )
    params = tuple((k, tuple(v) if isinstance(v, list) else v) for k, v in data.get("params", []))
    return Parked(change_set_from_json(data["change_set"]), data["kind"], data["message"], conflicts, data["at"],
                  data.get("code", ""), params)


def _param_json(value: object) -> object:
    """A message parameter as JSON: numbers and text as they are, anything else as its text."""
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    if isinstance(value, tuple):
        return [_param_json(v) for v in value]
    return str(value)


def _now() -> dt.datetime:
    return dt.datetime.now(VN_TIME)


def _time(value: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(value) if value else None


def _load(path: Path) -> list[dict[str, Any]]:
    """Every entry of a JSON lines file (none when it does not exist yet)."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return []
    entries = []
    for number, line in enumerate(text.splitlines(), start=1):
        if line.strip():
            try:
                entries.append(json.loads(line))
            except json.JSONDecodeError as exc:
                raise ValueError(f"{path}:{number}: dòng hỏng trong hàng đợi, không đọc được: {exc}") from exc
    return entries


def _dump(path: Path, entries: list[dict[str, Any]]) -> None:
    """Replace the file's content atomically: write a temporary file, fsync, ``os.replace``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            for entry in entries:
                out.write(json.dumps(entry, ensure_ascii=False) + "\n")
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    try:
        dir_fd = os.open(path.parent, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(dir_fd)
    except OSError:
        pass
    finally:
        os.close(dir_fd)
