"""One read of the workbook per interval for the whole server, and never a blank screen.

``SharedReader`` is a process-wide, thread-safe cache in front of a ``Source``. Every
session asks it for the current ``Snapshot``; at most one thread reads the source at a
time, and while it does every other caller gets the last good snapshot at once instead
of waiting (only the very first read, with nothing to show yet, makes callers wait).
A failed read keeps the last good snapshot, marks it stale with the error, and is
retried after a backoff; with ``cache_file`` set the last good workbook is also kept on
disk, so a restart during an outage still has data to show.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Generic, Protocol, TypeVar

from lib.core.cells import Uncalculated
from lib.core.errors import NoDataYet, SourceError
from lib.core.model import RawWorkbook, ReadFailure
from lib.core.shown import Shown
from lib.edge.sources import Source

T = TypeVar("T")
_log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Snapshot(Generic[T]):
    """The data every screen shows, as of ``fetched_at``.

    ``version`` grows by one with each successful read whose content changed, so that
    derived things (figures, tables) can be cached per version. ``error`` is set while
    the source cannot be read; the data is then the last good one (``stale``).
    """

    value: T
    version: int
    fetched_at: dt.datetime
    error: str | None = None
    failing_since: dt.datetime | None = None
    previous: T | None = None  # the value of the version before, to show what moved
    fault: bool = False  # the error is a bug in evaluating the data (logged), not the source being away

    def age_seconds(self, now: dt.datetime | None = None) -> int:
        """Whole seconds since the data was read."""
        return int(((now or dt.datetime.now(dt.UTC)) - self.fetched_at).total_seconds())

    @property
    def stale(self) -> bool:
        """True when the latest read failed and this is older data."""
        return self.error is not None


class Feed(Protocol):
    """Where the reads go with a shared engine (``lib.edge.shared.feed.Feed``: one reader for the deployment)."""

    probe_seconds: float

    def version(self, source: Source) -> object:
        """The cheap change probe."""
        ...

    def read(self, source: Source, forced: bool = False) -> RawWorkbook:
        """The workbook, from the sheet or as another process published it (``forced``: from the sheet)."""
        ...


@dataclass
class ReadStats:
    """Counters for the source page: reads made, failures, recent read times."""

    reads: int = 0
    probes: int = 0  # cheap change probes (a file's mtime, a Drive file's modifiedTime)
    failures: deque[ReadFailure] = field(default_factory=lambda: deque(maxlen=50))
    read_times: deque[float] = field(default_factory=lambda: deque(maxlen=500))

    def reads_last_minute(self, now: float) -> int:
        """How many reads were started in the last 60 seconds."""
        return sum(1 for t in self.read_times if now - t <= 60)


class SharedReader(Generic[T]):
    """A thread-safe, single-flight, stale-tolerant cache of ``build(source.read())``."""

    def __init__(
        self,
        source: Source,
        build: Callable[[RawWorkbook], T],
        ttl: float,
        cache_file: Path | None = None,
        clock: Callable[[], float] = time.monotonic,
        max_backoff: float = 30.0,
        feed: Feed | None = None,
    ) -> None:
        self.source = source
        self.feed = feed  # with Redis: one reader for the deployment (``lib.edge.shared.feed``)
        self._build = build
        self.ttl = ttl
        self._cache_file = cache_file
        self._clock = clock
        self._max_backoff = max_backoff
        self._lock = threading.Lock()  # held by the one thread reading the source
        self._snapshot: Snapshot[T] | None = None
        self._raw: RawWorkbook | None = None
        self._next_read = 0.0
        self._failures_in_row = 0
        self._version: object = None
        self._next_probe = 0.0
        self._probed: object = None  # the probe's answer that made us read, used as the read's version
        self.probe_every = float(feed.probe_seconds if feed else getattr(source, "probe_seconds", 0.5))
        self.background = False  # set by a Publisher: then only it reads, and ``get`` never does
        self.wake = threading.Event()  # set by ``invalidate`` so that a publisher reads at once
        self._invalidations = 0  # counted so that a read begun before a save does not pass for after it
        self._read_invalidations = 0  # the count the last read began at: more since means "read the sheet itself"
        self.stats = ReadStats()
        self._load_from_disk()

    def get(self) -> Snapshot[T]:
        """The current snapshot, reading the source if the interval has passed (or it changed)."""
        snapshot = self._snapshot
        if self.background and snapshot is not None:
            return snapshot  # the publisher keeps it fresh; viewers never drive reads
        changed = snapshot is not None and self._changed()
        if snapshot is not None and self._clock() < self._next_read and not changed:
            return snapshot
        if snapshot is not None:
            if not self._lock.acquire(blocking=False):
                return snapshot  # another thread is reading; show what we have
        else:
            self._lock.acquire()
        try:
            # Checked again under the lock: another thread may have re-read the change already.
            if self._snapshot is None or self._clock() >= self._next_read or (changed and self._differs()):
                self._refresh()
        finally:
            self._lock.release()
        if self._snapshot is None:
            failure = self.stats.failures[-1].message if self.stats.failures else "chưa đọc được dữ liệu"
            raise NoDataYet(failure)
        return self._snapshot

    @property
    def current(self) -> Snapshot[T] | None:
        """The snapshot as it is now, never reading (None before the first good read)."""
        return self._snapshot

    def seconds_to_next_read(self) -> float:
        """How long until the interval's read is due (0 when due now)."""
        return max(0.0, self._next_read - self._clock())

    def poll(self) -> Snapshot[T] | None:
        """Read the source if it is due (interval passed, invalidated, or the probe saw a change).

        Called by the publisher's thread; blocks while another read is in flight. Returns the
        current snapshot (None while there has never been good data).
        """
        changed = self._snapshot is not None and self._changed()
        with self._lock:
            if self._clock() >= self._next_read or changed:  # also before any good data: backoff holds
                self._refresh()
        return self._snapshot

    def _changed(self) -> bool:
        """Whether a cheap probe says the source changed since the last read (local files only).

        A local workbook tells its modification time for the price of a ``stat``, so an edit
        shows on the next screen refresh; a Google Sheet has no free probe and is read on the
        interval. Probes are throttled to one per ``probe_every`` seconds for the server.
        """
        probe = self._probe()
        now = self._clock()
        if probe is None or now < self._next_probe:
            return False
        self._next_probe = now + self.probe_every
        return self._differs()

    def _probe(self) -> Callable[[], object] | None:
        """The cheap change probe: the feed's (with Redis) or the source's own ``version`` (None: none)."""
        if self.feed is not None:
            return lambda: self.feed.version(self.source)  # type: ignore[union-attr]
        return getattr(self.source, "version", None)

    def _differs(self) -> bool:
        probe = self._probe()
        if probe is None:
            return False
        self.stats.probes += 1
        try:
            answer = probe()
        except (OSError, SourceError):
            return False  # the probe could not tell; the interval read still comes
        if answer != self._version:
            self._probed = answer
            return True
        return False

    def invalidate(self) -> None:
        """Make the next ``get`` (or the publisher, at once) read the source (after a save)."""
        self._invalidations += 1
        self._next_read = 0.0
        self.wake.set()

    def settle(self) -> Snapshot[T] | None:
        """After ``invalidate``: the snapshot of a read begun after it (reading now unless another thread just did).

        Blocks while another read is in flight; a saving page calls it so that its rerun shows its own save.
        """
        with self._lock:
            if self._clock() >= self._next_read:
                self._refresh()
        return self._snapshot

    def _refresh(self) -> None:
        started = self._clock()
        invalidations = self._invalidations
        self.stats.reads += 1
        self.stats.read_times.append(started)
        now = dt.datetime.now(dt.UTC)
        previous = self._snapshot
        forced, self._read_invalidations = invalidations != self._read_invalidations, invalidations
        try:
            probe = self._probe()
            if self._probed is not None:
                self._version, self._probed = self._probed, None  # just probed: no second call
            else:
                try:
                    self._version = probe() if probe is not None else None
                    if probe is not None:
                        self.stats.probes += 1
                except (OSError, SourceError):
                    self._version = None  # the source is away: the read below says why
            raw = self.feed.read(self.source, forced) if self.feed is not None else self.source.read()
        except SourceError as exc:  # the source is away: keep the last good data, marked stale
            self._failed(now, exc)
            return
        changed = previous is None or raw != self._raw
        try:
            # Parse and score only when the content changed: an unchanged sheet costs one read.
            value = self._build(raw) if changed or previous is None else previous.value
        except Exception as exc:  # a bug, not an outage: logged in full, shown as a fault, never as "stale"
            _log.exception("evaluating the workbook failed")
            self._failed(now, exc, fault=True)
            return
        self._failures_in_row = 0
        # an invalidation during the read (a save landed meanwhile) keeps the next read due at once
        self._next_read = self._clock() + self.ttl if invalidations == self._invalidations else 0.0
        self._raw = raw
        if previous is None:
            self._snapshot = Snapshot(value, 1, now)
        elif changed:
            self._snapshot = Snapshot(value, previous.version + 1, now, previous=previous.value)
        else:
            self._snapshot = Snapshot(value, previous.version, now, previous=previous.previous)
        if changed:
            self._save_to_disk(raw, now)

    def _failed(self, now: dt.datetime, exc: Exception, fault: bool = False) -> None:
        message = str(exc) or type(exc).__name__
        if fault:
            message = f"{type(exc).__name__}: {message}"
        self.stats.failures.append(ReadFailure(now, message))
        self._failures_in_row += 1
        backoff = min(self.ttl * 2 ** (self._failures_in_row - 1), max(self._max_backoff, self.ttl))
        self._next_read = self._clock() + backoff
        if self._snapshot is not None:
            since = self._snapshot.failing_since or now
            self._snapshot = replace(self._snapshot, error=message, failing_since=since, fault=fault)

    def _save_to_disk(self, raw: RawWorkbook, at: dt.datetime) -> None:
        if self._cache_file is None:
            return
        try:
            self._cache_file.parent.mkdir(parents=True, exist_ok=True)
            temp = self._cache_file.with_suffix(".tmp")
            temp.write_text(encode_workbook(raw, at), encoding="utf-8")
            os.replace(temp, self._cache_file)
        except OSError:
            pass  # the disk copy is a convenience; the data in memory is still good

    def _load_from_disk(self) -> None:
        if self._cache_file is None or not self._cache_file.exists():
            return
        try:
            raw, at = decode_workbook_at(self._cache_file.read_text(encoding="utf-8"))
            value = self._build(raw)
        except (OSError, ValueError, KeyError, TypeError):
            return
        self._raw = raw
        # Shown at once, marked stale until the first live read succeeds.
        self._snapshot = Snapshot(value, 1, at, "dữ liệu lưu từ lần đọc trước, đang đọc lại", at)


