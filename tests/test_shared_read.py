"""One read per interval for the whole server, and the last good data kept on failure."""

from __future__ import annotations

import json
import threading

import pytest

from lib.core.errors import Unavailable
from lib.core.model import RawWorkbook
from lib.edge.reader import NoDataYet, SharedReader
from lib.edge.sources import WriteBatch
from tests.servers import until


class CountingSource:
    """A source that counts reads and can be made slow or failing."""

    label = "test"

    def __init__(self) -> None:
        self.reads = 0
        self.fail = False
        self.gate: threading.Event | None = None  # a read in flight waits for it: the test holds the read open
        self.reading = threading.Event()  # set when a read has started
        self.content: RawWorkbook = {"TuCham": [["Mã", "51"], ["1.1", 9]]}

    def read(self) -> RawWorkbook:
        self.reads += 1
        self.reading.set()
        if self.gate is not None:
            assert self.gate.wait(120), "the test never let the read finish"
        if self.fail:
            raise Unavailable("mất kết nối")
        return json.loads(json.dumps(self.content))

    def write(self, batch: WriteBatch) -> None:  # pragma: no cover - not used here
        raise NotImplementedError


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def reader(source: CountingSource, clock: Clock, **kw) -> SharedReader[int]:
    return SharedReader(source, lambda raw: raw["TuCham"][1][1], ttl=10, clock=clock, **kw)


def test_reads_once_per_interval():
    source, clock = CountingSource(), Clock()
    r = reader(source, clock)
    for _ in range(20):
        assert r.get().value == 9
    assert source.reads == 1
    clock.now += 10
    r.get()
    assert source.reads == 2


def test_a_stampede_after_expiry_makes_one_read():
    source, clock = CountingSource(), Clock()
    r = reader(source, clock)
    r.get()
    clock.now += 11
    source.gate, source.reading = threading.Event(), threading.Event()
    barrier = threading.Barrier(50)
    values = []

    def viewer() -> None:
        barrier.wait()
        values.append(r.get().value)

    threads = [threading.Thread(target=viewer) for _ in range(50)]
    for t in threads:
        t.start()
    assert source.reading.wait(120)
    until(lambda: len(values) == 49, "the others waited for the read in flight")  # it is held open meanwhile
    source.gate.set()
    for t in threads:
        t.join()
    assert source.reads == 2 and values == [9] * 50


def test_first_read_stampede_waits_for_one_read():
    source, clock = CountingSource(), Clock()
    source.gate = threading.Event()
    r = reader(source, clock)
    threads = [threading.Thread(target=r.get) for _ in range(20)]
    for t in threads:
        t.start()
    assert source.reading.wait(120)  # one read in flight, held open while the others queue on it
    source.gate.set()
    for t in threads:
        t.join()
    assert source.reads == 1


def test_invalidate_makes_the_next_get_read():
    source, clock = CountingSource(), Clock()
    r = reader(source, clock)
    r.get()
    source.content["TuCham"][1][1] = 7
    assert r.get().value == 9
    r.invalidate()
    snap = r.get()
    assert (snap.value, snap.version, source.reads) == (7, 2, 2)


def test_unchanged_content_keeps_the_version():
    source, clock = CountingSource(), Clock()
    r = reader(source, clock)
    first = r.get()
    clock.now += 10
    assert r.get().version == first.version


def test_failure_keeps_last_good_data_marked_stale_then_recovers():
    source, clock = CountingSource(), Clock()
    r = reader(source, clock)
    good = r.get()
    source.fail = True
    clock.now += 10
    stale = r.get()
    assert stale.stale and stale.value == 9 and stale.fetched_at == good.fetched_at
    assert "mất kết nối" in (stale.error or "")
    # backoff: the next attempt is not made at once
    reads = source.reads
    r.get()
    assert source.reads == reads
    source.fail = False
    clock.now += 120
    fresh = r.get()
    assert not fresh.stale and fresh.value == 9 and r.stats.failures


def test_no_data_at_all_raises_a_clear_error():
    source, clock = CountingSource(), Clock()
    source.fail = True
    with pytest.raises(NoDataYet, match="mất kết nối"):
        reader(source, clock).get()


def test_last_good_data_survives_a_restart_during_an_outage(tmp_path):
    cache = tmp_path / "last-good.json"
    source, clock = CountingSource(), Clock()
    reader(source, clock, cache_file=cache).get()
    assert cache.exists()
    source.fail = True
    restarted = reader(source, clock, cache_file=cache)
    snap = restarted.get()
    assert snap.value == 9 and snap.stale


def test_read_counter_per_minute():
    source, clock = CountingSource(), Clock()
    r = reader(source, clock)
    for _ in range(7):
        r.get()
        clock.now += 10
    assert r.stats.reads_last_minute(clock.now) == 6


def test_unchanged_content_is_not_parsed_again_and_a_change_keeps_the_previous_value():
    source, clock = CountingSource(), Clock()
    builds = []
    r = SharedReader(source, lambda raw: builds.append(1) or raw["TuCham"][1][1], ttl=10, clock=clock)
    r.get()
    clock.now += 10
    r.get()
    assert len(builds) == 1
    source.content["TuCham"][1][1] = 7
    clock.now += 10
    snap = r.get()
    assert (snap.value, snap.previous, len(builds)) == (7, 9, 2)
    clock.now += 10
    assert r.get().previous == 9  # still the value before the last change


