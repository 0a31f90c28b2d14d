"""SSE viewers and Streamlit viewers side by side on one ``serve.py`` process; and an overload.

    .venv/bin/python -m benchmarks.mixed mixed --sse 10000 --streamlit 300
    .venv/bin/python -m benchmarks.mixed overload --arrivals 1500 --max-sessions 500

Both start one server (a snapshot of the app, production settings, a scratch copy of the demo
workbook; ``benchmarks/harness.py`` and ``benchmarks/scenario.py``) and raise ``RLIMIT_NOFILE``
for the load generator and the server (loopback only, every wait bounded).

A projector viewer (``benchmarks/projector.py``) is what the hall's screen now is: the Streamlit
session of ``/?view=projector`` (``benchmarks/stclient.py``; it renders once, the current total
arriving in a ForwardMsg, and no longer ticks), plus what the page's script does once its live
container has arrived: one ``/api/events`` stream (``sse.py``'s reader) and, on its opening and
on every ``standings``, ``status`` or ``agenda`` event (and every ``--poll`` s, the script's
safety poll), a fetch of the container's ``data-src`` (``/api/projector``) with ``If-None-Match``,
one at a time over one keep-alive connection. Its time for an edit runs from the start of the
write until a fetched answer holds the new total.

``mixed``: ``--streamlit`` projector viewers (opened at ``--ramp`` per second, each waited for
until its first fetch is answered) and ``--sse`` plain ``/api/events`` streams (opened in
batches) at the same time; after ``--steady`` s one organiser's edit through the store (province
51, criterion 1.1), and for each viewer of both kinds the time from the start of that write until
the new total arrives (projector: its text, ``98,50``, in a fetched ``/api/projector``; SSE: the frame of the
new version). A viewer that fails, loses its session or stream, or has nothing within
``--timeout`` s is counted.

``overload``: one projector viewer (always admitted), then ``--arrivals`` visitors of
``/?view=delegate`` at ``--ramp`` per second. Each loads the page over HTTP first, as a browser
does: on 200 it opens its Streamlit session, on the 307 to ``/live`` it loads ``/live`` and opens
the SSE stream the light page opens. An admitted delegate no longer ticks: it does what the page's
invisible ``thidua.follow`` listener does (``benchmarks/follow.py``): once the listener has been
drawn, one ``/api/events`` stream, and a rerun of the live fragment (the component's trigger) when
a frame brings a version, freshness or agenda line other than the ones the fragment was drawn with
(a rerun every ``screen_seconds`` while the stream is not open). Meanwhile an edit every
``--edit-every`` s, from before the ramp until ``--after`` s after it; the projector's time to each
new total (in its fetched ``/api/projector``) gives its p50/p95/max.
The last edit whose new total was not already on the delegates' page (it also shows parts of a
province's score) is timed for every admitted delegate (from the start of the write until the new
total arrives in a ForwardMsg of the rerun its listener asked for; also the steps: the stream's
frame, the ask, the rerun) and every visitor sent to ``/live``.
``/metrics`` is polled every 2 s (sessions, visitors sent to ``/live``).

Server CPU (100 % = one core) and RSS from ``/proc``; raw results go to
``benchmarks/results/mixed-<time>-….json`` and ``overload-<time>-….json``.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import dataclasses
import datetime as dt
import json
import math
import os
import re
import shutil
import sys
import tempfile
import time
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

from benchmarks import sse
from benchmarks.follow import Follower
from benchmarks.harness import Backend, dashboards, snapshot
from benchmarks.load import summary, wait_until, warm_up
from benchmarks.procstat import Sampler, machine
from benchmarks.projector import Projector
from benchmarks.scenario import Change, plan_change, scratch_config
from benchmarks.stclient import Viewer
from lib.present.projector_screen import SAFETY_POLL_SECONDS

RESULTS = Path(__file__).resolve().parent / "results"
SCORES = [str(Decimal("7.25") - Decimal("0.25") * i) for i in range(29)]
"""Values criterion 1.1 of province 51 takes, one per edit (it starts at 7.5): each total is new."""


# -- the server and the edits ------------------------------------------------------------------


def plan_series(config: Path, workbook: Path, scratch: Path, count: int) -> list[Change]:
    """``count`` successive edits whose new totals all differ from every total shown before."""
    chain = scratch / "chain.xlsx"
    shutil.copy(workbook, chain)
    changes: list[Change] = []
    shown: set[bytes] = set()
    for value in SCORES:
        if len(changes) == count:
            break
        try:
            change = plan_change(config, chain, "51", "1.1", Decimal(value), scratch)
        except SystemExit:  # that total is another province's
            continue
        if any(text in shown for text in change.new_texts):
            continue
        shown.update(change.shown_texts)
        shown.update(change.new_texts)
        change.apply()  # onto the chain copy; the real workbook follows the same steps
        changes.append(dataclasses.replace(change, workbook=workbook))
    if len(changes) < count:
        raise SystemExit(f"only {len(changes)} distinct edits could be planned")
    return changes


@contextlib.contextmanager
def server(args: argparse.Namespace, edits: int,
           secrets: str | None = None) -> Iterator[tuple[Backend, list[Change], dict[str, Any]]]:
    """One server of a snapshot of the app, with ``[server] max_sessions`` set; and its edits.

    ``secrets``: the text of a ``.streamlit/secrets.toml`` for it (none by default).
    """
    scratch = Path(tempfile.mkdtemp(prefix="thidua-mixed-"))
    try:
        info = snapshot(args.app, scratch / "app")
        if secrets is not None:
            (scratch / "app" / ".streamlit").mkdir(exist_ok=True)
            (scratch / "app" / ".streamlit" / "secrets.toml").write_text(secrets, encoding="utf-8")
        config, workbook = scratch_config(scratch / "app", scratch, args.interval, args.screen)
        text = config.read_text(encoding="utf-8")
        shipped = re.search(r"^max_sessions = \d+$", text, flags=re.MULTILINE)
        if shipped is None:
            raise RuntimeError("the shipped config has no [server] max_sessions line")
        config.write_text(text.replace(shipped.group(0), f"max_sessions = {args.max_sessions}"), encoding="utf-8")
        changes = plan_series(config, workbook, scratch, edits)
        with dashboards(scratch / "app", config, 1, scratch / "logs") as backends:
            yield backends[0], changes, info
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


async def apply(change: Change) -> tuple[float, float]:
    """Make one edit (in a thread, the viewers keep running); its start and end time."""
    started = time.monotonic()
    await asyncio.to_thread(change.apply)
    return started, time.monotonic()


async def wind_down(tasks: list[asyncio.Task], timeout: float = 60.0) -> None:
    """Wait for the viewers' tasks to end, at most ``timeout`` s; then cancel what is left.

    A run once hung here with every figure measured (10,000 SSE + 500 projectors, idle CPU):
    the figures must not wait on one viewer that does not end.
    """
    _, pending = await asyncio.wait(tasks, timeout=timeout) if tasks else (set(), set())
    for task in pending:
        task.cancel()
    if pending:
        print(f"  {len(pending)} viewer task(s) had not ended after {timeout:.0f} s: cancelled", flush=True)
        await asyncio.wait(pending, timeout=10)


# -- HTTP and /metrics ---------------------------------------------------------------------


async def http_get(port: int, target: str, timeout: float = 30.0) -> tuple[int, str | None]:
    """``GET target`` without following redirects: the status and the ``Location`` header."""
    async def go() -> tuple[int, str | None]:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        try:
            writer.write(f"GET {target} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n".encode())
            data = await reader.read()
        finally:
            writer.close()
        head = data.split(b"\r\n\r\n", 1)[0].decode("latin-1").split("\r\n")
        location = next((line.split(":", 1)[1].strip() for line in head[1:] if line.lower().startswith("location:")),
                        None)
        return int(head[0].split()[1]), location

    return await asyncio.wait_for(go(), timeout)


async def metrics(port: int) -> dict[str, float]:
    """The server's ``/metrics`` as name → value."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        writer.write(f"GET /metrics HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n".encode())
        body = (await asyncio.wait_for(reader.read(), 30)).split(b"\r\n\r\n", 1)[1].decode()
    finally:
        writer.close()
    return {line.split()[0]: float(line.split()[1]) for line in body.splitlines() if line and line[0] != "#"}


