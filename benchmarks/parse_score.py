"""Benchmark: parse + score time for the demo workbook and a generated 63 × 300 one.

Run: ``.venv/bin/python benchmarks/parse_score.py``. Prints a Markdown table row per
workbook with the median and worst of several runs (reading the .xlsx is timed apart
from parse + score, since the Google Sheet source arrives as JSON, not as a file).
"""

from __future__ import annotations

import platform
import random
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from lib.core.config import load_config  # noqa: E402
from lib.core.model import Province, ProvinceCode, RawWorkbook  # noqa: E402
from lib.core.parse import parse_workbook  # noqa: E402
from lib.core.scoring import Rules, rank  # noqa: E402
from lib.edge.sources.xlsx import XlsxSource  # noqa: E402


def generated(provinces: int, criteria: int, seed: int = 63) -> tuple[RawWorkbook, tuple[Province, ...]]:
    """A synthetic workbook of ``provinces`` × ``criteria``, with text scores and blanks."""
    rng = random.Random(seed)
    members = tuple(Province(ProvinceCode(str(10 + i)), f"Tỉnh số {i + 1}") for i in range(provinces))
    crit_rows = [["Mã", "Nhóm", "Tiêu chí", "Điểm chuẩn", "Loại"]]
    for i in range(criteria):
        kind = "thưởng" if i % 50 == 48 else "trừ" if i % 50 == 49 else ""
        crit_rows.append([f"{i // 30 + 1}.{i % 30 + 1}", f"{'IVX'[i % 3]}. Nhóm {i // 30}", f"Tiêu chí {i}", 10, kind])
    header = ["Mã", *[p.name for p in members]]
    self_rows, agreed_rows = [header], [header]
    for row in crit_rows[1:]:
        scores: list[object] = []
        agreed: list[object] = []
        for _ in members:
            value = Decimal(rng.randint(0, 40)) / 4
            scores.append(None if rng.random() < 0.01 else str(value).replace(".", ",") if rng.random() < 0.3
                          else float(value))
            agreed.append(float(value) if rng.random() < 0.5 else None)
        self_rows.append([row[0], *scores])
        agreed_rows.append([row[0], *agreed])
    return {"TieuChi": crit_rows, "TuCham": self_rows, "ThongNhat": agreed_rows}, members


def timed(fn, runs: int) -> tuple[float, float]:
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples), max(samples)


def main() -> None:
    config = load_config()
    demo = XlsxSource(config.source.path)
    rules = Rules.from_config(config)
    read_median, _ = timed(demo.read, 5)
    raw = demo.read()
    big, members = generated(63, 300)
    cases = [("demo (11 × 29)", raw, config.provinces), ("generated (63 × 300)", big, members)]
    print(f"machine: {platform.processor() or platform.machine()}, Python {platform.python_version()}")
    print(f"demo.xlsx read with openpyxl: {read_median * 1000:.1f} ms (median of 5)")
    print("| workbook | parse median | parse+score median | parse+score worst |")
    print("|---|---|---|---|")
    for name, workbook, provinces in cases:
        parse_median, _ = timed(lambda w=workbook, p=provinces: parse_workbook(w, p), 7)

        def both(w=workbook, p=provinces) -> None:
            rank(parse_workbook(w, p).sheet, rules)

        median, worst = timed(both, 7)
        print(f"| {name} | {parse_median * 1000:.1f} ms | {median * 1000:.1f} ms | {worst * 1000:.1f} ms |")


if __name__ == "__main__":
    main()
