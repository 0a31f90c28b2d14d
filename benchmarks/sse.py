"""SSE viewers on one ``serve.py`` process: an organiser's edit, and the time until every viewer has it.

    .venv/bin/python -m benchmarks.sse 1000 5000 [--timeout 60] [--source worktree|head]

For each count: start one server (a snapshot of the app, production settings, a copy of the demo
workbook), open that many ``/api/events`` streams over loopback (in batches, so the listen backlog
holds), wait until each has its first version, edit the workbook (one agreed score), and record
for every viewer the time from just before the edit to the frame of the new version. A viewer that
fails to connect, loses its stream or has no new version within ``--timeout`` s counts as dropped.
Server CPU and RSS come from ``/proc`` (sampled every 0.5 s). Raw results go to
``benchmarks/results/sse-<time>-<count>.json``.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import resource
import shutil
import statistics
import tempfile
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

from benchmarks.harness import dashboards, snapshot
from benchmarks.procstat import Sampler, machine
from lib.edge.sources import WriteBatch
from lib.edge.sources.xlsx import XlsxSource

RESULTS = Path(__file__).resolve().parent / "results"
BATCH = 200


def raise_fd_limit(wanted: int) -> int:
    """Raise RLIMIT_NOFILE (soft) to ``wanted`` or the hard limit; returns the new soft limit."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = min(max(soft, wanted), hard)
    resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
    return target


MAX_FRAME = 1 << 20
"""Bytes an unfinished frame may take before the stream counts as broken (a frame here is ~2 KB)."""


class Event(NamedTuple):
    """One dispatched SSE event: its name, its ``id`` line (None without one) and its data."""

    name: str
    id: str | None
    data: bytes  # the ``data`` lines joined by a newline, as ``MessageEvent.data`` (undecoded)


def parse_events(buffer: bytes) -> tuple[list[Event], bytes]:
    """The complete frames at the start of ``buffer`` (each ends with a blank line) and the rest.

    Each frame a browser's ``EventSource`` would dispatch, that is one with a ``data`` line; the
    name is ``message`` when the frame has no ``event`` line. Comments (``: keepalive``) and a
    frame of only ``retry`` are not events. Lines end in ``\\n``, as the server writes them.

    >>> parse_events(b"retry: 2000\\n\\nevent: standings\\nid: 7\\ndata: {}\\n\\n: keepalive\\n\\nevent: st")
    ([Event(name='standings', id='7', data=b'{}')], b'event: st')
    """
    end = buffer.rfind(b"\n\n")
    if end < 0:
        return [], buffer
    events: list[Event] = []
    for frame in buffer[:end].split(b"\n\n"):
        name, ident, data = b"message", None, None
        for line in frame.split(b"\n"):
            field, _, value = line.partition(b":")
            value = value.removeprefix(b" ")
            if field == b"event":
                name = value
            elif field == b"id":
                ident = value.decode()
            elif field == b"data":
                data = value if data is None else data + b"\n" + value
        if data is not None:
            events.append(Event(name.decode(), ident, data))
    return events, buffer[end + 2:]


def parse_frames(buffer: bytes) -> tuple[list[tuple[str, str | None]], bytes]:
    """``parse_events`` without the data: (event name, id or None) per event, and the rest.

    >>> parse_frames(b"retry: 2000\\n\\nevent: standings\\nid: 7\\ndata: {}\\n\\n: keepalive\\n\\nevent: st")
    ([('standings', '7')], b'event: st')
    """
    events, rest = parse_events(buffer)
    return [(e.name, e.id) for e in events], rest


