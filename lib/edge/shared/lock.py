"""The workbook's write lock across processes and hosts: a Redis lease with a fencing token.

``write_lock(engine, name)`` is held by ``lib.edge.store`` around a whole re-read, conflict check
and write (through ``lib.edge.sources.locked``). Taking it is ``SET key token NX PX lease``; the
token is random, and once held the hold takes its fencing number (``INCR`` of a counter that
only grows), so holds are numbered in the order they held the lock.
Releasing it is a compare-and-delete (a Lua script): a process whose lease
ran out never deletes the next holder's. Right before ``source.write`` the store calls
``Fence.confirm()``, one Lua script that checks the lease is still this hold's, that no write
with a later fencing number went first, records this number as written, and renews the lease for
the write itself; otherwise it raises ``LeaseLost`` and nothing is written (the outbox retries:
the retry re-reads under a new hold, and sees the other process's value as a conflict).

The Sheets API cannot check a token itself, so the last step is bounded, not fenced: the
renewed lease (``LEASE_MS``, 60 s) outlasts one write with every retry (the Sheets source gives
up after 25 s of retries plus one 20 s read timeout). Re-entrant within a thread (``save_built``
holds it around ``save``). Redis away: ``SharedDown`` (a ``SourceError``): the save is queued,
never written unlocked.
"""

from __future__ import annotations

import contextlib
import secrets
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass

from lib.core.errors import SourceError
from lib.edge.shared import Shared

LEASE_MS = 60_000
"""How long a hold lives without renewal: past one Sheets re-read or write with all its retries."""
WAIT_SECONDS = 60.0
"""How long a writer waits for another process's hold before giving up (the save is then queued)."""

_CONFIRM = """
if redis.call('get', KEYS[1]) ~= ARGV[1] then return 0 end
local last = tonumber(redis.call('get', KEYS[2]) or '0')
if tonumber(ARGV[3]) < last then return -1 end
redis.call('set', KEYS[2], ARGV[3])
redis.call('pexpire', KEYS[1], ARGV[2])
return 1
"""
_RELEASE = """
if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end
return 0
"""


class LeaseLost(SourceError):
    """The write lock's lease ran out (or a later holder wrote) before this write: nothing was written."""


@dataclass
class Fence:
    """One hold of the write lock: its fencing number and token; ``confirm`` before each write."""

    engine: Shared | None
    name: str = ""
    number: int = 0
    token: str = ""

    def confirm(self) -> None:
        """Check this hold still owns the lock and no later one wrote; renew it for the write. ``LeaseLost`` if not."""
        if self.engine is None:
            return
        keys = [self.engine.global_key("lock", self.name), self.engine.global_key("fence-written", self.name)]
        answer = self.engine.call(lambda r: r.eval(_CONFIRM, 2, *keys, self.token, LEASE_MS, self.number))
        if answer != 1:
            raise LeaseLost(f"Khóa ghi chung hết hạn trước khi ghi (số rào {self.number}); chưa ghi gì, sẽ thử lại")


UNFENCED = Fence(None)
"""What ``locked`` yields without a shared engine: ``confirm`` checks nothing."""

_local = threading.local()


@contextlib.contextmanager
def write_lock(engine: Shared, name: str, wait: float = WAIT_SECONDS) -> Iterator[Fence]:
    """Hold the shared write lock ``name`` (re-entrant within a thread); yields its ``Fence``."""
    held: dict[str, list] = _local.__dict__.setdefault("held", {})
    if name in held:
        held[name][1] += 1
        try:
            yield held[name][0]
        finally:
            held[name][1] -= 1
        return
    fence = _acquire(engine, name, wait)
    held[name] = [fence, 1]
    try:
        yield fence
    finally:
        del held[name]
        with contextlib.suppress(SourceError):  # Redis away: the lease runs out on its own
            engine.call(lambda r: r.eval(_RELEASE, 1, engine.global_key("lock", name), fence.token))


def _acquire(engine: Shared, name: str, wait: float) -> Fence:
    token = secrets.token_hex(12)
    key = engine.global_key("lock", name)
    deadline = time.monotonic() + wait
    delay = 0.005
    while not engine.call(lambda r: r.set(key, token, nx=True, px=LEASE_MS)):
        if time.monotonic() >= deadline:
            raise SourceError(f"Đang có tiến trình khác ghi {name} quá {wait:g} giây; thử lại sau")
        time.sleep(delay)
        delay = min(delay * 2, 0.05)
    try:  # numbered once held, so holds are numbered in the order they held the lock
        number = int(engine.call(lambda r: r.incr(engine.global_key("fence", name))))
    except SourceError:
        with contextlib.suppress(SourceError):
            engine.call(lambda r: r.eval(_RELEASE, 1, key, token))
        raise
    return Fence(engine, name, number, token)
