"""Run ``streamlit`` under a small sampling profiler that weighs stacks by thread CPU time.

Usage (what ``load.py --profile`` does)::

    python benchmarks/profile_server.py REPORT.txt -- run app.py --server.port 8501 …

Every ``PERIOD`` seconds a background thread reads each thread's CPU clock
(``time.pthread_getcpuclockid``) and its current Python stack; the CPU time a thread
used since the last sample is charged to that stack, so idle threads (the event loop
waiting in ``select``, script threads waiting for work) cost nothing. At exit it writes
REPORT.txt (``SIGUSR1`` restarts the tally, e.g. after warm-up): CPU by package/module of
the innermost frame ("self"), by function including callees ("total"), and by thread. No extra packages are needed; the
overhead (a few % of one core) is charged to the profiler's own thread, not reported.
"""

from __future__ import annotations

import atexit
import collections
import os
import signal
import sys
import threading
import time
from pathlib import Path
from types import FrameType

PERIOD = 0.005
SITE = f"{os.sep}site-packages{os.sep}"


def _where(frame: FrameType) -> str:
    """``package`` for a library frame, ``file`` for the app's own code, ``stdlib:module`` else."""
    path = frame.f_code.co_filename
    if SITE in path:
        return path.split(SITE, 1)[1].split(os.sep, 1)[0].removesuffix(".py")
    if "python3." in path and f"{os.sep}lib{os.sep}" in path:
        return "stdlib:" + Path(path).stem
    parts = Path(path).parts
    return "/".join(parts[-2:])


def _function(frame: FrameType) -> str:
    code = frame.f_code
    return f"{_where(frame)}:{code.co_qualname}"


class Profiler:
    """Charges each thread's CPU time between samples to its current stack."""

    def __init__(self, report: Path, period: float = PERIOD) -> None:
        self.report = report
        self.period = period
        self.self_by_module: collections.Counter[str] = collections.Counter()
        self.self_by_function: collections.Counter[str] = collections.Counter()
        self.total_by_function: collections.Counter[str] = collections.Counter()
        self.by_thread: collections.Counter[str] = collections.Counter()
        self._last: dict[int, float] = {}
        self._stop = threading.Event()
        self._started = time.monotonic()

    def _sample(self) -> None:
        me = threading.get_ident()
        names = {t.ident: t.name for t in threading.enumerate()}
        for ident, frame in sys._current_frames().items():
            if ident == me:
                continue
            try:
                now = time.clock_gettime(time.pthread_getcpuclockid(ident))
            except OSError:
                continue
            used = now - self._last.get(ident, now)
            self._last[ident] = now
            if used <= 0:
                continue
            name = names.get(ident, "?")
            self.by_thread[name.rstrip("0123456789-_ ")] += used
            self.self_by_module[_where(frame)] += used
            self.self_by_function[_function(frame)] += used
            seen = set()
            walk: FrameType | None = frame
            while walk is not None:
                key = _function(walk)
                if key not in seen:
                    seen.add(key)
                    self.total_by_function[key] += used
                walk = walk.f_back

    def reset(self) -> None:
        """Forget what was sampled so far (start-up, warm-up): ``SIGUSR1`` calls this."""
        for counter in (self.self_by_module, self.self_by_function, self.total_by_function, self.by_thread):
            counter.clear()
        self._started = time.monotonic()

    def run(self) -> None:
        """The sampling loop (in a daemon thread)."""
        while not self._stop.wait(self.period):
            self._sample()

    def write(self) -> None:
        """Write the report."""
        self._stop.set()
        total = sum(self.by_thread.values()) or 1.0
        wall = time.monotonic() - self._started
        lines = [f"CPU seconds sampled: {total:.1f} over {wall:.0f} s of wall time "
                 f"(mean {100 * total / wall:.0f} % of one core)", ""]

        def table(title: str, counter: collections.Counter[str], rows: int) -> None:
            lines.append(f"== {title}")
            for key, value in counter.most_common(rows):
                lines.append(f"{100 * value / total:6.1f} %  {value:8.1f} s  {key}")
            lines.append("")

        table("by thread", self.by_thread, 10)
        table("self, by package / module of the innermost frame", self.self_by_module, 25)
        table("self, by function", self.self_by_function, 40)
        table("total (including callees), by function", self.total_by_function, 80)
        self.report.write_text("\n".join(lines), encoding="utf-8")


def main() -> None:
    """``profile_server.py REPORT -- streamlit-args…``."""
    report = Path(sys.argv[1])
    args = sys.argv[sys.argv.index("--") + 1:]
    profiler = Profiler(report)
    threading.Thread(target=profiler.run, name="profiler", daemon=True).start()
    atexit.register(profiler.write)
    signal.signal(signal.SIGUSR1, lambda *_: profiler.reset())
    from streamlit.web.cli import main as streamlit_main

    sys.argv = ["streamlit", *args]
    try:
        streamlit_main(prog_name="streamlit")
    finally:
        profiler.write()


if __name__ == "__main__":
    main()
