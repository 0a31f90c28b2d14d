"""The command line: ``python -m lib check [WORKBOOK] [--config FILE] [--json]``.

Exit codes: 0 the workbook is usable (warnings allowed), 1 it has errors, 2 it cannot
be read (or the configuration is invalid).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from typing import TextIO

from lib.config import load_config
from lib.errors import ConfigError, SourceError
from lib.formatting import rank_label, two_decimals, vn_number
from lib.results import Results, evaluate
from lib.sources.factory import open_source

EXIT_OK, EXIT_ERRORS, EXIT_UNREADABLE = 0, 1, 2


def main(argv: Sequence[str] | None = None, out: TextIO | None = None) -> int:
    """Run the command line; returns the exit code."""
    out = out or sys.stdout
    parser = argparse.ArgumentParser(prog="python -m lib", description="Chấm điểm thi đua cụm — công cụ dòng lệnh")
    commands = parser.add_subparsers(dest="command", required=True)
    check = commands.add_parser("check", help="kiểm tra bảng tính và in bảng xếp hạng")
    check.add_argument("workbook", nargs="?", help="tệp .xlsx (mặc định: nguồn trong cấu hình)")
    check.add_argument("--config", help="tệp cấu hình cụm (.toml)")
    check.add_argument("--json", action="store_true", help="in kết quả dạng JSON")
    args = parser.parse_args(argv)
    return run_check(args.workbook, args.config, args.json, out)


def run_check(workbook: str | None, config_file: str | None, as_json: bool, out: TextIO) -> int:
    """Load, validate and rank; print problems and standings."""
    try:
        config = load_config(config_file)
        results = evaluate(open_source(config, workbook).read(), config)
    except (ConfigError, SourceError) as exc:
        print(f"Lỗi: {exc}", file=sys.stderr)
        return EXIT_UNREADABLE
    if as_json:
        json.dump(as_document(results), out, ensure_ascii=False, indent=2)
        out.write("\n")
    else:
        out.write(as_text(results))
    return EXIT_ERRORS if results.errors else EXIT_OK


def as_document(results: Results) -> dict:
    """The JSON document of the design's command-line contract."""
    return {
        "problems": [
            {"severity": p.severity.value, "cell": p.cell, "message": p.message} for p in results.problems
        ],
        "standings": [
            {
                "code": s.code,
                "name": s.province.name,
                "self_total": two_decimals(s.self_total),
                "agreed_total": two_decimals(s.agreed_total),
                "provisional": s.provisional,
                "rank": s.rank,
                "needs_vote": s.needs_vote,
                "award": s.award,
            }
            for s in results.standings
        ],
    }


def as_text(results: Results) -> str:
    """A readable Vietnamese report: problems, then the standings table."""
    lines = []
    errors, warnings = len(results.errors), len(results.warnings)
    lines.append(f"Kiểm tra bảng tính: {errors} lỗi, {warnings} cảnh báo")
    for problem in results.problems:
        tag = "LỖI     " if problem.is_error else "CẢNH BÁO"
        lines.append(f"  {tag} {problem.cell:<14} {problem.message}")
    lines.append("")
    lines.append("Bảng xếp hạng" + (" (tạm tính: còn điểm chưa thống nhất)" if any(
        s.provisional for s in results.standings) else ""))
    header = f"{'Hạng':<12} {'Mã':<4} {'Tỉnh':<14} {'Tự chấm':>9} {'Thống nhất':>11}  Ghi chú"
    lines += [header, "-" * len(header)]
    for s in results.standings:
        notes = []
        if s.provisional:
            notes.append("tạm tính")
        if s.needs_vote:
            notes.append("cần biểu quyết")
        if s.award:
            notes.append(s.award)
        lines.append(
            f"{rank_label(s):<12} {s.code:<4} {s.province.name:<14} {vn_number(s.self_total):>9} "
            f"{vn_number(s.agreed_total):>11}  {'; '.join(notes)}"
        )
    return "\n".join(lines) + "\n"
