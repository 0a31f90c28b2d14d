"""A durable outbox: change sets that could not be written yet are kept, then retried.

The queue lives in the host's SQLite database (``lib.edge.state``, WAL), so every server
process on the host shares one queue and every change is one transaction; a crash
(even ``kill -9``) leaves each entry either queued or not, never half-written.

``submit`` is write-ahead: the change set is queued *before* the sheet is touched, then
written and taken off the queue, so a process killed in the middle of a save leaves the
change in the sheet or in the outbox (or both: the retry is idempotent, the store finds
the change set's id in the log). A fresh entry carries a short lease so that a drainer
elsewhere does not retry it while its own submit is still writing.

``drain`` retries the queue in order. Only *transient* failures (``SourceError``:
network, quota, 5xx, timeouts, a workbook briefly unreadable) wait, with exponential
backoff and jitter, and hold back the rest of the queue. A *permanent* refusal
(``WriteConflict``, ``InvalidChangeSet``, ``NotAllowed``, ``LayoutError``, or an
unexpected error) is set aside at once with its code and parameters for the secretary,
and later change sets go on. An entry that cannot be read back is moved to a quarantine
with a message: never dropped, never blocking.

Decimals are stored as strings and come back exactly. Several queues (one per cluster
configuration) may share one database; ``queue`` names one.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import random
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

from lib.core.errors import CodedError, ScoreboardError, SourceError, WriteConflict
from lib.core.model import VN_TIME, Adjustment, ChangeSet, Conflict, Params, Role
from lib.edge.state import StateError, cross_process_lock, reading, transaction

SaveFn = Callable[[ChangeSet], object]
"""Writes one change set, e.g. ``functools.partial(store.save, source, members=...)`` adapted."""

LEASE_SECONDS = 120.0
"""How long a drainer leaves alone a change set that its own ``submit`` is writing."""

_log = logging.getLogger(__name__)


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
class Quarantined:
    """An outbox entry that could not be read back: kept as it was stored, with why."""

    seq: int
    text: str
    message: str
    at: str


@dataclass(frozen=True)
class DrainReport:
    """What one ``drain`` did; ``skipped`` when it was not due yet or another drain was running."""

    saved: tuple[str, ...] = ()
    parked: tuple[str, ...] = ()
    remaining: int = 0
    error: str | None = None
    next_attempt_at: dt.datetime | None = None
    skipped: bool = False
    quarantined: int = 0


@dataclass(frozen=True)
class Submitted:
    """The outcome of ``submit``: written now, kept in the outbox, or parked as a conflict."""

    status: Literal["saved", "queued", "parked"]
    error: str | None = None
    code: str = ""  # what else to tell: the parked entry's reason, or a state failure after the save
    params: Params = ()


class Outbox:
    """Pending change sets of ``queue`` in the SQLite database at ``path``, plus those set aside."""

    def __init__(self, path: Path, base_delay: float = 5.0, max_delay: float = 300.0,
                 rng: random.Random | None = None, queue: str = "default") -> None:
        """Use the database ``path`` (created on first use); backoff grows from ``base_delay`` to ``max_delay`` s."""
        self.path = Path(path)
        self.queue = queue
        self.base_delay = base_delay
        self.max_delay = max_delay
        self._rng = rng or random.Random()
        self._drain_lock_path = self.path.with_name(f"{self.path.name}.{_safe(queue)}.drain.lock")

    # -- reading ----------------------------------------------------------------------
    def pending(self) -> list[ChangeSet]:
        """The change sets waiting to be written, oldest first (unreadable ones are quarantined)."""
        return [cs for _, cs, _ in self._entries()]

    def conflicts(self) -> list[Parked]:
        """The change sets parked for the secretary (conflicts and refusals), oldest first."""
        with reading(self.path) as db:
            rows = db.execute("SELECT body, kind, message, code, params, conflicts, at, seq FROM outbox_parked "
                              "WHERE queue = ? ORDER BY seq", (self.queue,)).fetchall()
        parked = []
        for body, kind, message, code, params, conflicts, at, seq in rows:
            try:
                parked.append(_parked_from_row(body, kind, message, code, params, conflicts, at))
            except (ValueError, KeyError, TypeError, AttributeError, ArithmeticError) as exc:
                self._quarantine("outbox_parked", seq, body, exc)
        return parked

    def quarantined(self) -> list[Quarantined]:
        """The entries that could not be read back, oldest first, with why."""
        with reading(self.path) as db:
            rows = db.execute("SELECT seq, body, message, at FROM outbox_quarantine WHERE queue = ? ORDER BY seq",
                              (self.queue,)).fetchall()
        return [Quarantined(*row) for row in rows]

    def status(self) -> tuple[int, str | None, dt.datetime | None]:
        """(number pending, last error, time of the next attempt) for a "chưa lưu" banner."""
        with reading(self.path) as db:
            (count,) = db.execute("SELECT count(*) FROM outbox_pending WHERE queue = ?", (self.queue,)).fetchone()
            head = db.execute("SELECT last_error, next_attempt_at FROM outbox_pending WHERE queue = ? "
                              "ORDER BY seq LIMIT 1", (self.queue,)).fetchone()
        if not count:
            return 0, None, None
        return count, head[0], _time(head[1])

    def due(self, now: dt.datetime | None = None) -> bool:
        """True when something is pending and its backoff has passed."""
        count, _, at = self.status()
        return count > 0 and (at is None or (now or _now()) >= at)

    # -- changing ---------------------------------------------------------------------
    def add(self, change_set: ChangeSet, error: str | None = None, now: dt.datetime | None = None) -> None:
        """Queue ``change_set`` (a second add of the same id is ignored)."""
        self._insert(change_set, error, now or _now(), lease=False)

    def dismiss(self, change_set_id: str) -> None:
        """Remove a parked change set once the secretary has dealt with it."""
        with transaction(self.path) as db:
            db.execute("DELETE FROM outbox_parked WHERE queue = ? AND id = ?", (self.queue, change_set_id))

    def requeue(self, change_set_id: str, now: dt.datetime | None = None) -> bool:
        """Put a parked change set back at the end of the queue (e.g. after fixing the layout)."""
        with transaction(self.path) as db:
            row = db.execute("SELECT body FROM outbox_parked WHERE queue = ? AND id = ?",
                             (self.queue, change_set_id)).fetchone()
            if row is None:
                return False
            db.execute("DELETE FROM outbox_parked WHERE queue = ? AND id = ?", (self.queue, change_set_id))
            db.execute("INSERT OR IGNORE INTO outbox_pending (queue, id, body, queued_at) VALUES (?, ?, ?, ?)",
                       (self.queue, change_set_id, row[0], (now or _now()).isoformat()))
        return True

    def dismiss_quarantined(self, seq: int) -> None:
        """Remove a quarantined entry once someone has read it."""
        with transaction(self.path) as db:
            db.execute("DELETE FROM outbox_quarantine WHERE queue = ? AND seq = ?", (self.queue, seq))

    def submit(self, save_fn: SaveFn, change_set: ChangeSet, now: dt.datetime | None = None) -> Submitted:
        """Write ``change_set`` now, or keep it when the sheet cannot be written.

        The change set is queued first (write-ahead), then written and removed. While
        older change sets wait, the new one queues behind them (order is kept) and the
        queue is drained. A conflict or refusal of a direct save propagates (and the
        change set leaves the queue: the page shows it to the secretary).
        """
        now = now or _now()
        # a StateError here (locked, full, I/O): nothing was saved and nothing queued; the page says so
        if self._insert(change_set, None, now, lease=True):
            try:
                report = self.drain(save_fn, now=now)
            except StateError as exc:  # the entry was committed before: it waits in the outbox
                return Submitted("queued", str(exc), exc.code, exc.params)
            if change_set.id in report.saved:
                return Submitted("saved")
            if change_set.id in report.parked:
                return self._parked_outcome(change_set.id)
            return Submitted("queued", report.error)
        try:
            save_fn(change_set)
        except StateError:
            raise
        except SourceError as exc:
            try:
                self._release(change_set.id, str(exc))
            except StateError:  # still queued: its lease runs out and the drainer takes it
                _log.exception("outbox: could not note the failure of %s", change_set.id)
            return Submitted("queued", str(exc))
        except Exception:  # a refusal: the page shows it (an interrupt leaves the entry to the drainer)
            try:
                self._remove(change_set.id)
            except StateError:  # the drainer will meet the same refusal and set it aside
                _log.exception("outbox: could not take refused %s off the queue", change_set.id)
            raise
        try:
            self._remove(change_set.id)
        except StateError as exc:  # saved; the retry finds its id in the sheet's log and writes nothing twice
            return Submitted("saved", str(exc), "state.saved_still_queued", exc.params)
        return Submitted("saved")

    def _parked_outcome(self, change_set_id: str) -> Submitted:
        """A change set set aside during its own submit: ``parked`` with its reason's code and words."""
        for parked in self.conflicts():
            if parked.change_set.id == change_set_id:
                return Submitted("parked", parked.message, parked.code, parked.params)
        return Submitted("parked")

    def drain(self, save_fn: SaveFn, now: dt.datetime | None = None, force: bool = False) -> DrainReport:
        """Try the pending change sets in order until one cannot be written for now.

        Written (or found already written): removed. ``WriteConflict``: parked as a
        conflict; another refusal or an unexpected error: parked as rejected; either way
        the drain goes on. ``SourceError``: kept with the rest, the drain stops, and the
        next attempt is put off by exponential backoff with jitter. Unless ``force``,
        nothing is tried before that time. One drain at a time per queue on the host.
        """
        now = now or _now()
        with cross_process_lock(self._drain_lock_path, blocking=False) as held:
            if not held:
                return DrainReport(remaining=self.status()[0], skipped=True)
            if not force and not self.due(now):
                count, error, at = self.status()
                return DrainReport(remaining=count, error=error, next_attempt_at=at, skipped=count > 0)
            return self._drain(save_fn, now)

    def backoff(self, attempts: int) -> float:
        """Seconds to wait after ``attempts`` failures: doubling, capped, with 50–100 % jitter."""
        delay = min(self.max_delay, self.base_delay * 2 ** max(attempts - 1, 0))
        return delay * self._rng.uniform(0.5, 1.0)

    # -- internals --------------------------------------------------------------------
    def _drain(self, save_fn: SaveFn, now: dt.datetime) -> DrainReport:
        saved: list[str] = []
        parked: list[str] = []
        before = len(self.quarantined())
        for seq, change_set, lease in self._entries():
            if lease is not None and lease > now:
                continue  # its own submit is writing it right now
            try:
                save_fn(change_set)
            except SourceError as exc:
                count, at = self._failed(seq, f"{exc}" or type(exc).__name__, now)
                return DrainReport(tuple(saved), tuple(parked), count, str(exc), at,
                                   quarantined=len(self.quarantined()) - before)
            except WriteConflict as exc:
                self._park(seq, change_set, "conflict", exc, now)
                parked.append(change_set.id)
            except Exception as exc:  # a permanent refusal, or a bug: set aside, go on
                if not isinstance(exc, ScoreboardError):
                    _log.exception("outbox: unexpected error saving change set %s", change_set.id)
                self._park(seq, change_set, "rejected", exc, now)
                parked.append(change_set.id)
            else:
                self._remove(change_set.id)
                saved.append(change_set.id)
        return DrainReport(tuple(saved), tuple(parked), self.status()[0],
                           quarantined=len(self.quarantined()) - before)

    def _insert(self, change_set: ChangeSet, error: str | None, now: dt.datetime, lease: bool) -> int:
        """Queue the change set; returns how many entries wait ahead of it."""
        body = json.dumps(change_set_to_json(change_set), ensure_ascii=False)
        with transaction(self.path) as db:
            (ahead,) = db.execute(  # waiting entries; another process's in-flight submit is not waiting
                "SELECT count(*) FROM outbox_pending WHERE queue = ? AND id != ? "
                "AND (lease_until IS NULL OR lease_until <= ?)",
                (self.queue, change_set.id, now.astimezone(VN_TIME).isoformat())).fetchone()
            lease_end = (now + dt.timedelta(seconds=LEASE_SECONDS)).astimezone(VN_TIME)
            until = lease_end.isoformat() if lease and not ahead else None
            db.execute("INSERT OR IGNORE INTO outbox_pending (queue, id, body, last_error, lease_until, queued_at) "
                       "VALUES (?, ?, ?, ?, ?, ?)", (self.queue, change_set.id, body, error, until, now.isoformat()))
        return ahead

    def _entries(self) -> list[tuple[int, ChangeSet, dt.datetime | None]]:
        with reading(self.path) as db:
            rows = db.execute("SELECT seq, body, lease_until FROM outbox_pending WHERE queue = ? ORDER BY seq",
                              (self.queue,)).fetchall()
        entries = []
        for seq, body, lease in rows:
            try:
                entries.append((seq, change_set_from_json(json.loads(body)), _time(lease)))
            except (ValueError, KeyError, TypeError, AttributeError, ArithmeticError) as exc:
                self._quarantine("outbox_pending", seq, body, exc)
        return entries

    def _quarantine(self, table: str, seq: int, body: str, exc: Exception) -> None:
        _log.error("outbox: entry %s of %s is unreadable and was quarantined: %s", seq, table, exc)
        with transaction(self.path) as db:
            gone = db.execute(f"DELETE FROM {table} WHERE seq = ?", (seq,)).rowcount  # noqa: S608 - fixed names
            if gone:
                db.execute("INSERT INTO outbox_quarantine (queue, body, message, at) VALUES (?, ?, ?, ?)",
                           (self.queue, body, f"{type(exc).__name__}: {exc}", _now().isoformat()))

    def _remove(self, change_set_id: str) -> None:
        with transaction(self.path) as db:
            db.execute("DELETE FROM outbox_pending WHERE queue = ? AND id = ?", (self.queue, change_set_id))

    def _release(self, change_set_id: str, error: str) -> None:
        """A direct save failed for now: leave the entry for the drainer, right away."""
        with transaction(self.path) as db:
            db.execute("UPDATE outbox_pending SET last_error = ?, lease_until = NULL WHERE queue = ? AND id = ?",
                       (error, self.queue, change_set_id))

    def _park(self, seq: int, change_set: ChangeSet, kind: str, exc: Exception, now: dt.datetime) -> None:
        if isinstance(exc, CodedError):
            code, params = exc.code, exc.params
        elif isinstance(exc, ScoreboardError):
            code, params = "", ()
        else:
            code, params = "outbox.unexpected", (("error", f"{type(exc).__name__}: {exc}"),)
        conflicts = getattr(exc, "conflicts", ())
        with transaction(self.path) as db:  # parked and removed in one transaction
            db.execute(
                "INSERT OR REPLACE INTO outbox_parked (queue, id, body, kind, message, code, params, conflicts, at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (self.queue, change_set.id, json.dumps(change_set_to_json(change_set), ensure_ascii=False), kind,
                 str(exc), code, json.dumps([[k, _param_json(v)] for k, v in params], ensure_ascii=False),
                 json.dumps([_conflict_to_json(c) for c in conflicts], ensure_ascii=False), now.isoformat()))
            db.execute("DELETE FROM outbox_pending WHERE seq = ?", (seq,))

    def _failed(self, seq: int, error: str, now: dt.datetime) -> tuple[int, dt.datetime | None]:
        with transaction(self.path) as db:
            row = db.execute("SELECT attempts FROM outbox_pending WHERE seq = ?", (seq,)).fetchone()
            at = None
            if row is not None:
                attempts = row[0] + 1
                at = now + dt.timedelta(seconds=self.backoff(attempts))
                db.execute("UPDATE outbox_pending SET attempts = ?, last_error = ?, next_attempt_at = ?, "
                           "lease_until = NULL WHERE seq = ?", (attempts, error, at.isoformat(), seq))
            (count,) = db.execute("SELECT count(*) FROM outbox_pending WHERE queue = ?", (self.queue,)).fetchone()
        return count, at


