"""The projectors' time to an edit, quiet and then under a hostile mix, on one ``serve.py`` process.

    .venv/bin/python -m benchmarks.hostile --projectors 500 --streams 5000 --signins 200

One server (a snapshot of the app, production settings, a scratch copy of the demo workbook,
``[server] max_sessions`` raised to hold the projectors, a secrets file that trusts 127.0.0.1 as
the proxy) and ``--projectors`` projector viewers (``benchmarks/projector.py``: the Streamlit
session, the page script's ``/api/events`` stream and its fetches of ``/api/projector``). Then,
in one run and on the same process:

1. quiet: an edit (province 51, criterion 1.1); each projector's time from the start of the
   write until a fetched answer holds the new total;
2. hostile: ``--streams`` ``/api/events`` connections from one address (sent as
   ``X-Forwarded-For: 203.0.113.66`` through the trusted proxy, so the per-address cap, not the
   projectors' own 127.0.0.1, is what refuses them) and ``--signins`` chunked sign-in bodies of
   1 MB fields (30 MB each if read whole; each from its own forwarded address, so the throttle
   does not refuse them before the size cap does), started evenly over ``--spread`` s, at most
   ``--concurrency`` at a time; the second edit is made once every stream has been tried, while
   the sign-in bodies still come; the same times for that edit.

   And, from the start of the hostile phase until the sign-in bodies are done, the uploads of
   issue 20's mix through the tracker's file uploader, as a secretary sends them: a headless
   Chromium (``benchmarks/uploader.py``, its own process), signed in and on ``/tien-do`` since
   before the quiet edit, uploads the far-cell form (values at T4000 and XFD1048576), the zip
   bomb (1 GB of sheet XML) and a malformed form (its sheet XML cut in half) in turn, one every
   ``--upload-every`` s, at most ``--uploads``; each with what the page said and how long it took.

Raw results go to ``benchmarks/results/hostile-<time>-….json`` (``uploads``: per file and each).
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

from benchmarks import sse
from benchmarks.load import summary, wait_until, warm_up
from benchmarks.mixed import (
    RESULTS,
    apply,
    load_average,
    metrics_or_error,
    projector_figures,
    resources,
    server,
    wind_down,
)
from benchmarks.procstat import Sampler, machine
from benchmarks.projector import Projector
from benchmarks.uploader import Uploader, outcomes
from lib.core.auth import hash_passcode
from lib.present.projector_screen import SAFETY_POLL_SECONDS

HOSTILE_ADDRESS = "203.0.113.66"
FIELD = 1 << 20  # one field of the flood: 1 MB
FIELDS = 30
PASSCODE = "bench-not-a-secret"


async def _head(reader: asyncio.StreamReader, timeout: float) -> str:
    """The status line of an answer (``"closed"`` or ``"timeout"`` if there was none)."""
    try:
        head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), timeout)
    except (asyncio.IncompleteReadError, ConnectionError):
        return "closed"
    except (TimeoutError, asyncio.LimitOverrunError):
        return "timeout"
    parts = head.split(b"\r\n", 1)[0].split(b" ", 2)
    return parts[1].decode("latin-1") if len(parts) > 1 else "garbled"


async def stream_flood(port: int, count: int, done: asyncio.Event, figures: dict[str, Any]) -> None:
    """``count`` event streams from one forwarded address, opened in batches; 200s held until ``done``."""
    statuses: Counter[str] = Counter()
    held: list[asyncio.StreamWriter] = []
    started = time.monotonic()
    request = (b"GET /api/events HTTP/1.0\r\nHost: bench\r\nAccept: text/event-stream\r\n"
               b"X-Forwarded-For: %s\r\n\r\n" % HOSTILE_ADDRESS.encode())

    async def one() -> None:
        try:
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
        except OSError as exc:
            statuses[f"connect: {exc.__class__.__name__}"] += 1
            return
        writer.write(request)
        status = await _head(reader, 30.0)
        statuses[status] += 1
        if status == "200":
            held.append(writer)
        else:
            writer.close()

    for i in range(0, count, sse.BATCH):
        await asyncio.gather(*(one() for _ in range(min(sse.BATCH, count - i))))
    figures.update(statuses=dict(statuses), opened_in_s=round(time.monotonic() - started, 2))
    figures["all_tried"] = True
    await done.wait()
    for writer in held:
        writer.close()


async def signin_flood(port: int, count: int, concurrency: int, spread: float, figures: dict[str, Any]) -> None:
    """``count`` chunked sign-in bodies of ``FIELDS`` 1 MB fields, started evenly over ``spread`` s.

    Each stops sending when the server answers (as a client that reads its answer would).
    """
    statuses: Counter[str] = Counter()
    sent: list[int] = []
    gate = asyncio.Semaphore(concurrency)
    started = time.monotonic()

    async def one(i: int) -> None:
        await asyncio.sleep(i * spread / count)
        async with gate:
            try:
                reader, writer = await asyncio.open_connection("127.0.0.1", port)
            except OSError as exc:
                statuses[f"connect: {exc.__class__.__name__}"] += 1
                return
            writer.write(b"POST /auth/sign-in HTTP/1.1\r\nHost: bench\r\nTransfer-Encoding: chunked\r\n"
                         b"Content-Type: application/x-www-form-urlencoded\r\n"
                         b"X-Forwarded-For: 198.51.%d.%d\r\n\r\n" % (100 + i // 250, 1 + i % 250))
            answer = asyncio.create_task(_head(reader, 60.0))
            total = 0
            try:
                for f in range(FIELDS):
                    if answer.done():
                        break
                    field = b"%sf%d=" % (b"&" if f else b"", f)
                    chunk = field + b"x" * (FIELD - len(field))
                    writer.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                    await writer.drain()
                    total += len(chunk)
                if not answer.done():
                    writer.write(b"0\r\n\r\n")
                    await writer.drain()
            except ConnectionError:
                pass  # the server answered and closed while the flood was being sent
            statuses[await answer] += 1
            sent.append(total)
            writer.close()

    await asyncio.gather(*(one(i) for i in range(count)))
    figures.update(statuses=dict(statuses), bytes_sent_before_answer=summary([float(s) for s in sent]),
                   seconds=round(time.monotonic() - started, 2))


async def timed_edit(projectors: list[Projector], change: Any, timeout: float) -> tuple[dict[str, Any], float]:
    """Make ``change``; the projectors' figures for its new total once every one has it (or ``timeout``)."""
    t_edit, _ = await apply(change)
    text = change.new_texts[0]
    await wait_until(lambda: all(text in p.seen or p.dropped or p.ready_at is None for p in projectors),
                     timeout, step=0.05)
    return projector_figures(projectors, text, t_edit), t_edit