async def metrics_or_error(port: int) -> dict[str, Any]:
    """``/metrics``, or why it could not be read (an overloaded server may not answer in 30 s)."""
    try:
        return await metrics(port)
    except (OSError, TimeoutError, IndexError, ValueError) as exc:
        return {"error": f"{type(exc).__name__}: {exc}"}


async def poll_metrics(port: int, into: list[dict[str, float]], stop: asyncio.Event) -> None:
    """``/metrics`` every 2 s until ``stop`` (a failed poll is skipped)."""
    while not stop.is_set():
        with contextlib.suppress(OSError, TimeoutError, IndexError, ValueError):
            into.append({"at": time.monotonic(), **await metrics(port)})
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), 2.0)


# -- figures -------------------------------------------------------------------------------


def load_average() -> list[float]:
    """The 1, 5 and 15 minute load averages."""
    return [round(x, 2) for x in os.getloadavg()]


def streamlit_figures(viewers: list[Viewer], text: bytes, since: float) -> dict[str, Any]:
    """Streamlit viewers: rendered, received ``text`` (after ``since``), failures, latency."""
    records = [v.record for v in viewers]
    late = [r.seen[text] - since for r in records if text in r.seen and r.seen[text] >= since and not r.dropped]
    return {
        "viewers": len(records),
        "rendered": sum(r.rendered_at is not None for r in records),
        "received": len(late),
        "dropped": sum(r.dropped for r in records),
        "errored": sum(bool(r.errors) for r in records),
        "missed": sum(r.rendered_at is not None and not r.dropped and text not in r.seen for r in records),
        "seen_before_edit": sum(text in r.seen and r.seen[text] < since for r in records),
        "drop_reasons": sorted({r.connect_error or r.closed_by_server or "" for r in records if r.dropped})[:5],
        "error_samples": sorted({e for r in records for e in r.errors})[:5],
        "latency_s": summary(late),
        "latencies_s": sorted(round(x, 3) for x in late),
    }


