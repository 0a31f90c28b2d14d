"""Read-only screens redraw a few at a time, so the server's event loop is never starved.

Measured with ``benchmarks/mixed.py overload`` (500 admitted delegates, an edit every 5 s):
each edit woke 500 fragment reruns at once, 500 script threads then queued for the GIL,
and the event loop — which carries the projector's stream and fetch, and every ``/live``
phone — got one turn in hundreds: the projector's p95 was 8 s. Reruns of the read-only
views take turns through one small semaphore instead; a waiting thread holds nothing, the
same work gets done, and the loop competes with two script threads rather than five hundred.

Signed-in pages (the secretary's, the meeting's) and the projector page do not queue here.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator

AT_ONCE = 2  # script runs of read-only views in flight per process (this machine has 2 cores)
PATIENCE = 20.0  # seconds a rerun waits for its turn before it goes ahead anyway (never stuck)

_turns = threading.BoundedSemaphore(AT_ONCE)


@contextlib.contextmanager
def turn() -> Iterator[None]:
    """Hold one of the few turns while drawing a read-only view."""
    got = _turns.acquire(timeout=PATIENCE)
    try:
        yield
    finally:
        if got:
            _turns.release()
