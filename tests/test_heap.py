"""The server's garbage-collector tending: survivors frozen, cycles among them swept only when quiet."""

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

    async def scenario() -> tuple[bool, bool, int]:
        a, b = Node(), Node()
        a.other, b.other = b, a  # a cycle: refcounting alone never frees it
        watch = weakref.ref(a)
        task = asyncio.create_task(heap.tend(lambda: quiet["seconds"], freeze_every=0.02, sweep_every=0.2,
                                             quiet=1.0))
        await asyncio.sleep(0.1)  # frozen while alive
        frozen = gc.get_freeze_count()
        del a, b
        gc.collect()
        survived_busy = watch() is not None  # an ordinary full collection skips the frozen cycle
        await asyncio.sleep(0.2)  # still publishing: no sweep
        survived_busy = survived_busy and watch() is not None
        quiet["seconds"] = 5.0
        await asyncio.sleep(0.2)  # quiet: the sweep unfreezes and collects
        swept = watch() is None
        task.cancel()
        return survived_busy, swept, frozen

    sweeps = heap.stats.sweeps
    try:
        survived_busy, swept, frozen = asyncio.run(scenario())
    finally:
        gc.unfreeze()
    assert frozen > 0
    assert survived_busy and swept
    assert heap.stats.sweeps > sweeps and heap.stats.last_sweep_seconds >= 0


def test_edits_that_never_pause_put_the_sweep_off_only_three_times_over():
    async def scenario() -> int:
        sweeps = heap.stats.sweeps
        task = asyncio.create_task(heap.tend(lambda: 0.0, freeze_every=0.01, sweep_every=0.05, quiet=1.0))
        await asyncio.sleep(0.1)  # overdue, but never quiet: not yet
        early = heap.stats.sweeps - sweeps
        await asyncio.sleep(0.25)  # past three times the interval: swept anyway
        task.cancel()
        return early, heap.stats.sweeps - sweeps

    try:
        early, late = asyncio.run(scenario())
    finally:
        gc.unfreeze()
    assert early == 0 and late >= 1
    assert heap.stats.frozen > 0  # counted at each freeze (counting walks them all), not per /metrics scrape