def follow_figures(followers: list[Follower], text: bytes, since: float) -> dict[str, Any]:
    """The delegates' listeners: their streams and asks; for the edit at ``since``, its steps.

    *frame*: from the start of the write to the stream's first frame of a newer version; *ask*: to
    the listener's next ask; *rerun*: from that ask to ``text`` arriving in a ForwardMsg.
    """
    frame, ask, rerun = [], [], []
    asks: dict[str, int] = {}
    asks_after: dict[str, int] = {}
    for f in followers:
        triggers = f.triggers
        for at, value in triggers:
            why = value.split(":", 1)[0]
            asks[why] = asks.get(why, 0) + 1
            if at >= since:
                asks_after[why] = asks_after.get(why, 0) + 1
        frames = sorted((at, v) for s in f.streams for v, at in s.frames)
        before = next((v for at, v in reversed(frames) if at < since), None)  # ids are hashes: the last one
        got = next((at for at, v in frames if at >= since and before is not None and v != before), None)
        if got is None or f.record.dropped:
            continue
        frame.append(got - since)
        asked = next((at for at, value in triggers if at >= got), None)
        if asked is None:
            continue
        ask.append(asked - since)
        seen = f.record.seen.get(text)
        if seen is not None and seen >= asked:
            rerun.append(seen - asked)
    streams = [s for f in followers for s in f.streams]
    after = [rt for f in followers for at, rt in f.record.round_trips if at >= since]
    return {
        "drawn": sum(bool(f.listeners) for f in followers),
        "stream_opened": sum(any(s.opened_at is not None for s in f.streams) for f in followers),
        "connections": len(streams),
        "stream_errors": sorted({s.error for s in streams if s.error})[:5],
        "asks": asks, "asks_after_edit": asks_after,
        "frame_s": summary(frame), "ask_s": summary(ask), "rerun_s": summary(rerun),
        "round_trip_after_edit_s": summary(after),
    }


