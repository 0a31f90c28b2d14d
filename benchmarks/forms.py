"""Benchmark: generating all 11 self-scoring forms, and importing 11 returned forms.

Run: ``.venv/bin/python benchmarks/forms.py [RUNS]``, or ``… --hostile [CAP_S]``. Times, on copies of the demo workbook:
- ``build``: ``all_forms`` for the 11 members (bytes in memory), per run;
- ``import``: 11 filled forms (3 scores, one as text ``x,5``, and one evidence link each)
  read and imported one after another through ``store.import_self_scores`` into a fresh copy
  of the demo (each import re-reads and rewrites the .xlsx under the locks), per run;
- ``cli_forms`` / ``cli_import``: the same through ``python -m lib forms`` and
  ``python -m lib import`` as subprocesses (wall time, interpreter start included), once;
- ``hostile``: reading hostile forms side by side, the reader before (``legacy_read``: the
  quadratic reader up to commit 6b3314c, kept below) and after (``read_form_file``), each in a
  subprocess killed after ``--cap`` seconds (default 60): one value at T2000, T4000 and
  XFD1048576, a formatted (empty) XFD1048576, and a zip bomb (1 GB of one byte in the sheet).
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
from lib.edge.forms import form_key, read_form_file  # noqa: E402
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
    for name, data in all_forms(config, sheet, "01/02/2020 08:00:00", form_key()):
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
        reading = read_form(read_form_file(form), config.name, config.year, config.provinces, sheet.criteria,
                            form_key(), form.name)
        written += len(import_self_scores(source, reading, config.provinces, "bench", Role.SECRETARY).written)
    return time.perf_counter() - start, written


def legacy_read(path: Path) -> int:
    """The reader before issue 20 (quadratic: max_row/max_column per blank cell, ``cell()`` creating cells)."""
    wb = openpyxl.load_workbook(path, data_only=True)
    formulas = openpyxl.load_workbook(path, data_only=False)
    seen = 0
    for ws in wb.worksheets:
        typed = formulas[ws.title]
        for row in ws.iter_rows():
            for cell in row:
                seen += 1
                if cell.value is None and cell.row <= typed.max_row and cell.column <= typed.max_column:
                    typed.cell(cell.row, cell.column)
    return seen


def hostile_forms(tmp: Path, config_path: Path, workbook: Path) -> dict[str, Path]:
    """The far-cell forms and the zip bomb, each as a file."""
    import zipfile

    from openpyxl.styles import PatternFill

    config = load_config(config_path)
    sheet = parse_workbook(XlsxSource(workbook).read(), config.provinces).sheet
    _, data = all_forms(config, sheet, "01/02/2020 08:00:00", form_key())[0]
    out = {}
    for label, coordinate, styled in (("value_T2000", "T2000", False), ("value_T4000", "T4000", False),
                                      ("value_XFD1048576", "XFD1048576", False),
                                      ("formatted_XFD1048576", "XFD1048576", True)):
        path = tmp / f"{label}.xlsx"
        path.write_bytes(data)
        wb = openpyxl.load_workbook(path)
        cell = wb[FORM_TAB][coordinate]
        if styled:
            cell.fill = PatternFill("solid", fgColor="FFFF00")
        else:
            cell.value = "x"
        wb.save(path)
        out[label] = path
    bomb = tmp / "zip_bomb.xlsx"  # a real form whose sheet XML is padded with 1 GB of spaces
    with zipfile.ZipFile(tmp / "value_T2000.xlsx") as archive:
        parts = {i.filename: archive.read(i.filename) for i in archive.infolist()}
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, part in parts.items():
            if name == "xl/worksheets/sheet1.xml":
                with archive.open(name, "w", force_zip64=True) as entry:
                    head, tail = part.rsplit(b"</worksheet>", 1)
                    entry.write(head)
                    chunk = b" " * (1 << 20)
                    for _ in range(1024):
                        entry.write(chunk)
                    entry.write(b"</worksheet>" + tail)
            else:
                archive.writestr(name, part)
    out["zip_bomb_1GB"] = bomb
    return out


def one_read(which: str, path: str) -> None:
    """Child process: read ``path`` with the reader ``which`` and print JSON {seconds, outcome}."""
    start = time.perf_counter()
    try:
        if which == "before":
            outcome = f"read, {legacy_read(Path(path))} cells visited"
        else:
            from lib.edge.forms import ReadStats

            stats = ReadStats()
            read_form_file(Path(path), stats=stats)
            outcome = f"read, {stats.cells_visited} cells visited"
    except Exception as exc:  # noqa: BLE001 - the outcome is the figure
        outcome = f"{type(exc).__name__}: {' '.join(str(exc).split())[:160]}"
    print(json.dumps({"seconds": time.perf_counter() - start, "outcome": outcome}))


def time_hostile(forms: dict[str, Path], cap: float) -> dict:
    """Each hostile form read before and after, side by side, each in a subprocess killed after ``cap`` s."""
    out: dict = {}
    for label, path in forms.items():
        row = {"file_bytes": path.stat().st_size}
        for which in ("before", "after"):
            start = time.perf_counter()
            try:
                done = subprocess.run([sys.executable, __file__, "--one", which, str(path)], cwd=ROOT,
                                      capture_output=True, text=True, timeout=cap)
                row[which] = json.loads(done.stdout.strip().splitlines()[-1]) if done.returncode == 0 else {
                    "seconds": time.perf_counter() - start, "outcome": f"exit {done.returncode}: {done.stderr[-200:]}"}
            except subprocess.TimeoutExpired:
                row[which] = {"seconds": None, "outcome": f"not done after {cap:.0f} s (killed)"}
        out[label] = row
        print(f"{label:<22} before: {_fig(row['before'])}; after: {_fig(row['after'])}", flush=True)
    return out


def _fig(result: dict) -> str:
    seconds = result["seconds"]
    return (f"{seconds:.2f} s" if seconds is not None else "—") + f" ({result['outcome'][:90]})"


def main() -> None:
    if sys.argv[1:2] == ["--one"]:
        one_read(sys.argv[2], sys.argv[3])
        return
    if sys.argv[1:2] == ["--hostile"]:
        cap = float(sys.argv[2]) if len(sys.argv) > 2 else 60.0
        with tempfile.TemporaryDirectory() as name:
            tmp = Path(name)
            workbook, config_path = setup(tmp)
            result = {"started": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"), "cap_s": cap,
                      "python": platform.python_version(), "hostile": time_hostile(
                          hostile_forms(tmp, config_path, workbook), cap)}
        stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%d-%H%M%S")
        out = ROOT / "benchmarks" / "results" / f"forms-hostile-{stamp}.json"
        out.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        print(f"raw: {out.relative_to(ROOT)}")
        return
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
            forms = all_forms(config, sheet, "01/02/2020 08:00:00", form_key())
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