async def run(args: argparse.Namespace, backend: Any, changes: list[Any]) -> dict[str, Any]:
    """Projectors, a quiet edit, then the hostile mix and an edit during it."""
    quiet_change, hostile_change = changes
    await warm_up([backend], argparse.Namespace(page="", query="view=projector"), quiet_change)
    uploader = None
    if args.uploads:  # signed in and on the tracker before the quiet edit: the same session in both runs
        uploader = Uploader(backend.port, PASSCODE, args.upload_every, args.uploads, args.answer_timeout,
                            Path(tempfile.gettempdir()) / f"hostile-uploader-{os.getpid()}.log")
        await uploader.start(args.render_timeout)
        print("  uploader signed in on the tracker", flush=True)
    sampler = Sampler({"server": [backend.pid], "loadgen": [os.getpid()]}, period=0.5)
    sampler.start()
    watched = [quiet_change.new_texts[0], hostile_change.new_texts[0]]
    projectors = [Projector(i, backend.port, quiet_change.shown_texts, watched, poll=args.poll)
                  for i in range(args.projectors)]
    t_start = time.monotonic()
    tasks = []
    for i, projector in enumerate(projectors):
        await asyncio.sleep(max(0.0, t_start + i / args.ramp - time.monotonic()))
        tasks.append(asyncio.create_task(projector.run()))
    await wait_until(lambda: all(p.ready_at is not None or p.dropped for p in projectors), args.render_timeout)
    ready = sum(p.ready_at is not None for p in projectors)
    print(f"  {ready}/{args.projectors} projectors ready in {time.monotonic() - t_start:.1f} s", flush=True)
    await asyncio.sleep(args.steady)
    quiet, _ = await timed_edit(projectors, quiet_change, args.timeout)
    print(f"  quiet: p95 {quiet['latency_s']['p95']} s", flush=True)
    before = await metrics_or_error(backend.port)

    t_hostile = time.monotonic()
    if uploader is not None:
        uploader.go()
    done = asyncio.Event()
    streams: dict[str, Any] = {}
    signins: dict[str, Any] = {}
    hostile_tasks = [asyncio.create_task(stream_flood(backend.port, args.streams, done, streams)),
                     asyncio.create_task(signin_flood(backend.port, args.signins, args.concurrency, args.spread,
                                                  signins))]
    await wait_until(lambda: streams.get("all_tried", False), args.timeout)
    load_at_edit = load_average()
    hostile, t_edit = await timed_edit(projectors, hostile_change, args.timeout)
    edit_window = (t_edit, time.monotonic())
    signins_during_edit = not hostile_tasks[1].done()
    print(f"  hostile: p95 {hostile['latency_s']['p95']} s (sign-in flood still going: {signins_during_edit})",
          flush=True)
    await asyncio.wait_for(hostile_tasks[1], args.timeout * 5)
    uploads = [] if uploader is None else await uploader.finish(args.answer_timeout + 30)
    after = await metrics_or_error(backend.port)
    done.set()
    await hostile_tasks[0]
    t_end = time.monotonic()
    sampler.stop()
    await asyncio.gather(*(p.close() for p in projectors), return_exceptions=True)
    await wind_down(tasks)
    return {"quiet": quiet, "hostile": hostile, "p95_difference_s": _difference(quiet, hostile),
            "stream_flood": streams, "signin_flood": signins, "signins_during_edit": signins_during_edit,
            "uploads": {**outcomes(uploads, edit_window), "each": uploads},
            "load_average_at_hostile_edit": load_at_edit, "metrics_before_hostile": before, "metrics_after": after,
            **resources(sampler, {"quiet": (t_start, t_hostile), "hostile": (t_hostile, t_end)})}