def projector_figures(projectors: list[Projector], text: bytes, since: float) -> dict[str, Any]:
    """Projector viewers: rendered (session), live part ready, fetched ``text`` (after ``since``), latency.

    The keys of ``streamlit_figures``, now about the screen: *received* and the latencies count a
    fetched ``/api/projector`` answer holding ``text``; *dropped* is the session or the event
    stream lost; *missed* rendered, not dropped, and never fetched ``text``.
    """
    records = [p.session.record for p in projectors]
    late = [p.seen[text] - since for p in projectors if text in p.seen and p.seen[text] >= since and not p.dropped]
    return {
        "kind": "Streamlit session + /api/events + GET /api/projector",
        "viewers": len(projectors),
        "rendered": sum(r.rendered_at is not None for r in records),
        "page_container": sum(p.session.container is not None for p in projectors),
        "live_ready": sum(p.ready_at is not None for p in projectors),
        "received": len(late),
        "dropped": sum(p.dropped for p in projectors),
        "session_dropped": sum(r.dropped for r in records),
        "stream_failed": sum(p.stream.error is not None for p in projectors),
        "errored": sum(bool(r.errors) for r in records),
        "missed": sum(r.rendered_at is not None and not p.dropped and text not in p.seen
                      for p, r in zip(projectors, records, strict=True)),
        "seen_before_edit": sum(text in p.seen and p.seen[text] < since for p in projectors),
        "new_total_in_forwardmsg": sum(text in r.seen for r in records),
        "drop_reasons": sorted({r.connect_error or r.closed_by_server or p.stream.error or ""
                                for p, r in zip(projectors, records, strict=True) if p.dropped})[:5],
        "error_samples": sorted({e for r in records for e in r.errors})[:5],
        "latency_s": summary(late),
        "latencies_s": sorted(round(x, 3) for x in late),
        "fetches": fetch_figures(projectors, since),
    }


def fetch_figures(projectors: list[Projector], since: float) -> dict[str, Any]:
    """The projectors' fetches of ``/api/projector``: statuses, round trips, before and after ``since``."""
    def part(fetches: list[Any]) -> dict[str, Any]:
        statuses: dict[str, int] = {}
        for f in fetches:
            key = "error" if f.status is None else str(f.status)
            statuses[key] = statuses.get(key, 0) + 1
        return {"count": len(fetches), "status": statuses,
                "round_trip_s": summary([f.seconds for f in fetches if f.status is not None])}

    fetches = [f for p in projectors for f in p.fetches]
    return {"all": part(fetches), "after_edit": part([f for f in fetches if f.at >= since]),
            "connections_opened": sum(p.connections for p in projectors),
            "errors": sorted({f.error for f in fetches if f.error})[:5]}


def sse_figures(viewers: list[sse.Viewer], since: float) -> dict[str, Any]:
    """SSE viewers: the first frame of a version newer than the last one seen before ``since``."""
    late: list[float] = []
    for viewer in viewers:
        before = next((v for v, at in reversed(viewer.frames) if at < since), None)  # ids are hashes
        after = next((at for v, at in viewer.frames if at >= since and before is not None and v != before), None)
        if after is not None:
            late.append(after - since)
    return {
        "viewers": len(viewers),
        "connected": sum(bool(v.frames) for v in viewers),
        "received": len(late),
        "dropped": len(viewers) - len(late),
        "failed": sum(v.error is not None for v in viewers),
        "errors": sorted({v.error for v in viewers if v.error})[:5],
        "latency_s": summary(late),
        "latencies_s": sorted(round(x, 3) for x in late),
    }


def resources(sampler: Sampler, windows: dict[str, tuple[float, float]]) -> dict[str, Any]:
    """Mean CPU % per window, the 5 s peak and the largest RSS (MiB) per process group."""
    start = min(a for a, _ in windows.values())
    end = max(b for _, b in windows.values())
    return {
        "cpu_percent": {name: sampler.cpu_percent(a - 0.5, b + 0.5) for name, (a, b) in windows.items()},
        "cpu_percent_peak_5s": sampler.cpu_peak(start, end),
        "rss_mib_max": {k: round(v / 2**20, 1) for k, v in sampler.rss_max().items()},
    }


