"""Load benchmark: N live viewers over Streamlit's websocket, then one score change.

Each simulated viewer is a browser tab (see ``benchmarks/stclient.py``): it opens
``/_stcore/stream``, runs the page, and answers the fragment's auto-rerun requests on
their interval, so it keeps pulling fresh standings exactly as the projector does. A
run:

1. takes a copy of the app (``git archive HEAD``, or ``--app worktree``), copies
   ``config/demo.xlsx`` and the cluster config (data interval ``--interval``, screen
   refresh ``--screen``) into a scratch directory and starts the dashboard from the copy with its production
   settings (``.streamlit/config.toml``) — one process, or ``--processes 2`` behind
   Debian's nginx (``benchmarks/nginx.conf.template``); the viewers open the projector
   (``/?view=projector``; ``--query``/``--page`` choose another screen);
2. warms each process with one page view, then opens N viewers at ``--ramp`` per second
   and waits until every one has rendered the standings (the current total of
   ``--province`` is on the page);
3. lets them run for ``--steady`` seconds, then changes one agreed score through the
   store (``lib.edge.store.save``, role secretary) in the workbook file, and measures per
   viewer the time from the end of the write until the new total (``96,25`` in the
   projector's HTML bars, or ``96.25``, in the raw ForwardMsg bytes) arrives;
4. reports viewers served, dropped and errored sessions, latency p50/p95/max, the
   round trip of every fragment rerun, server CPU % and RSS (from ``/proc``), and the
   workbook reads the server made (its ``SharedReader`` counter, read from the
   "Nguồn dữ liệu" page before and after).

Two latencies are reported, because the screen is pulled, not pushed: ``e2e`` (write →
new value on the viewer, the issue's "full time") includes waiting for the viewer's
next fragment tick (≤ one screen interval; the server sees the workbook's new
modification time at that tick and re-reads it), so by design it is up to ``--screen``
plus the update time. ``update`` (the viewer's rerun request → the new value) is what
load adds.

Run from the repository root::

    .venv/bin/python -m benchmarks.load --viewers 100 300 500 700 1000
    .venv/bin/python -m benchmarks.load --viewers 500 1000 --processes 2   # behind nginx
    .venv/bin/python -m benchmarks.load --viewers 500 --query view=delegate

Evaluation go to ``benchmarks/results/`` as JSON; a Markdown table is printed.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import json
import math
import os
import shutil
import signal
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.harness import PER_CONNECTION, Backend, dashboards, nginx, snapshot  # noqa: E402
from benchmarks.procstat import Sampler, children, machine, rss_bytes  # noqa: E402
from benchmarks.stclient import Viewer, read_metric  # noqa: E402

if TYPE_CHECKING:
    from benchmarks.scenario import Change

RESULTS = Path(__file__).resolve().parent / "results"
SOURCE_PAGE = "nguon"  # url_path of the "Nguồn dữ liệu" page, which shows the read counter


# -- small statistics --------------------------------------------------------------------


def percentile(values: list[float], p: float) -> float | None:
    """The ``p``-th percentile (nearest rank) of ``values``, None when empty."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(p / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1]


def summary(values: list[float]) -> dict[str, float | int | None]:
    """Count, p50, p95 and max of ``values`` (seconds, rounded to ms)."""
    def r(x: float | None) -> float | None:
        return None if x is None else round(x, 3)

    return {"n": len(values), "p50": r(percentile(values, 50)), "p95": r(percentile(values, 95)),
            "max": r(max(values) if values else None)}


# -- one run -----------------------------------------------------------------------------


async def reads_total(backends: list[Backend], label: str) -> int | None:
    """The sum of the servers' read counters ("Tổng số lần đọc" on the source page)."""
    total = 0
    for backend in backends:
        try:
            body = await read_metric(f"ws://127.0.0.1:{backend.port}", SOURCE_PAGE, label)
        except (OSError, TimeoutError) as exc:
            print(f"  could not read the read counter on :{backend.port}: {exc}", file=sys.stderr)
            return None
        if body is None or not body.strip().isdigit():
            return None
        total += int(body)
    return total


