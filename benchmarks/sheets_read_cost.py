"""Benchmark: what reading cells as they show costs on Google Sheets, per read interval.

Run: ``.venv/bin/python benchmarks/sheets_read_cost.py [READS]``. The demo workbook is
loaded into the local Sheets API server (``tests/fake_sheets``, ``vi_VN``, some cells given
number formats as organisers do), and the source reads it ``READS`` times (default 20):

- ``before``: one ``values:batchGet`` of every contract tab, ``UNFORMATTED_VALUE`` (the read
  before issue 19);
- ``after``: ``GoogleSheetSource.read`` as it is now: a ``FORMATTED_VALUE`` batchGet, then the
  ``UNFORMATTED_VALUE`` one, paired cell by cell.

Per read it reports the API calls and the response bytes (the JSON bodies as received, counted
by a ``requests`` response hook; the local server indents its JSON as Google does) and the
wall time of the read on this machine (local loopback: the network's latency is not in it; on
Google each call adds its round trip, ~100-300 ms). The table is printed and saved as JSON in
``benchmarks/results/sheets_read_cost.json``. The metadata and token calls, made once, are
left out.
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from lib.edge.sources import gsheet  # noqa: E402
from lib.edge.sources.gsheet import GoogleSheetSource  # noqa: E402
from lib.edge.sources.gsheet_settings import authorized_session, credentials_from_info  # noqa: E402
from lib.edge.sources.xlsx import XlsxSource  # noqa: E402
from tests.fake_sheets import FakeSheetsServer, service_account_info  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results" / "sheets_read_cost.json"


def _source(server: FakeSheetsServer, key: str, sizes: list[int]) -> GoogleSheetSource:
    info = service_account_info(server)
    session = authorized_session(credentials_from_info(info), server.url)
    session.hooks["response"].append(lambda response, *args, **kwargs: sizes.append(len(response.content)))
    return GoogleSheetSource(key, session, service_account=info["client_email"])


def _measure(server: FakeSheetsServer, key: str, reads: int, before: bool) -> dict[str, Any]:
    sizes: list[int] = []
    source = _source(server, key, sizes)
    titles = source._contract_titles()  # metadata: once, not counted
    sizes.clear()
    server.reset_log()
    times = []
    for _ in range(reads):
        started = time.perf_counter()
        if before:
            source._batch_get(titles, gsheet._READ_PARAMS)
        else:
            source.read()
        times.append(time.perf_counter() - started)
    calls = server.count("values:batchGet")
    return {"reads": reads, "calls_per_read": calls / reads, "bytes_per_read": sum(sizes) / reads,
            "median_ms": round(statistics.median(times) * 1000, 2)}


def main(reads: int = 20) -> dict[str, Any]:
    """Measure both ways on the demo workbook and return the figures."""
    demo = XlsxSource(ROOT / "config" / "demo.xlsx").read()
    with FakeSheetsServer() as server:
        key = server.create_spreadsheet("Thi đua cụm 2019 (minh họa)", demo, locale="vi_VN")
        for col in range(2, 13):  # organisers format the agreed scores with two decimals, the results as %
            server.set_format(key, "ThongNhat", 4, col, "NUMBER", "0.00")
            server.set_format(key, "KetQua", 4, col, "NUMBER", "0.0")
        figures = {"before (1 × UNFORMATTED)": _measure(server, key, reads, before=True),
                   "after (FORMATTED + UNFORMATTED)": _measure(server, key, reads, before=False)}
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(figures, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"{'read':34} {'calls/read':>10} {'bytes/read':>11} {'median ms':>10}")
    for name, row in figures.items():
        print(f"{name:34} {row['calls_per_read']:>10.1f} {row['bytes_per_read']:>11,.0f} {row['median_ms']:>10.2f}")
    return figures


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 20)
