"""Benchmark: parse + score time for the demo workbook and generated 63 × 300 ones.

Run: ``.venv/bin/python benchmarks/parse_score.py``. Prints a Markdown table row per
workbook with the median and worst of several runs (reading the .xlsx is timed apart
from parse + score, since the Google Sheet source arrives as JSON, not as a file).
One generated workbook has 100 computed criteria (every method and direction) with their
``KeHoach`` targets and ``KetQua`` results; it is also written to a temporary .xlsx and
read back, to time the raw targets-and-results file as the xlsx source would read it.
"""

from __future__ import annotations

import platform
import random
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from lib.core.config import load_config  # noqa: E402
from lib.core.model import Province, ProvinceCode, RawWorkbook  # noqa: E402
from lib.core.parse import parse_workbook  # noqa: E402
from lib.core.scoring import Rules, rank  # noqa: E402
from lib.edge.sources.xlsx import XlsxSource, create_template  # noqa: E402

# (Cách tính, Chiều, Hệ số) cycled over the computed criteria.
METHODS = (("kế hoạch", "tăng", None), ("kế hoạch", "giảm", "0,6"), ("so với dẫn đầu", "tăng", None),
           ("so với dẫn đầu", "giảm", None), ("đạt/không", None, None), ("theo lần", None, "0,5"))


def generated(provinces: int, criteria: int, seed: int = 63, computed: int = 0) -> tuple[RawWorkbook,
                                                                                          tuple[Province, ...]]:
    """A synthetic workbook of ``provinces`` × ``criteria``, with text scores and blanks.

    The first ``computed`` criteria (standard ones) are quantitative: their targets and results
    go to ``KeHoach``/``KetQua`` (numbers, text with a decimal comma or a trailing %, 1 % blank),
    and most of their self-scores are left blank (the computed score stands in).
    """
    rng = random.Random(seed)
    members = tuple(Province(ProvinceCode(str(10 + i)), f"Tỉnh số {i + 1}") for i in range(provinces))
    crit_rows: list[list[object]] = [["Mã", "Nhóm", "Tiêu chí", "Điểm chuẩn", "Loại", "Cách tính", "Chiều", "Hệ số"]]
    methods: dict[str, tuple[str, str | None, str | None]] = {}
    for i in range(criteria):
        kind = "thưởng" if i % 50 == 48 else "trừ" if i % 50 == 49 else ""
        code = f"{i // 30 + 1}.{i % 30 + 1}"
        how = METHODS[len(methods) % len(METHODS)] if len(methods) < computed and not kind else (None, None, None)
        if how[0]:
            methods[code] = how
        crit_rows.append([code, f"{'IVX'[i % 3]}. Nhóm {i // 30}", f"Tiêu chí {i}", 10, kind, *how])
    header = ["Mã", *[p.name for p in members]]
    self_rows, agreed_rows, target_rows, result_rows = [header], [header], [header], [header]
    for row in crit_rows[1:]:
        code = str(row[0])
        scores: list[object] = []
        agreed: list[object] = []
        for _ in members:
            value = Decimal(rng.randint(0, 40)) / 4
            blank = rng.random() < (0.9 if code in methods else 0.01)
            scores.append(None if blank else str(value).replace(".", ",") if rng.random() < 0.3 else float(value))
            agreed.append(float(value) if rng.random() < 0.5 else None)
        self_rows.append([code, *scores])
        agreed_rows.append([code, *agreed])
        if code in methods:
            method = methods[code][0]
            targets = [float(Decimal(rng.randint(100, 2000)) / 100) for _ in members]
            results: list[object] = []
            for target in targets:
                if rng.random() < 0.01:
                    results.append(None)
                elif method == "đạt/không":
                    results.append(rng.choice(("Đạt", "x", "không đạt", "chưa đạt", 1)))
                elif method == "theo lần":
                    results.append(rng.randint(0, 25))
                else:
                    number = Decimal(str(target)) * Decimal(rng.randint(70, 130)) / 100
                    results.append(f"{number:.2f} %".replace(".", ",") if rng.random() < 0.3 else float(number))
            if method == "kế hoạch":
                target_rows.append([code, *targets])
            result_rows.append([code, *results])
    workbook: RawWorkbook = {"TieuChi": crit_rows, "TuCham": self_rows, "ThongNhat": agreed_rows}
    if methods:
        workbook |= {"KeHoach": target_rows, "KetQua": result_rows}
    return workbook, members


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
    quant, _ = generated(63, 300, computed=100)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "quant-63x300.xlsx"
        create_template(path, quant, overwrite=True)
        quant_read, _ = timed(XlsxSource(path).read, 3)
        size = path.stat().st_size
    cases = [("demo (11 × 29, 7 computed)", raw, config.provinces), ("generated (63 × 300)", big, members),
             ("generated (63 × 300, 100 computed)", quant, members)]
    print(f"machine: {platform.processor() or platform.machine()}, Python {platform.python_version()}")
    print(f"demo.xlsx read with openpyxl: {read_median * 1000:.1f} ms (median of 5)")
    print(f"63 × 300 with 100 computed as .xlsx ({size // 1024} KiB): read {quant_read * 1000:.1f} ms (median of 3)")
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
