"""CPU and memory of processes from ``/proc`` (no psutil), and a description of the machine."""

from __future__ import annotations

import datetime as dt
import os
import platform
import shutil
import subprocess
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds used so far by the process ``pid`` (all its threads)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS  # utime, stime (fields 14, 15)


def rss_bytes(pid: int) -> int:
    """Resident set size of ``pid`` in bytes."""
    return int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * PAGE_SIZE


def children(pid: int) -> list[int]:
    """The direct child processes of ``pid`` (e.g. nginx's workers)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
            found.append(int(entry.name))
    return found


@dataclass
class Sample:
    """One reading: when, total CPU seconds and RSS bytes per group of processes."""

    at: float
    cpu: dict[str, float]
    rss: dict[str, int]


@dataclass
class Sampler:
    """Samples named groups of processes every ``period`` seconds in a background thread.

    ``groups`` maps a name (``"server"``, ``"nginx"``, ``"loadgen"``) to the pids whose
    CPU time and RSS are summed.
    """

    groups: dict[str, list[int]]
    period: float = 1.0
    samples: list[Sample] = field(default_factory=list)
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def _read(self) -> Sample:
        cpu: dict[str, float] = {}
        rss: dict[str, int] = {}
        for name, pids in self.groups.items():
            cpu[name] = 0.0
            rss[name] = 0
            for pid in pids:
                try:
                    cpu[name] += cpu_seconds(pid)
                    rss[name] += rss_bytes(pid)
                except (OSError, ValueError, IndexError):
                    pass  # the process ended
        return Sample(time.monotonic(), cpu, rss)

    def start(self) -> None:
        """Begin sampling."""
        self.samples.append(self._read())

        def loop() -> None:
            while not self._stop.wait(self.period):
                self.samples.append(self._read())

        self._thread = threading.Thread(target=loop, name="proc-sampler", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """End sampling (takes a last sample)."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
        self.samples.append(self._read())

    def cpu_percent(self, start: float, end: float) -> dict[str, float]:
        """Mean CPU % per group between two monotonic times (100 % = one core busy)."""
        inside = [s for s in self.samples if start <= s.at <= end]
        if len(inside) < 2:
            return {}
        first, last = inside[0], inside[-1]
        span = last.at - first.at
        return {name: round(100 * (last.cpu[name] - first.cpu[name]) / span, 1) for name in first.cpu}

    def cpu_peak(self, start: float, end: float, window: float = 5.0) -> dict[str, float]:
        """The highest CPU % per group over any ``window`` seconds between ``start`` and ``end``."""
        inside = [s for s in self.samples if start <= s.at <= end]
        peak: dict[str, float] = {}
        for i, later in enumerate(inside):
            earlier = next((s for s in reversed(inside[:i]) if later.at - s.at >= window), None)
            if earlier is None:
                continue
            span = later.at - earlier.at
            for name in later.cpu:
                value = 100 * (later.cpu[name] - earlier.cpu[name]) / span
                peak[name] = round(max(peak.get(name, 0.0), value), 1)
        return peak

    def rss_max(self) -> dict[str, int]:
        """The largest RSS seen per group, in bytes."""
        peak: dict[str, int] = {}
        for sample in self.samples:
            for name, value in sample.rss.items():
                peak[name] = max(peak.get(name, 0), value)
        return peak


def machine() -> dict[str, object]:
    """The machine and software the benchmark ran on."""
    cpuinfo = Path("/proc/cpuinfo").read_text()
    model = next((line.split(":", 1)[1].strip() for line in cpuinfo.splitlines() if line.startswith("model name")),
                 platform.processor())
    meminfo = Path("/proc/meminfo").read_text()
    mem_kb = int(next(line.split()[1] for line in meminfo.splitlines() if line.startswith("MemTotal")))
    import streamlit
    import websockets

    nginx = None
    if shutil.which("nginx"):
        answer = subprocess.run(["nginx", "-v"], capture_output=True, text=True, check=False)
        nginx = (answer.stderr or answer.stdout).strip().removeprefix("nginx version: ")
    return {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "nproc": os.cpu_count(),
        "cpu_model": model,
        "ram_gib": round(mem_kb / 1024 / 1024, 1),
        "kernel": platform.release(),
        "python": platform.python_version(),
        "streamlit": streamlit.__version__,
        "websockets": websockets.__version__,
        "nginx": nginx,
    }