def test_a_local_file_change_is_seen_before_the_interval_ends():
    source, clock = CountingSource(), Clock()
    stamp = {"v": 1}
    source.version = lambda: stamp["v"]  # what XlsxSource.version gives: the file's mtime
    r = reader(source, clock)
    r.get()
    clock.now += 1
    assert r.get().value == 9 and source.reads == 1  # unchanged: no read before the interval
    source.content["TuCham"][1][1] = 7
    stamp["v"] = 2
    clock.now += 1
    assert r.get().value == 7 and source.reads == 2  # changed: read at once


def test_the_disk_copy_reads_back_cells_exactly_as_the_live_read_gave_them(tmp_path):
    """A percent-formatted number, a date and a time survive a restart as what they were, not as text."""
    import datetime as dt

    from lib.core.cells import parse_score
    from lib.core.errors import CellParseError
    from lib.core.shown import Shown

    percent = Shown(0.056, text="5,6%", locale="vi_VN")
    cells = [percent, Shown(3.5001, pattern="0.00"), dt.datetime(2020, 1, 1), dt.date(2020, 3, 12), dt.time(14, 0),
             dt.timedelta(hours=2), 9.5, "9,5", None, True]

    class Source(CountingSource):
        def read(self) -> RawWorkbook:
            self.reads += 1
            if self.fail:
                raise Unavailable("mất kết nối")
            return {"KetQua": [["Mã", "51"], ["2.1", *cells]]}

    cache = tmp_path / "last-good.json"
    source, clock = Source(), Clock()
    live = SharedReader(source, lambda raw: raw["KetQua"][1][1:], ttl=10, clock=clock, cache_file=cache).get()
    source.fail = True
    restored = SharedReader(source, lambda raw: raw["KetQua"][1][1:], ttl=10, clock=clock, cache_file=cache).get()
    assert restored.stale and restored.value == live.value == cells
    assert parse_score(restored.value[0]) == parse_score(percent)
    with pytest.raises(CellParseError, match="date_format"):
        parse_score(restored.value[2])


class GatedSource(CountingSource):
    """A source whose read waits at a gate after taking its copy of the content (a read "in flight")."""

    def __init__(self) -> None:
        super().__init__()
        self.inside = threading.Event()
        self.go = threading.Event()

    def read(self) -> RawWorkbook:
        copy = super().read()
        self.inside.set()
        assert self.go.wait(10)
        return copy


def test_a_read_begun_before_a_save_does_not_pass_for_the_save_and_settle_reads_it():
    """The bug: a publisher's read in flight when a save landed set the next read an interval away,
    so the saving page (and every screen) kept the old value until the interval ran out."""
    source, clock = GatedSource(), Clock()
    r = reader(source, clock)
    source.go.set()
    assert r.get().value == 9
    source.go.clear()
    source.inside.clear()
    clock.now += 10  # the interval's read is due: the "publisher" begins it with the old content
    publisher = threading.Thread(target=r.poll)
    publisher.start()
    assert source.inside.wait(10)
    source.content = {"TuCham": [["Mã", "51"], ["1.1", 7]]}  # the save writes, then invalidates
    r.invalidate()
    source.go.set()
    publisher.join(10)
    assert r.current.value == 9  # the read in flight saw the old content
    assert r.seconds_to_next_read() == 0  # ... and leaves the next read due at once
    assert r.settle().value == 7


def test_settle_after_a_read_that_began_after_the_invalidation_does_not_read_again():
    source, clock = CountingSource(), Clock()
    r = reader(source, clock)
    r.get()
    source.content = {"TuCham": [["Mã", "51"], ["1.1", 7]]}
    r.invalidate()
    assert r.poll().value == 7  # the publisher was quicker
    reads = source.reads
    assert r.settle().value == 7
    assert source.reads == reads


def test_a_local_workbooks_probe_reads_an_edit_before_the_interval(tmp_path):
    """The file's mtime, not the interval, finds an edit: the clock stays inside the interval."""
    import os
    import shutil
    from pathlib import Path

    from lib.edge.sources.xlsx import XlsxSource

    workbook = tmp_path / "demo.xlsx"
    shutil.copy(Path(__file__).resolve().parent.parent / "config" / "demo.xlsx", workbook)
    clock = Clock()
    r = SharedReader(XlsxSource(workbook), lambda raw: raw["ThongNhat"], ttl=15, clock=clock)
    r.probe_every = 0.0
    first = r.poll()
    assert first is not None and r.stats.reads == 1
    clock.now += 1
    r.poll()  # probed, unchanged: no read
    assert r.stats.reads == 1
    before = workbook.stat().st_mtime_ns
    XlsxSource(workbook).write(WriteBatch(cells={("ThongNhat", 8, 3): 3}))
    os.utime(workbook, ns=(before + 10**9, before + 10**9))  # a new mtime even on a coarse filesystem clock
    clock.now += 1
    changed = r.poll()  # still 13 s before the interval's read
    assert r.stats.reads == 2 and changed is not None and changed.version == first.version + 1
    assert changed.value != first.value