def _difference(quiet: dict[str, Any], hostile: dict[str, Any]) -> float | None:
    a, b = quiet["latency_s"]["p95"], hostile["latency_s"]["p95"]
    return None if a is None or b is None else round(b - a, 3)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """The command line."""
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    p.add_argument("--projectors", type=int, default=500)
    p.add_argument("--streams", type=int, default=5000, help="event streams from one (forwarded) address")
    p.add_argument("--signins", type=int, default=200, help="chunked sign-in bodies of 30 x 1 MB fields")
    p.add_argument("--concurrency", type=int, default=20, help="sign-in bodies sent at a time")
    p.add_argument("--spread", type=float, default=30.0, help="seconds over which the sign-in bodies start")
    p.add_argument("--uploads", type=int, default=60,
                   help="most uploads (far cell, zip bomb, malformed in turn) from a signed-in Chromium; 0: none")
    p.add_argument("--upload-every", type=float, default=1.0, help="seconds between the uploads' starts")
    p.add_argument("--answer-timeout", type=float, default=60.0, help="seconds to wait for the page's answer")
    p.add_argument("--ramp", type=float, default=25.0, help="projectors opened per second")
    p.add_argument("--steady", type=float, default=5.0, help="seconds between the projectors and the quiet edit")
    p.add_argument("--timeout", type=float, default=60.0, help="seconds to wait for every projector")
    p.add_argument("--render-timeout", type=float, default=300.0)
    p.add_argument("--poll", type=float, default=SAFETY_POLL_SECONDS)
    p.add_argument("--interval", type=int, default=15)
    p.add_argument("--screen", type=float, default=2.0)
    p.add_argument("--app", choices=["head", "worktree"], default="head")
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; one raw JSON file in ``benchmarks/results``."""
    args = parse_args(argv)
    args.max_sessions = args.projectors + 50
    limit = sse.raise_fd_limit((3 * args.projectors + args.streams + args.concurrency) * 2 + 2048)
    RESULTS.mkdir(exist_ok=True)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%d-%H%M%S")
    print(f"== hostile, load average {load_average()}", flush=True)
    secrets = (f'[auth]\nsecretary = "{hash_passcode(PASSCODE)}"\n'
               'trusted_proxies = ["127.0.0.1"]\n')
    with server(args, 2, secrets=secrets) as (backend, changes, info):
        result = asyncio.run(run(args, backend, changes))
    out = {"benchmark": "hostile", "machine": machine(), "fd_limit": limit, "app": info, "args": vars(args), **result}
    path = RESULTS / f"hostile-{stamp}-p{args.projectors}-s{args.streams}-b{args.signins}.json"
    path.write_text(json.dumps(out, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    brief = {k: {"latency_s": result[k]["latency_s"], "received": result[k]["received"],
                 "dropped": result[k]["dropped"]} for k in ("quiet", "hostile")}
    print(json.dumps({**brief, "p95_difference_s": result["p95_difference_s"],
                      "stream_flood": result["stream_flood"], "signin_flood": result["signin_flood"],
                      "uploads": {k: v for k, v in result["uploads"].items() if k != "each"}},
                     ensure_ascii=False), f"\n  -> {path}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