# -- mixed ----------------------------------------------------------------------------------


async def open_sse(port: int, count: int, done: asyncio.Event) -> tuple[list[sse.Viewer], list[asyncio.Task[None]]]:
    """``count`` SSE streams, opened in batches (each batch waits for its first frames)."""
    viewers = [sse.Viewer() for _ in range(count)]
    tasks: list[asyncio.Task[None]] = []
    for i in range(0, count, sse.BATCH):
        batch = viewers[i:i + sse.BATCH]
        tasks += [asyncio.create_task(v.run(port, done)) for v in batch]
        await asyncio.wait_for(asyncio.gather(*(v.first_seen.wait() for v in batch)), 60)
    return viewers, tasks


async def mixed(args: argparse.Namespace, backend: Backend, change: Change, port: int | None = None,
                groups: dict[str, list[int]] | None = None, warm: list[Backend] | None = None) -> dict[str, Any]:
    """``args.streamlit`` projector viewers and ``args.sse`` SSE viewers, one edit.

    ``port``: where the viewers connect (nginx in front of several processes; ``backend``'s own port
    when None); ``groups``: the processes whose CPU and memory are sampled; ``warm``: the processes
    warmed up first (``backend`` alone when None).
    """
    port = port or backend.port
    await warm_up(warm or [backend], argparse.Namespace(page="", query="view=projector"), change)
    sampler = Sampler(groups or {"server": [backend.pid], "loadgen": [os.getpid()]}, period=0.5)
    sampler.start()
    done = asyncio.Event()
    t_start = time.monotonic()
    projectors = [Projector(i, port, change.shown_texts, change.new_texts[:1], poll=args.poll,
                            fetch_timeout=args.fetch_timeout) for i in range(args.streamlit)]
    st_tasks = []
    for i, viewer in enumerate(projectors):
        await asyncio.sleep(max(0.0, t_start + i / args.ramp - time.monotonic()))
        st_tasks.append(asyncio.create_task(viewer.run()))
    await wait_until(lambda: all(v.ready_at is not None or v.dropped for v in projectors), args.render_timeout)
    t_rendered = time.monotonic()
    print(f"  {sum(v.session.record.rendered_at is not None for v in projectors)}/{args.streamlit} projectors "
          f"rendered, {sum(v.ready_at is not None for v in projectors)} with their live part fetched, "
          f"in {t_rendered - t_start:.1f} s; opening {args.sse} SSE streams …", flush=True)
    streams, sse_tasks = await open_sse(port, args.sse, done)
    t_streams = time.monotonic()
    print(f"  {sum(bool(v.frames) for v in streams)}/{args.sse} streams open in {t_streams - t_rendered:.1f} s",
          flush=True)
    before = await metrics_or_error(port)
    await asyncio.sleep(args.steady)
    t_steady = t_streams
    load_at_edit = load_average()
    wall_edit = time.time()
    t_edit, t_written = await apply(change)
    text = change.new_texts[0]

    def delivered() -> bool:
        return (all(text in v.seen or v.dropped or v.ready_at is None for v in projectors)
                and all(v.got_at is not None or v.error is not None for v in streams))

    await wait_until(delivered, args.timeout, step=0.05)
    t_delivered = time.monotonic()
    after = await metrics_or_error(port)
    sampler.stop()
    done.set()
    await asyncio.gather(*(v.close() for v in projectors), return_exceptions=True)
    for task in sse_tasks:
        task.cancel()
    await wind_down([*st_tasks, *sse_tasks])
    return {
        "streamlit": projector_figures(projectors, text, t_edit),
        "sse": sse_figures(streams, t_edit),
        "write_s": round(t_written - t_edit, 3),
        # the server's own clock: from the start of the write until the new version was published
        "published_after_s": (round(after["thidua_live_published_at_seconds"] - wall_edit, 3)
                              if "thidua_live_published_at_seconds" in after else None),
        "phases_s": {"projectors_rendered": round(t_rendered - t_start, 1),  # and their live part fetched
                     "sse_opened": round(t_streams - t_rendered, 1),
                     "edit_to_all_delivered": round(t_delivered - t_edit, 3)},
        "load_average_at_edit": load_at_edit,
        **resources(sampler, {"steady": (t_steady, t_edit), "fanout": (t_edit, t_delivered),
                              "whole": (t_start, t_delivered)}),
        "metrics_before_edit": before, "metrics_after": after,
    }