class Viewer:
    """One SSE stream: the versions it saw and when.

    ``on_event`` (optional) is called with ``"open"`` once the server has answered 200 (an
    ``EventSource``'s ``onopen``) and then with the name of every event the stream delivers, as
    a listener would be (the projector's script refetches its screen on each); ``on_frame``
    (optional) with each whole ``Event`` (the delegates' listener reads ids and data).
    ``last_event_id`` is sent as ``Last-Event-ID``, as ``EventSource`` does when it reconnects.
    """

    def __init__(self, on_event: Callable[[str], None] | None = None,
                 on_frame: Callable[[Event], None] | None = None, last_event_id: str | None = None) -> None:
        self.first: str | None = None
        self.got_at: float | None = None
        self.error: str | None = None
        self.first_seen = asyncio.Event()
        self.opened_at: float | None = None  # when the server answered 200
        self.target: int | None = None
        self.frames: list[tuple[str, float]] = []  # (event id, monotonic time) of every new standings frame
        self.events: dict[str, int] = {}  # event name -> how many arrived
        self.on_event = on_event
        self.on_frame = on_frame
        self.last_event_id = last_event_id

    async def run(self, port: int, done: asyncio.Event) -> None:
        """Open ``/api/events`` on ``port`` and read it until ``done`` is set or the stream ends."""
        try:
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
        except OSError as exc:
            self.error = f"connect: {exc}"
            self.first_seen.set()
            return
        resume = b"" if self.last_event_id is None else b"Last-Event-ID: %s\r\n" % self.last_event_id.encode()
        writer.write(b"GET /api/events HTTP/1.0\r\nHost: bench\r\nAccept: text/event-stream\r\n%s\r\n" % resume)
        buffer = b""
        head = True  # still reading the response head
        try:
            while not done.is_set():
                data = await reader.read(65536)
                if not data:
                    self.error = "closed"
                    break
                buffer += data
                if head:
                    if b"\r\n\r\n" not in buffer:
                        continue
                    status, _, buffer = buffer.partition(b"\r\n\r\n")
                    head = False
                    if status.split(b" ", 2)[1:2] != [b"200"]:
                        self.error = "status " + status.split(b"\r\n", 1)[0].decode("latin-1")
                        break
                    self.opened_at = time.monotonic()
                    if self.on_event is not None:
                        self.on_event("open")
                events, buffer = parse_events(buffer)
                if len(buffer) > MAX_FRAME:
                    self.error = "frame too large"
                    break
                now = time.monotonic()
                for event in events:
                    name, ident = event.name, event.id
                    self.events[name] = self.events.get(name, 0) + 1
                    if name == "standings" and ident:  # a version's id: its content's hash, not a number
                        self._version(ident, now)
                    if self.on_event is not None:
                        self.on_event(name)
                    if self.on_frame is not None:
                        self.on_frame(event)
        except OSError as exc:
            self.error = f"read: {exc}"
        finally:
            self.first_seen.set()
            writer.close()

    def _version(self, version: str, now: float) -> None:
        if not self.frames or self.frames[-1][0] != version:
            self.frames.append((version, now))
        if self.first is None:
            self.first = version
            self.first_seen.set()
        elif version != self.first and self.got_at is None:
            self.got_at = now


def edit(workbook: Path, value: int) -> None:
    """Set Quảng Ngãi's agreed score for criterion 1.1 (an organiser's edit)."""
    sheet = XlsxSource(workbook).read()["ThongNhat"]
    header = next(i for i, row in enumerate(sheet) if row and row[0] == "Mã")
    column = next(i for i, cell in enumerate(sheet[header]) if str(cell).strip() in {"51", "Quảng Ngãi"}) + 1
    row = next(i for i, r in enumerate(sheet) if r and str(r[0]) == "1.1") + 1
    XlsxSource(workbook).write(WriteBatch(cells={("ThongNhat", row, column): value}))