def encode_workbook(raw: RawWorkbook, at: dt.datetime) -> str:
    """``raw`` read at ``at`` as JSON text that ``decode_workbook`` reads back exactly (the disk copy, the feed)."""
    return json.dumps({"fetched_at": at.isoformat(), "workbook": raw}, ensure_ascii=False, default=_json_default)


def decode_workbook_at(text: str) -> tuple[RawWorkbook, dt.datetime]:
    """The workbook and its read time from ``encode_workbook``'s text (``ValueError``/``KeyError`` if not one)."""
    data = json.loads(text, object_hook=_json_object)
    return data["workbook"], dt.datetime.fromisoformat(data["fetched_at"])


def decode_workbook(text: str) -> RawWorkbook:
    """The workbook of ``encode_workbook``'s text."""
    return decode_workbook_at(text)[0]


_TAG = "__cell__"
"""The key of a JSON object standing for a cell value JSON has no type for (a shown number, a date)."""


def _json_default(value: object) -> object:
    """A cell value JSON cannot hold, as a tagged object that ``_json_object`` turns back into it.

    The disk copy must read exactly as the live read did: a percent-formatted number saved as its
    text "5,6%" would read back as text (an error), a date as an ISO string (not a date).
    """
    if isinstance(value, Uncalculated):
        return {_TAG: "uncalculated", "formula": value.formula}
    if isinstance(value, Shown):
        return {_TAG: "shown", "value": value.value, "pattern": value.pattern, "text": value.text,
                "locale": value.locale}
    for kind, cls in (("datetime", dt.datetime), ("date", dt.date), ("time", dt.time)):
        if isinstance(value, cls):
            return {_TAG: kind, "iso": value.isoformat()}
    if isinstance(value, dt.timedelta):
        return {_TAG: "timedelta", "seconds": value.total_seconds()}
    return str(value)


def _json_object(data: dict[str, object]) -> object:
    """The cell value a tagged object stands for (``_json_default``'s inverse); other objects as they are."""
    kind = data.get(_TAG)
    if kind is None:
        return data
    if kind == "shown":
        return Shown(data["value"], str(data["pattern"]), data["text"], str(data["locale"]))  # type: ignore[arg-type]
    if kind == "uncalculated":
        return Uncalculated(str(data["formula"]))
    if kind == "timedelta":
        return dt.timedelta(seconds=float(data["seconds"]))  # type: ignore[arg-type]
    parse = {"datetime": dt.datetime, "date": dt.date, "time": dt.time}[str(kind)]
    return parse.fromisoformat(str(data["iso"]))
