"""Keep Python's cyclic garbage collector from pausing the whole server for a second at a time.

Measured with ``benchmarks/mixed.py`` (10,000 SSE streams and 300 projectors on one process):
every full collection walked the millions of objects the open connections hold and took
1.1–1.4 s, holding the GIL. One fell exactly on an organiser's edit, so the read of the
workbook took 1.27 s instead of 0.05 s and every screen waited for it.

So every few seconds the young garbage is collected (cheap: only the objects made since) and
everything still alive is moved to the collector's permanent generation (``gc.freeze``, a
list splice), which later collections skip. Refcounting still frees almost everything at
once; only reference cycles among frozen objects wait, for ``sweep`` seconds, until one
full collection while nothing was published for a while (or, if edits never pause, after
three times that).
"""

from __future__ import annotations

import asyncio
import gc
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

FREEZE_SECONDS = 5.0
SWEEP_SECONDS = 600.0
QUIET_SECONDS = 10.0  # a full sweep waits until no new version was published for this long

_log = logging.getLogger(__name__)


@dataclass
class HeapStats:
    """What the tending did (for ``/metrics``)."""

    freezes: int = 0
    sweeps: int = 0
    last_sweep_seconds: float = 0.0
    frozen: int = 0  # objects in the permanent generation after the last freeze (counting them walks them all)


stats = HeapStats()


class Tending:
    """One tending step apart from the waiting (so a test drives it with a clock of its own)."""

    def __init__(self, quiet_for: Callable[[], float], *, sweep_every: float = SWEEP_SECONDS,
                 quiet: float = QUIET_SECONDS, now: float = 0.0) -> None:
        self.quiet_for, self.sweep_every, self.quiet = quiet_for, sweep_every, quiet
        self.last_sweep = now

    def step(self, now: float) -> bool:
        """Sweep if due (and quiet, or three times overdue), then collect the young and freeze; True if it swept."""
        due = now - self.last_sweep
        swept = False
        if (due >= self.sweep_every and self.quiet_for() >= self.quiet) or due >= 3 * self.sweep_every:
            started = time.monotonic()
            gc.unfreeze()
            gc.collect()
            stats.last_sweep_seconds = time.monotonic() - started
            stats.sweeps += 1
            self.last_sweep, swept = now, True
        gc.collect(1)  # the young generations only: milliseconds
        gc.freeze()
        stats.freezes += 1
        stats.frozen = gc.get_freeze_count()
        return swept


async def tend(quiet_for: Callable[[], float], *, freeze_every: float = FREEZE_SECONDS,
               sweep_every: float = SWEEP_SECONDS, quiet: float = QUIET_SECONDS,
               clock: Callable[[], float] = time.monotonic) -> None:
    """Freeze the survivors every ``freeze_every`` s; a full sweep every ``sweep_every`` s when quiet.

    ``quiet_for()``: seconds since the last new version was published. Edits that never pause
    put the sweep off for at most three times ``sweep_every``; then it runs anyway.
    """
    tending = Tending(quiet_for, sweep_every=sweep_every, quiet=quiet, now=clock())
    while True:
        await asyncio.sleep(freeze_every)
        try:
            tending.step(clock())
        except Exception:  # noqa: BLE001 - tending the heap must never stop the server
            _log.exception("tending the garbage collector failed")
