"""One reader of the sheet for the whole deployment: a lease in Redis, and each version published.

Every process's ``SharedReader`` reads through its ``Feed``. The process holding the lease
(``SET NX PX``, renewed on each of its reads and probes) reads the sheet and publishes what it
read: the raw workbook as JSON (``lib.edge.reader.encode_workbook``: shown numbers and dates
tagged, so it reads back exactly) with a generation number, in one hash, and a message on a
pub/sub channel; a failed read is published too, so every process shows "stale" together. The
others do not read the sheet: their probe is the published generation (one small ``HGET``), their
read the published workbook. So N processes cost one read and one probe stream per interval.

A follower's probe also tries to take the lease, so when the holder dies (even by ``kill -9``)
another process holds it within one lease (``lease_seconds``) and reads from then on. A process
that has just saved reads the sheet itself once (``forced``) and publishes it, so its own save is
shown at once everywhere; the generation is taken before the read and a publication older than
the one stored is dropped, so a slower read begun earlier never replaces a newer one.

Redis away: each process reads the sheet for itself (``degraded``; the engine records it for the
banner and ``/metrics``); when Redis answers again the lease is taken anew and one reader remains.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import secrets
import time

from lib.core.errors import SourceError
from lib.core.model import RawWorkbook
from lib.edge.reader import decode_workbook, encode_workbook
from lib.edge.shared import Shared, SharedDown
from lib.edge.sources import Source

PROBE_SECONDS = 0.5
"""How often a process asks Redis for the published generation (a follower sees a version this late)."""

_HOLD = """
if redis.call('get', KEYS[1]) == ARGV[1] then redis.call('pexpire', KEYS[1], ARGV[2]) return 1 end
if redis.call('set', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return 2 end
return 0
"""
_PUBLISH = """
local current = tonumber(redis.call('hget', KEYS[1], 'generation') or '0')
if tonumber(ARGV[1]) <= current then return 0 end
if ARGV[3] == '' then
  redis.call('hset', KEYS[1], 'generation', ARGV[1], 'body', ARGV[2], 'error', '')
else
  redis.call('hset', KEYS[1], 'generation', ARGV[1], 'error', ARGV[3])
end
redis.call('publish', KEYS[2], ARGV[1])
return 1
"""


def lease_seconds(interval: float) -> float:
    """The reader's lease for a refresh interval: two intervals and one slow read's worth (10 s).

    Renewed on every read and probe of the holder, so it lapses only when the holder is gone
    or stuck in one read for longer than that; another process then reads (two reads, never none).
    """
    return 2 * interval + 10


class Feed:
    """This process's side of the one reader: holder or follower, or on its own while Redis is away."""

    probe_seconds = PROBE_SECONDS

    def __init__(self, engine: Shared, lease: float) -> None:
        self.engine = engine
        self.lease_ms = int(lease * 1000)
        self.token = secrets.token_hex(12)
        self.holder = False
        self.sheet_reads = 0  # reads of the sheet made by this process (the rest came through Redis)
        self.taken_over = 0  # how often this process took the lease
        self._next_sheet_probe = 0.0
        self._sheet_version: object = None
        self._keys = (engine.key("reader", "lease"), engine.key("reader", "workbook"), engine.key("reader", "new"))

    @property
    def degraded(self) -> bool:
        """True while Redis is away: this process reads the sheet for itself."""
        return not self.engine.healthy

    def _hold(self) -> bool:
        answer = self.engine.call(lambda r: r.eval(_HOLD, 1, self._keys[0], self.token, self.lease_ms))
        if answer == 2:
            self.taken_over += 1
        self.holder = bool(answer)
        return self.holder

    def version(self, source: Source) -> object:
        """The probe: the holder renews its lease and probes the sheet; a follower asks for the generation."""
        try:
            if self._hold():
                probe = getattr(source, "version", None)
                if probe is None:
                    return ("held", self.token)
                now = time.monotonic()  # the sheet's own probe at its own pace (a Drive call: 2 s)
                if now >= self._next_sheet_probe:
                    self._next_sheet_probe = now + float(getattr(source, "probe_seconds", PROBE_SECONDS))
                    self._sheet_version = probe()
                return ("sheet", self._sheet_version)
            return ("feed", self.engine.call(lambda r: r.hget(self._keys[1], "generation")))
        except SharedDown:
            probe = getattr(source, "version", None)  # on its own: the sheet's own probe, if any
            return ("sheet", probe()) if probe is not None else None

    def read(self, source: Source, forced: bool = False) -> RawWorkbook:
        """The workbook: read from the sheet (holder, forced, or nothing published yet) or as published."""
        try:
            holder = self._hold()
            if not (holder or forced):
                published = self.engine.call(lambda r: r.hmget(self._keys[1], "body", "error"))
                if published[0] is not None:
                    if published[1]:
                        raise SourceError(published[1].decode())
                    return decode_workbook(published[0].decode())
            generation = int(self.engine.call(lambda r: r.incr(self.engine.key("reader", "generation"))))
        except SharedDown:
            self.sheet_reads += 1
            return source.read()  # degraded: each process reads for itself
        self.sheet_reads += 1
        try:
            raw = source.read()
        except SourceError as exc:
            self._publish(generation, "", str(exc) or type(exc).__name__)
            raise
        self._publish(generation, encode_workbook(raw, dt.datetime.now(dt.UTC)), "")
        return raw

    def _publish(self, generation: int, body: str, error: str) -> None:
        with contextlib.suppress(SharedDown):  # this process has the data; the others read for themselves
            self.engine.call(lambda r: r.eval(_PUBLISH, 2, self._keys[1], self._keys[2], generation, body, error))