def import_jsonl(box: Outbox, path: Path) -> int:
    """Move the entries of an old JSON lines outbox file into ``box``; returns how many were read.

    A line that cannot be read is quarantined with its line number; the file is renamed
    ``*.imported`` afterwards, so nothing is imported twice and nothing is deleted.
    """
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        return 0
    count = 0
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
            change_set = change_set_from_json(data.get("change_set", data))
        except (ValueError, KeyError, TypeError, AttributeError, ArithmeticError) as exc:
            with transaction(box.path) as db:
                db.execute("INSERT INTO outbox_quarantine (queue, body, message, at) VALUES (?, ?, ?, ?)",
                           (box.queue, line, f"{path.name}:{number}: {type(exc).__name__}: {exc}",
                            _now().isoformat()))
            continue
        box.add(change_set, data.get("last_error") if isinstance(data, dict) else None)
        count += 1
    Path(path).rename(Path(path).with_name(Path(path).name + ".imported"))
    return count


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


def _parked_from_row(body: str, kind: Any, message: str, code: str, params: str, conflicts: str,
                     at: str) -> Parked:
    found = tuple(
        Conflict(c["criterion"], c["province"], c["province_name"], _undec(c["yours"]), _undec(c["started_from"]),
                 _undec(c["now"]), c["by"], c["at"])
        for c in json.loads(conflicts)
    )
    values = tuple((k, tuple(v) if isinstance(v, list) else v) for k, v in json.loads(params))
    return Parked(change_set_from_json(json.loads(body)), kind, message, found, at, code, values)


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


def _safe(name: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in name) or "default"
