"""Benchmark: Google Sheets reads per interval with 1 and 2 server processes, with and without Redis.

Run: ``.venv/bin/python benchmarks/shared_reads.py [INTERVALS]``. The demo workbook is loaded
into the local Sheets API server (``tests/fake_sheets``); 1 or 2 reading processes
(``tests/feed_worker``: a ``SharedReader`` kept fresh as the live publisher does, with a
``Feed`` when Redis is used) run against it at a 1 s refresh interval. Once every process shows
data, the server's call log is reset and the calls are counted over ``INTERVALS`` intervals
(default 20): ``values:batchGet`` (a full read is two of them: the shown and the raw values) and
``drive:get`` (the cheap change probe). Redis is Debian's ``redis-server`` on a free port. The
table is printed and saved in ``benchmarks/results/shared-reads-<time>.json``.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from lib.core.config import CONFIG_ENV  # noqa: E402
from lib.edge.sources.xlsx import XlsxSource  # noqa: E402
from tests.fake_sheets import FakeSheetsServer  # noqa: E402
from tests.fake_sheets.client import sheet_settings  # noqa: E402
from tests.redis_server import RedisServer  # noqa: E402

INTERVAL = 1.0


def run(processes: int, redis_url: str, intervals: int, settings: Path, server: FakeSheetsServer) -> dict:
    """Count the Sheets calls of ``processes`` readers over ``intervals`` intervals."""
    env = {**os.environ, CONFIG_ENV: str(ROOT / "config" / "tn-dhmt-2019.toml")}
    workers = []
    for _ in range(processes):
        w = subprocess.Popen([sys.executable, "-m", "tests.feed_worker", str(settings), redis_url, str(INTERVAL)],
                             cwd=ROOT, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        assert w.stdout is not None
        while w.stdout.readline().startswith("v 0 "):
            pass  # until it shows data
        workers.append(w)
    server.reset_log()
    time.sleep(intervals * INTERVAL)  # the measured window: a fixed number of intervals
    reads, probes = server.count("values:batchGet"), server.count("drive:get")
    for w in workers:
        assert w.stdin is not None
        w.stdin.close()
        w.wait(timeout=10)
    return {"processes": processes, "redis": redis_url != "-", "intervals": intervals,
            "batchGet": reads, "reads_per_interval": reads / 2 / intervals, "probes": probes,
            "probes_per_interval": probes / intervals}


def main(argv: list[str]) -> None:
    intervals = int(argv[0]) if argv else 20
    rows = []
    with tempfile.TemporaryDirectory() as tmp, FakeSheetsServer() as server:
        key = server.create_spreadsheet("benchmark", XlsxSource(ROOT / "config" / "demo.xlsx").read())
        settings = Path(tmp) / "sheet.json"
        settings.write_text(json.dumps(sheet_settings(server, key)), "utf-8")
        redis = RedisServer().start()
        try:
            for url in ("-", redis.url):
                for processes in (1, 2):
                    if url != "-":
                        redis.client().flushall()
                    rows.append(run(processes, url, intervals, settings, server))
        finally:
            redis.stop()
    print(f"{'processes':>9} {'redis':>5} {'reads/interval':>14} {'probes/interval':>15}")
    for r in rows:
        print(f"{r['processes']:>9} {'yes' if r['redis'] else 'no':>5} {r['reads_per_interval']:>14.2f} "
              f"{r['probes_per_interval']:>15.2f}")
    out = ROOT / "benchmarks" / "results" / f"shared-reads-{dt.datetime.now():%Y%m%d-%H%M%S}.json"
    out.write_text(json.dumps({"interval_seconds": INTERVAL, "rows": rows}, indent=2), "utf-8")
    print(f"saved {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main(sys.argv[1:])