# -- overload -------------------------------------------------------------------------------


@dataclasses.dataclass
class Visitor:
    """One arriving visitor: what the page load answered, and the session or stream it became."""

    status: int | None = None
    location: str | None = None
    live_status: int | None = None
    error: str | None = None
    session: Follower | None = None
    stream: sse.Viewer | None = None


async def visit(visitor: Visitor, index: int, port: int, query: str, texts: tuple[bytes, ...],
                watched: tuple[bytes, ...], done: asyncio.Event) -> None:
    """Load the page; on 200 join Streamlit (and follow ``/api/events``), on 307 open ``/live``'s stream."""
    try:
        visitor.status, visitor.location = await http_get(port, f"/?{query}")
        if visitor.status == 307 and (visitor.location or "").startswith("/live"):
            visitor.live_status, _ = await http_get(port, visitor.location or "/live")
            visitor.stream = sse.Viewer()
            await visitor.stream.run(port, done)
        elif visitor.status == 200:
            visitor.session = Follower(index, f"ws://127.0.0.1:{port}", "", query, texts, (), watched=watched)
            await visitor.session.run()
    except (OSError, TimeoutError, ValueError, IndexError) as exc:
        visitor.error = f"{type(exc).__name__}: {exc}"


async def overload(args: argparse.Namespace, backend: Backend, changes: list[Change]) -> dict[str, Any]:
    """One projector, ``args.arrivals`` delegate visitors arriving, an edit every ``args.edit_every`` s."""
    port = backend.port
    url = f"ws://127.0.0.1:{port}"
    shown = tuple(t for c in changes for t in c.shown_texts)  # any total of province 51 means rendered
    watched = tuple(c.new_texts[0] for c in changes)
    await warm_up([backend], argparse.Namespace(page="", query="view=projector"), changes[0])
    # The delegates' page shows more figures than the totals (a waterfall of 51's score): a new total
    # that already stands there cannot time an edit, so the last edit timed for them is one that does not.
    probe = Viewer(-2, url, "", args.query, shown, (), watched=watched)
    probe_task = asyncio.create_task(probe.run())
    await wait_until(lambda: probe.record.rendered_at is not None or probe.record.dropped, 60)
    await probe.close()
    await probe_task
    usable = set(watched) - set(probe.record.seen)
    sampler = Sampler({"server": [backend.pid], "loadgen": [os.getpid()]}, period=0.5)
    sampler.start()
    polls: list[dict[str, float]] = []
    stop, done = asyncio.Event(), asyncio.Event()
    poller = asyncio.create_task(poll_metrics(port, polls, stop))
    projector_page = await http_get(port, "/?view=projector")
    projector = Projector(-1, port, shown, watched, poll=args.poll, fetch_timeout=args.fetch_timeout,
                          start_timeout=60)
    projector_task = asyncio.create_task(projector.run())
    await wait_until(lambda: projector.ready_at is not None or projector.dropped, 60)

    edits: list[tuple[float, float, Change]] = []
    ramp_over = asyncio.Event()

    async def editor() -> None:
        for change in changes:
            started, written = await apply(change)
            edits.append((started, written, change))
            if ramp_over.is_set() and time.monotonic() > ramp_end + args.after:
                return
            await asyncio.sleep(max(0.0, started + args.edit_every - time.monotonic()))

    ramp_end = float("inf")
    load_at_start = load_average()
    t_start = time.monotonic()
    edit_task = asyncio.create_task(editor())
    visitors = [Visitor() for _ in range(args.arrivals)]
    tasks = []
    for i, visitor in enumerate(visitors):
        await asyncio.sleep(max(0.0, t_start + args.lead + i / args.ramp - time.monotonic()))
        tasks.append(asyncio.create_task(visit(visitor, i, port, args.query, shown, watched, done)))
    ramp_end = time.monotonic()
    ramp_over.set()
    print(f"  {args.arrivals} visitors arrived in {ramp_end - t_start - args.lead:.1f} s", flush=True)
    await edit_task
    t_last, _, last = next(e for e in reversed(edits) if e[2].new_texts[0] in usable)
    await asyncio.sleep(args.settle)
    t_end = time.monotonic()
    stop.set()
    await poller
    after = await metrics_or_error(port)
    sampler.stop()
    done.set()
    sessions = [v.session for v in visitors if v.session is not None]
    await asyncio.gather(projector.close(), *(s.close() for s in sessions), return_exceptions=True)
    for task in tasks:
        task.cancel()
    await wind_down([projector_task, *tasks])

    per_edit = []
    for started, written, change in edits:
        seen = projector.seen.get(change.new_texts[0])
        seen = None if seen is None or seen < started else seen  # on the screen before the edit: not timed
        per_edit.append({"at_s": round(started - t_start, 1), "during_ramp": started < ramp_end,
                         "write_s": round(written - started, 3),
                         "projector_s": None if seen is None else round(seen - started, 3)})
    got = [e["projector_s"] for e in per_edit if e["projector_s"] is not None]
    during = [e["projector_s"] for e in per_edit if e["during_ramp"] and e["projector_s"] is not None]
    statuses: dict[str, int] = {}
    for v in visitors:
        key = str(v.status) if v.error is None or v.status is not None else "error"
        statuses[key] = statuses.get(key, 0) + 1
    return {
        "projector_page_status": projector_page[0],
        "projector": {"kind": "Streamlit session + /api/events + GET /api/projector",
                      "rendered": projector.session.record.rendered_at is not None,
                      "page_container": projector.session.container is not None,
                      "live_ready": projector.ready_at is not None, "dropped": projector.dropped,
                      "session_dropped": projector.session.record.dropped, "stream_error": projector.stream.error,
                      "stream_events": projector.stream.events,
                      "edits": len(per_edit), "received": len(got), "latency_s": summary(got),
                      "latency_during_ramp_s": summary(during),
                      "new_totals_in_forwardmsg": sum(t in projector.session.record.seen for t in watched),
                      "fetches": fetch_figures([projector], edits[0][0]), "per_edit": per_edit,
                      "fetch_log": [[round(f.at - t_start, 2), round(f.seconds, 3), f.status or f.error]
                                    for f in projector.fetches]},
        "visitors": {"arrived": len(visitors), "page_status": statuses,
                     "admitted": sum(v.status == 200 for v in visitors),
                     "sent_to_live": sum(v.status == 307 for v in visitors),
                     "live_page_ok": sum(v.live_status == 200 for v in visitors),
                     "errors": sorted({v.error for v in visitors if v.error})[:5]},
        "last_edit": {"at_s": round(t_last - t_start, 1), "total": last.new_texts[0].decode(),
                      "admitted_delegates": {**streamlit_figures(sessions, last.new_texts[0], t_last),
                                             "listener": follow_figures(sessions, last.new_texts[0], t_last)},
                      "sent_to_live_sse": sse_figures([v.stream for v in visitors if v.stream], t_last)},
        "metrics_after": after,
        "sessions_max": max((p.get("thidua_streamlit_sessions", 0) for p in polls), default=None),
        "metrics_polls": [{k: (round(v - t_start, 1) if k == "at" else v) for k, v in p.items()
                           if k in ("at", "thidua_streamlit_sessions", "thidua_sent_to_live_total",
                                    "thidua_live_subscribers")} for p in polls],
        "phases_s": {"ramp": round(ramp_end - t_start - args.lead, 1), "whole": round(t_end - t_start, 1)},
        "load_average_at_start": load_at_start, "load_average_at_end": load_average(),
        **resources(sampler, {"ramp": (t_start + args.lead, ramp_end), "after_ramp": (ramp_end, t_end),
                              "whole": (t_start, t_end)}),
    }


