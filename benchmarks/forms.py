"""Benchmark: generating all 11 self-scoring forms, and importing 11 returned forms.

Run: ``.venv/bin/python benchmarks/forms.py [RUNS]``. Times, on copies of the demo workbook:
- ``build``: ``all_forms`` for the 11 members (bytes in memory), per run;
- ``import``: 11 filled forms (3 scores, one as text ``x,5``, and one evidence link each)
  read and imported one after another through ``store.import_self_scores`` into a fresh copy
  of the demo (each import re-reads and rewrites the .xlsx under the locks), per run;
- ``cli_forms`` / ``cli_import``: the same through ``python -m lib forms`` and
  ``python -m lib import`` as subprocesses (wall time, interpreter start included), once.
Writes the raw figures to ``benchmarks/results/forms-<UTC stamp>.json`` and prints a summary.
"""

from __future__ import annotations

import datetime as dt
import json
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import openpyxl  # noqa: E402

from lib.core.config import load_config  # noqa: E402
from lib.core.forms import FORM_TAB, read_form  # noqa: E402
from lib.core.model import Role  # noqa: E402
from lib.core.parse import parse_workbook  # noqa: E402
from lib.edge.forms import read_form_file  # noqa: E402
from lib.edge.sources.xlsx import XlsxSource  # noqa: E402
from lib.edge.store import import_self_scores  # noqa: E402
from lib.present.forms_xlsx import HEADER_ROW, all_forms  # noqa: E402


def setup(tmp: Path) -> tuple[Path, Path]:
    workbook = tmp / "demo.xlsx"
    shutil.copy(ROOT / "config" / "demo.xlsx", workbook)
    text = (ROOT / "config" / "tn-dhmt-2019.toml").read_text(encoding="utf-8")
    config = tmp / "cluster.toml"
    config.write_text(text.replace('path = "demo.xlsx"', f'path = "{workbook}"'), encoding="utf-8")
    return workbook, config


def filled_forms(tmp: Path, config_path: Path, workbook: Path) -> list[Path]:
    config = load_config(config_path)
    sheet = parse_workbook(XlsxSource(workbook).read(), config.provinces).sheet
    out = tmp / "returned"
    out.mkdir(exist_ok=True)
    paths = []
    for name, data in all_forms(config, sheet, "01/02/2020 08:00:00"):
        path = out / name
        path.write_bytes(data)
        wb = openpyxl.load_workbook(path)
        ws = wb[FORM_TAB]
        for offset, value in enumerate(("0,5", 1, 2)):  # rows 1.1, 1.2, 1.3 (max 8, 6, 4)
            ws.cell(HEADER_ROW + 1 + offset, 6).value = value
        ws.cell(HEADER_ROW + 4, 7).value = f"https://drive.example/{name}"
        wb.save(path)
        paths.append(path)
    return paths


def time_import(config_path: Path, workbook: Path, forms: list[Path]) -> tuple[float, int]:
    config = load_config(config_path)
    source = XlsxSource(workbook)
    written = 0
    start = time.perf_counter()
    for form in forms:
        sheet = parse_workbook(source.read(), config.provinces).sheet
        reading = read_form(read_form_file(form), config.name, config.year, config.provinces, sheet.criteria)
        written += len(import_self_scores(source, reading, config.provinces, "bench", Role.SECRETARY).written)
    return time.perf_counter() - start, written


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    result: dict = {"started": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"), "runs": runs,
                    "python": platform.python_version(), "machine": platform.processor() or platform.machine(),
                    "build_s": [], "import_s": [], "cells_written": []}
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        workbook, config_path = setup(tmp)
        config = load_config(config_path)
        sheet = parse_workbook(XlsxSource(workbook).read(), config.provinces).sheet
        for _ in range(runs):
            start = time.perf_counter()
            forms = all_forms(config, sheet, "01/02/2020 08:00:00")
            result["build_s"].append(time.perf_counter() - start)
        result["forms"] = len(forms)
        result["form_bytes"] = [len(b) for _, b in forms]
        returned = filled_forms(tmp, config_path, workbook)
        for _ in range(runs):
            shutil.copy(ROOT / "config" / "demo.xlsx", workbook)
            seconds, written = time_import(config_path, workbook, returned)
            result["import_s"].append(seconds)
            result["cells_written"].append(written)
        shutil.copy(ROOT / "config" / "demo.xlsx", workbook)
        python = [sys.executable, "-m", "lib"]
        start = time.perf_counter()
        subprocess.run([*python, "forms", str(tmp / "cli"), "--config", str(config_path)], cwd=ROOT, check=True,
                       capture_output=True)
        result["cli_forms_s"] = time.perf_counter() - start
        start = time.perf_counter()
        done = subprocess.run([*python, "import", *map(str, returned), str(workbook), "--config", str(config_path),
                               "--user", "bench"], cwd=ROOT, capture_output=True)
        result["cli_import_s"] = time.perf_counter() - start
        result["cli_import_rc"] = done.returncode
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%d-%H%M%S")
    out = ROOT / "benchmarks" / "results" / f"forms-{stamp}.json"
    out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    build, imp = result["build_s"], result["import_s"]
    print(f"build 11 forms: median {statistics.median(build) * 1000:.0f} ms, worst {max(build) * 1000:.0f} ms")
    print(f"import 11 forms ({result['cells_written'][0]} cells): median {statistics.median(imp):.2f} s, "
          f"worst {max(imp):.2f} s")
    print(f"CLI forms {result['cli_forms_s']:.2f} s, CLI import {result['cli_import_s']:.2f} s "
          f"(rc {result['cli_import_rc']}); raw: {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
