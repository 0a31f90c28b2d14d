"""The server's garbage-collector tending: survivors frozen, cycles among them swept only when quiet.

The steps are driven directly with a clock of the test's own: no sleep races the tending interval.
"""

from __future__ import annotations

import asyncio
import gc
import weakref

from web import heap


class Node:
    """An object that can sit in a reference cycle and be watched through a weak reference."""

    def __init__(self) -> None:
        self.other: Node | None = None


def test_survivors_are_frozen_and_their_cycles_wait_for_a_quiet_sweep():
    quiet = {"seconds": 0.0}
    tending = heap.Tending(lambda: quiet["seconds"], sweep_every=0.2, quiet=1.0, now=0.0)
    sweeps = heap.stats.sweeps
    try:
        a, b = Node(), Node()
        a.other, b.other = b, a  # a cycle: refcounting alone never frees it
        watch = weakref.ref(a)
        assert not tending.step(0.02)  # frozen while alive
        frozen = gc.get_freeze_count()
        del a, b
        gc.collect()
        assert watch() is not None  # an ordinary full collection skips the frozen cycle
        assert not tending.step(0.3)  # overdue but still publishing: no sweep
        assert watch() is not None
        quiet["seconds"] = 5.0
        assert tending.step(0.32)  # quiet: the sweep unfreezes and collects
        assert watch() is None
    finally:
        gc.unfreeze()
    assert frozen > 0
    assert heap.stats.sweeps == sweeps + 1 and heap.stats.last_sweep_seconds >= 0


def test_edits_that_never_pause_put_the_sweep_off_only_three_times_over():
    tending = heap.Tending(lambda: 0.0, sweep_every=10.0, quiet=100.0, now=0.0)
    sweeps = heap.stats.sweeps
    try:
        assert not any(tending.step(t) for t in (1.0, 10.0, 20.0, 29.9))  # overdue, but never quiet: not yet
        assert heap.stats.sweeps == sweeps
        assert tending.step(30.0)  # three times the interval: swept anyway
        assert not tending.step(31.0)  # and the count starts again from that sweep
    finally:
        gc.unfreeze()
    assert heap.stats.sweeps == sweeps + 1
    assert heap.stats.frozen > 0  # counted at each freeze (counting walks them all), not per /metrics scrape


def test_the_loop_steps_on_its_clock_and_survives_a_failing_probe():
    """The running task: it tends on each tick and a probe that raises never stops it."""
    calls: list[int] = []

    def probe() -> float:
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("probe broke")
        return 5.0  # quiet from then on

    ticks = iter(range(1000))

    async def scenario() -> int:
        sweeps = heap.stats.sweeps
        task = asyncio.create_task(heap.tend(probe, freeze_every=0, sweep_every=1.0, quiet=1.0,
                                             clock=lambda: float(next(ticks))))
        while heap.stats.sweeps == sweeps:  # polled on a condition: the step after the failure swept
            await asyncio.sleep(0)
        task.cancel()
        return heap.stats.sweeps - sweeps

    try:
        swept = asyncio.run(asyncio.wait_for(scenario(), 120))
    finally:
        gc.unfreeze()
    assert swept >= 1 and len(calls) >= 2