async def measure(port: int, count: int, workbook: Path, timeout: float) -> dict:
    """Open ``count`` streams, edit, collect latencies."""
    done = asyncio.Event()
    viewers = [Viewer() for _ in range(count)]
    tasks = []
    started = time.monotonic()
    for i in range(0, count, BATCH):
        batch = viewers[i:i + BATCH]
        tasks += [asyncio.create_task(v.run(port, done)) for v in batch]
        await asyncio.gather(*(v.first_seen.wait() for v in batch))
    connect_seconds = time.monotonic() - started
    connected = sum(1 for v in viewers if v.first is not None and v.error is None)
    await asyncio.sleep(1.0)
    edit_started = time.monotonic()
    await asyncio.to_thread(edit, workbook, 0)
    edit_written = time.monotonic()
    deadline = edit_started + timeout
    while time.monotonic() < deadline and any(v.got_at is None and v.error is None for v in viewers):
        await asyncio.sleep(0.05)
    done.set()
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    latencies = sorted(v.got_at - edit_started for v in viewers if v.got_at is not None)
    return {
        "viewers": count, "connected": connected, "connect_seconds": round(connect_seconds, 2),
        "edit_write_seconds": round(edit_written - edit_started, 3),
        "received": len(latencies), "dropped": count - len(latencies),
        "errors": sorted({v.error for v in viewers if v.error})[:5],
        "latency_p50": _q(latencies, 0.5), "latency_p95": _q(latencies, 0.95),
        "latency_max": round(latencies[-1], 3) if latencies else None,
        "latency_mean": round(statistics.fmean(latencies), 3) if latencies else None,
        "window": (edit_started, edit_started + (latencies[-1] if latencies else timeout)),
    }


def _q(values: list[float], q: float) -> float | None:
    if not values:
        return None
    return round(values[min(len(values) - 1, int(q * len(values)))], 3)


def run_one(count: int, source: str, timeout: float) -> dict:
    """One server, ``count`` viewers, one edit."""
    work = Path(tempfile.mkdtemp(prefix="sse-bench-"))
    try:
        info = snapshot(source, work / "app")
        workbook = work / "demo.xlsx"
        shutil.copy(work / "app" / "config" / "demo.xlsx", workbook)
        text = (work / "app" / "config" / "tn-dhmt-2019.toml").read_text(encoding="utf-8")
        config = work / "cluster.toml"
        config.write_text(text.replace('path = "demo.xlsx"', f'path = "{workbook}"'), encoding="utf-8")
        with dashboards(work / "app", config, 1, work / "logs") as backends:
            server = backends[0]
            deadline = time.monotonic() + 30
            while True:
                try:
                    with urllib.request.urlopen(f"http://127.0.0.1:{server.port}/api/standings", timeout=2):
                        break
                except OSError:
                    if time.monotonic() > deadline:
                        raise
                    time.sleep(0.3)
            sampler = Sampler({"server": [server.pid]}, period=0.5)
            sampler.start()
            t0 = time.monotonic()
            result = asyncio.run(measure(server.port, count, workbook, timeout))
            sampler.stop()
            start, end = result.pop("window")
            with urllib.request.urlopen(f"http://127.0.0.1:{server.port}/metrics", timeout=5) as answer:
                metrics = answer.read().decode()
        result.update({
            "server_cpu_percent_during_fanout": sampler.cpu_percent(start - 0.5, end + 0.5).get("server"),
            "server_cpu_percent_whole_run": sampler.cpu_percent(t0, time.monotonic()).get("server"),
            "server_rss_max_mib": round(sampler.rss_max()["server"] / 2**20, 1),
            "server_metrics_after": {line.split()[0]: line.split()[1] for line in metrics.splitlines()
                                     if line and not line.startswith("#")},
            "app": info,
        })
        return result
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main() -> None:
    """Run the counts given on the command line; write one raw results file per count."""
    parser = argparse.ArgumentParser()
    parser.add_argument("counts", nargs="+", type=int)
    parser.add_argument("--timeout", type=float, default=60.0)
    parser.add_argument("--source", choices=["head", "worktree"], default="head")
    args = parser.parse_args()
    limit = raise_fd_limit(max(args.counts) * 2 + 1024)  # the server (a child) inherits it
    RESULTS.mkdir(exist_ok=True)
    for count in args.counts:
        result = {"benchmark": "sse", "fd_limit": limit, "machine": machine(), **run_one(count, args.source,
                                                                                       args.timeout)}
        stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%d-%H%M%S")
        path = RESULTS / f"sse-{stamp}-{count}.json"
        path.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        print(json.dumps({k: result[k] for k in ("viewers", "received", "dropped", "latency_p50", "latency_p95",
                                                 "latency_max", "server_cpu_percent_during_fanout",
                                                 "server_rss_max_mib")}), flush=True)
        print(f"  -> {path}", flush=True)


if __name__ == "__main__":
    main()
