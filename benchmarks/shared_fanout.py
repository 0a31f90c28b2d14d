"""Benchmark: one edit's fan-out to SSE viewers and projectors, two processes behind nginx with Redis
beside one process alone, in the same run.

    .venv/bin/python -m benchmarks.shared_fanout --sse 10000 --projectors 500

One snapshot of the app (``benchmarks/harness.py``), one Debian ``redis-server`` on a free port
(``tests/redis_server.py``), then two set-ups one after the other, each on its own scratch copy of
the demo workbook with the same one edit planned (``benchmarks/mixed.py``'s ``plan_series``):

- ``one``: one ``serve.py`` process, the viewers on its own port (the default deployment);
- ``two``: two ``serve.py`` processes with ``[server] redis_url`` (one reader of the workbook
  through the lease, the other serving what it publishes), behind nginx with the benchmarks'
  plain-HTTP template (``benchmarks/nginx.conf.template``, per-connection affinity, 32,768
  connections per worker): the load generator would otherwise measure its own TLS handshakes.

In each, ``benchmarks/mixed.py``'s ``mixed`` run: ``--projectors`` projector viewers (a Streamlit
session, its ``/api/events`` stream and its fetches of ``/api/projector``) opened at ``--ramp``
per second, then ``--sse`` plain ``/api/events`` streams, ``--steady`` s, one organiser's edit of
the workbook, and for every viewer the time from the start of that write until the new total
reaches it. All clients come from 127.0.0.1, so the scratch config raises
``max_streams_per_address`` (and ``max_streams``) above the count. Raw results:
``benchmarks/results/shared-fanout-<time>-sse<N>-proj<M>.json``; the table is printed.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

from benchmarks import sse
from benchmarks.harness import dashboards, nginx, snapshot
from benchmarks.mixed import RESULTS, _brief, load_average, metrics_or_error, mixed, plan_series
from benchmarks.procstat import machine
from benchmarks.scenario import scratch_config
from lib.present.projector_screen import SAFETY_POLL_SECONDS
from tests.redis_server import RedisServer


def children(pid: int) -> list[int]:
    """The direct children of ``pid`` (nginx's workers)."""
    try:
        return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def configure(app: Path, directory: Path, args: argparse.Namespace, redis_url: str) -> tuple[Path, Path]:
    """A scratch config and workbook: the caps above the viewer count (one address), Redis when given."""
    config, workbook = scratch_config(app, directory, args.interval, args.screen)
    cap = args.sse + 2 * args.projectors + 1000
    text = config.read_text(encoding="utf-8")
    for old, new in (("# max_streams = 10000", f"max_streams = {cap}"),
                     ("# max_streams_per_address = 500", f"max_streams_per_address = {cap}"),
                     ('# redis_url = "redis://127.0.0.1:6379/0"', f'redis_url = "{redis_url}"' if redis_url else "")):
        if old not in text:
            raise RuntimeError(f"the shipped config has no line {old!r}")
        text = text.replace(old, new)
    config.write_text(text, encoding="utf-8")
    return config, workbook


async def two(args: argparse.Namespace, backends: list, port: int, nginx_pid: int, change: Any) -> dict[str, Any]:
    """``mixed`` through nginx in front of ``backends``; each process's ``/metrics`` after."""
    groups = {"server": [b.pid for b in backends], "nginx": [nginx_pid, *children(nginx_pid)],
              "loadgen": [os.getpid()]}
    result = await mixed(args, backends[0], change, port=port, groups=groups, warm=backends)
    result["metrics_per_process"] = [await metrics_or_error(b.port) for b in backends]
    return result


def run(setup: str, args: argparse.Namespace, app: Path, scratch: Path, redis: RedisServer) -> dict[str, Any]:
    """One set-up (``one`` or ``two``) from start to stop."""
    directory = scratch / setup
    directory.mkdir()
    redis.client().flushall()
    config, workbook = configure(app, directory, args, redis.url if setup == "two" else "")
    change = plan_series(config, workbook, directory, 1)[0]
    run_args = argparse.Namespace(**{**vars(args), "streamlit": args.projectors})
    print(f"== {setup}: load average {load_average()}", flush=True)
    with dashboards(app, config, 1 if setup == "one" else 2, directory / "logs") as backends:
        if setup == "one":
            return asyncio.run(mixed(run_args, backends[0], change))
        with nginx(directory / "nginx", [b.port for b in backends], connections=32768) as (port, pid):
            return asyncio.run(two(run_args, backends, port, pid, change))


def row(name: str, result: dict[str, Any]) -> list[str]:
    """The table's rows of one set-up: SSE viewers and projectors."""
    out = []
    for kind, key in (("SSE viewers", "sse"), ("projectors", "streamlit")):
        part = result[key]
        lat = part["latency_s"] or {}
        out.append(f"| {name} | {kind} | {part['received']}/{part['viewers']} | {lat.get('p50')} | {lat.get('p95')} "
                   f"| {lat.get('max')} |")
    return out


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """The command line."""
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    p.add_argument("--sse", type=int, default=10000, help="plain /api/events viewers")
    p.add_argument("--projectors", type=int, default=500, help="projector viewers")
    p.add_argument("--setups", nargs="+", choices=["one", "two"], default=["one", "two"])
    p.add_argument("--ramp", type=float, default=25.0, help="projectors opened per second")
    p.add_argument("--steady", type=float, default=10.0, help="seconds of load before the edit")
    p.add_argument("--timeout", type=float, default=60.0, help="seconds to wait for every viewer")
    p.add_argument("--render-timeout", type=float, default=120.0, help="seconds to wait for first renders")
    p.add_argument("--poll", type=float, default=SAFETY_POLL_SECONDS, help="projector's safety poll (s)")
    p.add_argument("--fetch-timeout", type=float, default=30.0, help="seconds one /api/projector fetch may take")
    p.add_argument("--interval", type=int, default=15, help="data read interval (s), as shipped")
    p.add_argument("--screen", type=float, default=2.0, help="screen refresh (s), as shipped")
    p.add_argument("--app", choices=["head", "worktree"], default="head")
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Run both set-ups; one raw JSON file in ``benchmarks/results``."""
    args = parse_args(argv)
    limit = sse.raise_fd_limit((args.sse + 3 * args.projectors) * 2 + 2048)  # the servers and nginx inherit it
    RESULTS.mkdir(exist_ok=True)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%d-%H%M%S")
    scratch = Path(tempfile.mkdtemp(prefix="thidua-fanout-"))
    redis = RedisServer().start()
    results: dict[str, Any] = {}
    try:
        info = snapshot(args.app, scratch / "app")
        for setup in args.setups:
            results[setup] = run(setup, args, scratch / "app", scratch, redis)
            print(json.dumps(_brief({k: results[setup][k] for k in ("sse", "streamlit", "phases_s")}),
                             ensure_ascii=False), flush=True)
    finally:
        redis.stop()
        shutil.rmtree(scratch, ignore_errors=True)
    out = {"benchmark": "shared-fanout", "machine": machine(), "fd_limit": limit, "app": info, "args": vars(args),
           **results}
    path = RESULTS / f"shared-fanout-{stamp}-sse{args.sse}-proj{args.projectors}.json"
    path.write_text(json.dumps(out, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    names = {"one": "1 process", "two": "2 processes + nginx + Redis"}
    print("| set-up | viewers | received | p50 s | p95 s | max s |\n|---|---|---|---|---|---|")
    for setup, result in results.items():
        print("\n".join(row(names[setup], result)))
    print(f"-> {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