async def warm_up(backends: list[Backend], args: argparse.Namespace, change: Change) -> None:
    """One page view per process, so that imports and the first figure are not measured."""
    for backend in backends:
        viewer = Viewer(-1, f"ws://127.0.0.1:{backend.port}", args.page, args.query, change.shown_texts)
        task = asyncio.create_task(viewer.run())
        deadline = time.monotonic() + 60
        while viewer.record.rendered_at is None and time.monotonic() < deadline and not task.done():
            await asyncio.sleep(0.1)
        await viewer.close()
        await task
        if viewer.record.rendered_at is None:
            raise RuntimeError(f"warm-up: the page did not render on :{backend.port} ({viewer.record})")


async def wait_until(condition: Any, timeout: float, step: float = 0.1) -> bool:
    """Poll ``condition()`` until it is true or ``timeout`` seconds pass."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        await asyncio.sleep(step)
    return True


async def run_once(n: int, args: argparse.Namespace) -> dict[str, Any]:
    """Start the servers, run N viewers through one score change, and measure."""
    from benchmarks.scenario import plan_change, scratch_config

    scratch = Path(tempfile.mkdtemp(prefix=f"thidua-load-{n}-"))
    try:
        config_path, workbook = scratch_config(args.app, scratch, args.interval, args.screen)
        change = plan_change(config_path, workbook, args.province, args.criterion, Decimal(args.new), scratch)
        profile = args.profile_prefix and Path(f"{args.profile_prefix}-n{n}")
        with dashboards(args.app, config_path, args.processes, scratch / "logs", profile) as backends:
            proxy = nginx(scratch / "nginx", [b.port for b in backends], args.balance) if args.processes > 1 \
                else contextlib.nullcontext((backends[0].port, None))
            with proxy as (port, nginx_pid):
                return await measure(n, args, backends, port, nginx_pid, change)
    finally:
        if args.keep_scratch:
            print(f"  scratch kept in {scratch}")
        else:
            shutil.rmtree(scratch, ignore_errors=True)


async def measure(n: int, args: argparse.Namespace, backends: list[Backend], port: int, nginx_pid: int | None,
                  change: Change) -> dict[str, Any]:
    """The measured part of a run (servers already up)."""
    await warm_up(backends, args, change)
    idle_rss = sum(rss_bytes(b.pid) for b in backends)
    groups = {"server": [b.pid for b in backends], "loadgen": [os.getpid()]}
    if len(backends) > 1:  # each process apart too, to see how evenly nginx spread the viewers
        groups.update({f"server:{b.port}": [b.pid] for b in backends})
    if nginx_pid is not None:
        groups["nginx"] = [nginx_pid, *children(nginx_pid)]
    sampler = Sampler(groups)
    sampler.start()
    url = f"ws://127.0.0.1:{port}"
    viewers = [Viewer(i, url, args.page, args.query, change.shown_texts, change.new_texts) for i in range(n)]
    tasks: list[asyncio.Task[None]] = []

    # Ramp up.
    t_ramp = time.monotonic()
    for i, viewer in enumerate(viewers):
        await asyncio.sleep(max(0.0, t_ramp + i / args.ramp - time.monotonic()))
        tasks.append(asyncio.create_task(viewer.run()))
    t_opened = time.monotonic()
    print(f"  {n} viewers opened in {t_opened - t_ramp:.1f} s; waiting for the standings …", flush=True)

    def settled() -> bool:
        return all(v.record.rendered_at is not None or v.record.dropped for v in viewers)

    await wait_until(settled, args.render_timeout)
    t_rendered = time.monotonic()
    rendered = sum(v.record.rendered_at is not None for v in viewers)
    print(f"  {rendered}/{n} rendered after {t_rendered - t_ramp:.1f} s", flush=True)

    # Steady state: every viewer's fragment timer is running.
    await asyncio.sleep(args.screen + 1)
    reads_before = await reads_total(backends, args.reads_label)
    if args.profile:  # profile the steady state and the change only
        for backend in backends:
            os.kill(backend.pid, signal.SIGUSR1)
    t_steady = time.monotonic()
    await asyncio.sleep(args.steady)

    # The change, through the store, from this process (in a thread: the viewers keep running).
    t_write_start = time.monotonic()
    await asyncio.to_thread(change.apply)
    t_write = time.monotonic()
    print(f"  score changed ({change.old_total} → {change.new_total}) in {t_write - t_write_start:.2f} s; "
          "waiting for the viewers …", flush=True)

    def delivered() -> bool:
        return all(v.record.arrived_at is not None or v.record.dropped or v.record.rendered_at is None
                   for v in viewers)

    deadline = args.interval + args.screen + args.max_e2e + args.grace  # even if the mtime probe missed it
    await wait_until(delivered, deadline)
    t_delivered = time.monotonic()
    # Keep the load on for one data interval after the write, so the read count covers one.
    await asyncio.sleep(max(0.0, args.interval - (t_delivered - t_write)))
    reads_after = await reads_total(backends, args.reads_label)
    t_end = time.monotonic()
    sampler.stop()

    await asyncio.gather(*(v.close() for v in viewers), return_exceptions=True)
    await asyncio.gather(*tasks, return_exceptions=True)
    return report(n, args, viewers, sampler, change, idle_rss, reads_before, reads_after,
                  times={"ramp": t_ramp, "opened": t_opened, "rendered": t_rendered, "steady": t_steady,
                         "write_start": t_write_start, "write": t_write, "delivered": t_delivered, "end": t_end})


def report(n: int, args: argparse.Namespace, viewers: list[Viewer], sampler: Sampler, change: Change,
           idle_rss: int, reads_before: int | None, reads_after: int | None,
           times: dict[str, float]) -> dict[str, Any]:
    """The figures of one run, as a JSON-able dict."""
    records = [v.record for v in viewers]
    rendered = [r for r in records if r.rendered_at is not None]
    early = [r for r in records if r.arrived_at is not None and r.arrived_at < times["write_start"]]
    arrived = [r for r in records if r.arrived_at is not None and r.arrived_at >= times["write_start"]]
    dropped = [r for r in records if r.dropped]
    errored = [r for r in records if r.errors]
    missed = [r for r in rendered if r.arrived_at is None and not r.dropped]
    served = [r for r in arrived if not r.dropped and not r.errors]
    e2e = [r.arrived_at - times["write"] for r in arrived]  # type: ignore[operator]
    update = [r.arrived_at - r.arrival_request_at for r in arrived if r.arrival_request_at is not None]  # type: ignore[operator]
    initial = [r.rendered_at - r.connected_at for r in rendered if r.connected_at is not None]  # type: ignore[operator]
    steady_trips = [d for r in records for (at, d) in r.round_trips if times["steady"] <= at <= times["end"]]
    window = times["end"] - times["steady"]
    cpu_steady = sampler.cpu_percent(times["steady"], times["end"])
    cpu_ramp = sampler.cpu_percent(times["ramp"], times["rendered"])
    cpu_peak = sampler.cpu_peak(times["ramp"], times["end"])
    rss = sampler.rss_max()
    reads = None if reads_before is None or reads_after is None else reads_after - reads_before
    result: dict[str, Any] = {
        "viewers": n,
        "processes": args.processes,
        "proxy": f"nginx ({args.balance})" if args.processes > 1 else None,
        "page": "/" + args.page.strip("/") + (f"?{args.query}" if args.query else ""),
        "interval_s": args.interval,
        "screen_s": args.screen,
        "change": f"{args.province}/{args.criterion} → {args.new}: total {change.old_total} → {change.new_total}",
        "rendered": len(rendered),
        "served": len(served),
        "dropped": len(dropped),
        "errored": len(errored),
        "missed": len(missed),
        "seen_before_write": len(early),
        "drop_reasons": sorted({r.connect_error or r.closed_by_server or "" for r in dropped})[:5],
        "error_samples": sorted({e for r in errored for e in r.errors})[:5],
        "ramp_s": round(times["opened"] - times["ramp"], 1),
        "all_rendered_s": round(times["rendered"] - times["ramp"], 1),
        "initial_render_s": summary(initial),
        "write_s": round(times["write"] - times["write_start"], 3),
        "e2e_latency_s": summary(e2e),
        "update_latency_s": summary(update),
        "rerun_round_trip_s": summary(steady_trips),
        "reruns_per_s": round(len(steady_trips) / window, 1) if window > 0 else None,
        "reruns_per_s_expected": round(len(rendered) / args.screen, 1),
        "cpu_percent_steady": cpu_steady,
        "cpu_percent_ramp": cpu_ramp,
        "cpu_percent_peak_5s": cpu_peak,
        "rss_mib_idle_server": round(idle_rss / 2**20, 1),
        "rss_mib_max": {k: round(v / 2**20, 1) for k, v in rss.items()},
        "reads": reads,
        "reads_window_s": round(times["end"] - times["steady"], 1),
        "reads_expected": reads_allowed(args, times["end"] - times["steady"]),
        "mb_received": round(sum(r.bytes for r in records) / 1e6, 1),
        "e2e_latencies_s": sorted(round(x, 3) for x in e2e),
    }
    result["verdict"] = verdict(result, args)
    return result


def reads_allowed(args: argparse.Namespace, window: float) -> int:
    """The most reads "one batched read per interval" allows in ``window`` s: per process, one
    per started interval, plus the one the change triggers (the modification-time probe)."""
    return args.processes * (math.ceil(window / args.interval) + 1)


def verdict(result: dict[str, Any], args: argparse.Namespace) -> str:
    """"ok", or why the run fails the issue's criterion (every viewer gets the change, full
    time p95 ≤ ``--max-e2e``, nothing dropped, one batched read per interval)."""
    problems = []
    n = result["viewers"]
    if result["rendered"] < n:
        problems.append(f"{n - result['rendered']} never rendered")
    for key in ("dropped", "errored", "missed", "seen_before_write"):
        if result[key]:
            problems.append(f"{result[key]} {key}")
    for key in ("update_latency_s", "rerun_round_trip_s"):
        p95 = result[key]["p95"]
        if p95 is not None and p95 > args.max_p95:
            problems.append(f"{key} p95 {p95} > {args.max_p95}")
    e2e = result["e2e_latency_s"]["p95"]
    if e2e is not None and e2e > args.max_e2e:
        problems.append(f"e2e p95 {e2e} > {args.max_e2e}")
    if result["reads"] is not None and result["reads"] > result["reads_expected"]:
        problems.append(f"{result['reads']} reads > {result['reads_expected']}")
    return "ok" if not problems else "; ".join(problems)


# -- output ------------------------------------------------------------------------------


def fmt(value: object) -> str:
    """A cell of the Markdown table."""
    return "–" if value is None else str(value)


TABLE_HEAD = ("| procs | viewers | served | dropped / errors / missed | e2e p50 / p95 / max (s) "
              "| update p50 / p95 / max (s) | rerun RTT p95 (s) | reruns/s | server CPU % steady (peak 5 s) "
              "| server RSS MiB | loadgen CPU % | reads (allowed) | verdict |\n"
              "|---|---|---|---|---|---|---|---|---|---|---|---|---|")


def table_row(r: dict[str, Any]) -> str:
    """One Markdown table row for a run."""
    e2e, upd = r["e2e_latency_s"], r["update_latency_s"]
    cpu = r["cpu_percent_steady"].get("server")
    peak = r["cpu_percent_peak_5s"].get("server")
    nginx_cpu = r["cpu_percent_steady"].get("nginx")
    cpu_text = f"{fmt(cpu)} ({fmt(peak)})" + (f" + nginx {nginx_cpu}" if nginx_cpu is not None else "")
    return (f"| {r['processes']} | {r['viewers']} | {r['served']} | {r['dropped']} / {r['errored']} / {r['missed']} "
            f"| {fmt(e2e['p50'])} / {fmt(e2e['p95'])} / {fmt(e2e['max'])} "
            f"| {fmt(upd['p50'])} / {fmt(upd['p95'])} / {fmt(upd['max'])} "
            f"| {fmt(r['rerun_round_trip_s']['p95'])} | {fmt(r['reruns_per_s'])} of {r['reruns_per_s_expected']} "
            f"| {cpu_text} | {fmt(r['rss_mib_max'].get('server'))} | {fmt(r['cpu_percent_steady'].get('loadgen'))} "
            f"| {fmt(r['reads'])} ({r['reads_expected']}) | {r['verdict']} |")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """The command line."""
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    p.add_argument("--viewers", type=int, nargs="+", default=[100, 300, 500], help="N for each run, in order")
    p.add_argument("--processes", type=int, default=1, help="Streamlit processes; more than 1 puts nginx in front")
    p.add_argument("--balance", default=PER_CONNECTION, help="nginx affinity rule (see nginx.conf.template)")
    p.add_argument("--page", default="", help="URL path of the page ('' = the app's root)")
    p.add_argument("--query", default="view=projector",
                   help="query string without '?': 'view=projector', 'view=delegate', or '' for the ranking page")
    p.add_argument("--app", choices=["head", "worktree"], default="head",
                   help="what to run: a snapshot of the last commit, or of the working tree as it is now")
    p.add_argument("--interval", type=int, default=15,
                   help="data read interval written into the scratch config (s), like the shipped config")
    p.add_argument("--screen", type=float, default=2.0,
                   help="screen refresh (fragment) interval written into the scratch config (s), ≤ --interval")
    p.add_argument("--ramp", type=float, default=25.0, help="viewers opened per second")
    p.add_argument("--steady", type=float, default=10.0, help="seconds of steady load before the change")
    p.add_argument("--render-timeout", type=float, default=120.0, help="seconds to wait for all first renders")
    p.add_argument("--grace", type=float, default=20.0, help="extra seconds to wait for late viewers")
    p.add_argument("--max-p95", type=float, default=3.0, help="p95 limit (s) for the update and rerun latencies")
    p.add_argument("--max-e2e", type=float, default=3.0,
                   help="p95 limit (s) for the full time from the write (the issue's criterion)")
    p.add_argument("--province", default="51", help="province code whose score changes")
    p.add_argument("--criterion", default="1.1", help="criterion code that changes")
    p.add_argument("--new", default="5", help="the new agreed score")
    p.add_argument("--profile", action="store_true",
                   help="run the servers under benchmarks/profile_server.py; reports next to the JSON")
    p.add_argument("--keep-going", action="store_true", help="run every N even after a broken run")
    p.add_argument("--keep-scratch", action="store_true", help="keep the scratch directory (logs, nginx.conf)")
    p.add_argument("--out", type=Path, help="JSON file for the results (default: benchmarks/results/…)")
    args = p.parse_args(argv)
    if not 0.5 <= args.screen <= args.interval:
        p.error("--screen must be between 0.5 and --interval")
    return args


async def main_async(args: argparse.Namespace) -> list[dict[str, Any]]:
    """Every requested run, in order, stopping after the first broken one unless --keep-going."""
    runs = []
    for n in args.viewers:
        print(f"== {n} viewers, {args.processes} process(es), screen {args.screen} s, "
              f"data interval {args.interval} s", flush=True)
        result = await run_once(n, args)
        runs.append(result)
        print(TABLE_HEAD.splitlines()[0] + "\n" + TABLE_HEAD.splitlines()[1] + "\n" + table_row(result), flush=True)
        if result["verdict"] != "ok" and not args.keep_going:
            print("  broken: stopping here", flush=True)
            break
    return runs


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and write the JSON results and a Markdown table."""
    args = parse_args(argv)
    started = dt.datetime.now(dt.UTC)
    out = args.out or RESULTS / f"load-{started:%Y%m%d-%H%M%S}-p{args.processes}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    args.profile_prefix = out.with_suffix("").with_name(out.stem + "-profile") if args.profile else None
    info = {"machine": machine(), "args": {k: str(v) for k, v in vars(args).items()}}
    with tempfile.TemporaryDirectory(prefix="thidua-app-") as copy:
        args.app_source, args.app = args.app, Path(copy) / "app"
        info["app"] = snapshot(args.app_source, args.app)
        sys.path.insert(0, str(args.app))  # the store and config code of the app under test
        from benchmarks.scenario import READS_LABEL

        args.reads_label = READS_LABEL
        runs = asyncio.run(main_async(args))
    info["args"]["app"] = args.app_source
    out.write_text(json.dumps({**info, "runs": runs}, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print("\n" + TABLE_HEAD)
    for run in runs:
        print(table_row(run))
    print(f"\nresults: {out.relative_to(ROOT) if out.is_relative_to(ROOT) else out}")
    return 0 if runs and all(r["verdict"] == "ok" for r in runs) else 1


if __name__ == "__main__":
    sys.exit(main())