# -- the command line -----------------------------------------------------------------------


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """The command line."""
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    p.add_argument("mode", choices=["mixed", "overload"])
    p.add_argument("--sse", type=int, default=10000, help="mixed: SSE viewers")
    p.add_argument("--streamlit", type=int, nargs="+", default=[300],
                   help="mixed: projector viewers; one run (one server) per value")
    p.add_argument("--arrivals", type=int, default=1500, help="overload: delegate visitors arriving")
    p.add_argument("--query", default="view=delegate", help="overload: what the visitors open (without '?')")
    p.add_argument("--max-sessions", type=int, default=200,
                   help="[server] max_sessions of the scratch config (200 as shipped)")
    p.add_argument("--ramp", type=float, default=25.0, help="Streamlit viewers / visitors per second")
    p.add_argument("--lead", type=float, default=8.0, help="overload: seconds of edits before the ramp")
    p.add_argument("--edit-every", type=float, default=5.0, help="overload: seconds between edits")
    p.add_argument("--after", type=float, default=30.0, help="overload: seconds of edits after the ramp")
    p.add_argument("--settle", type=float, default=15.0, help="overload: seconds after the last edit")
    p.add_argument("--steady", type=float, default=10.0, help="mixed: seconds of load before the edit")
    p.add_argument("--timeout", type=float, default=60.0, help="mixed: seconds to wait for every viewer")
    p.add_argument("--render-timeout", type=float, default=120.0, help="mixed: seconds to wait for first renders")
    p.add_argument("--poll", type=float, default=SAFETY_POLL_SECONDS,
                   help="projector: the page script's safety poll of /api/projector (s), as shipped")
    p.add_argument("--fetch-timeout", type=float, default=30.0,
                   help="projector: seconds one fetch of /api/projector may take before it counts as failed")
    p.add_argument("--interval", type=int, default=15, help="data read interval (s), as shipped")
    p.add_argument("--screen", type=float, default=2.0, help="screen refresh (s), as shipped")
    p.add_argument("--app", choices=["head", "worktree"], default="head")
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; one raw JSON file per run in ``benchmarks/results``."""
    args = parse_args(argv)
    # a projector holds three connections (websocket, event stream, fetches), a visitor at most two
    wanted = (args.sse + 3 * max(args.streamlit) if args.mode == "mixed" else 2 * args.arrivals) * 2 + 2048
    limit = sse.raise_fd_limit(wanted)  # the server, a child, inherits it
    RESULTS.mkdir(exist_ok=True)
    sizes = args.streamlit if args.mode == "mixed" else [args.arrivals]
    for size in sizes:
        run_args = argparse.Namespace(**{**vars(args), "streamlit": size})
        stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%d-%H%M%S")
        print(f"== {args.mode} {size}, load average {load_average()}", flush=True)
        edits = 1 if args.mode == "mixed" else \
            math.ceil((args.lead + args.arrivals / args.ramp + args.after) / args.edit_every) + 1
        with server(run_args, edits) as (backend, changes, info):
            if args.mode == "mixed":
                result = asyncio.run(mixed(run_args, backend, changes[0]))
                name = f"mixed-{stamp}-sse{args.sse}-st{size}.json"
            else:
                result = asyncio.run(overload(run_args, backend, changes))
                name = f"overload-{stamp}-{size}-max{args.max_sessions}.json"
        args_out = {k: v for k, v in vars(run_args).items()}
        out = {"benchmark": args.mode, "machine": machine(), "fd_limit": limit, "app": info, "args": args_out,
               **result}
        path = RESULTS / name
        path.write_text(json.dumps(out, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        brief = {k: v for k, v in result.items() if k in ("phases_s", "load_average_at_edit", "cpu_percent",
                                                          "rss_mib_max", "visitors", "sessions_max")}
        for key in ("streamlit", "sse", "projector", "last_edit"):
            if key in result:
                brief[key] = _brief(result[key])
        print(json.dumps(brief, ensure_ascii=False), f"\n  -> {path}", flush=True)
    return 0


def _brief(value: Any) -> Any:
    """``value`` without the long per-viewer lists (for the console)."""
    if isinstance(value, dict):
        return {k: _brief(v) for k, v in value.items() if k not in ("latencies_s", "per_edit", "fetch_log")}
    return value


if __name__ == "__main__":
    sys.exit(main())
