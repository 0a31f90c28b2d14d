"""The command line: ``python -m lib check [WORKBOOK] [--config FILE] [--json]``,
``python -m lib adjust [WORKBOOK] --user NAME --reason TEXT CODE:PROVINCE[@TAB]=VALUE…`` (in
``lib.cli_adjust``), ``python -m lib forms OUTDIR`` and ``python -m lib import FORM… [WORKBOOK] --user NAME``
(in ``lib.cli_forms``) and ``python -m lib init-sheet [--demo | --from NEW.xlsx] [--xlsx PATH] [--config FILE]``;
the year's loop
``python -m lib papers OUTDIR [WORKBOOK] [--draft]`` and ``python -m lib new-year OUTDIR [WORKBOOK]``
(in ``lib.cli_year``).

Exit codes: 0 the workbook is usable (warnings allowed), 1 it has errors, 2 it cannot
be read (or the configuration is invalid).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol, TextIO, runtime_checkable

from lib.core.config import load_config
from lib.core.errors import ConfigError, NotAllowed, SourceError
from lib.core.evaluation import Evaluation, evaluate
from lib.core.grammar import FREEZE, find_tab
from lib.core.model import RawWorkbook
from lib.core.next_year import config_blanks
from lib.core.template import template_workbook
from lib.edge import shared
from lib.edge.freeze_memory import source_id
from lib.edge.secret import read_key
from lib.edge.sources.factory import open_source
from lib.edge.sources.xlsx import XlsxSource, create_template
from lib.edge.store import write_template
from lib.present.catalogue import describe, explain
from lib.present.formatting import rank_label, vn_number
from lib.present.standings_json import as_document

DEMO_WORKBOOK = Path(__file__).resolve().parent.parent / "config" / "demo.xlsx"


@runtime_checkable
class GoogleSheetLike(Protocol):
    """What init-sheet needs of a remote sheet."""

    label: str

    def read_all(self) -> RawWorkbook: ...

    def write_workbook(self, workbook: RawWorkbook, protect: Sequence[str] = ()) -> None: ...

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
    init = commands.add_parser("init-sheet", help="ghi các trang tính mẫu vào một bảng tính trống")
    init.add_argument("--config", help="tệp cấu hình cụm (.toml)")
    chosen = init.add_mutually_exclusive_group()
    chosen.add_argument("--demo", action="store_true", help="ghi cả dữ liệu minh họa (config/demo.xlsx)")
    chosen.add_argument("--from", dest="source_xlsx", metavar="NEW.xlsx",
                        help="ghi các trang của tệp .xlsx này (bảng tính năm sau do new-year tạo) vào Google Sheet")
    init.add_argument("--xlsx", help="tạo tệp .xlsx mới ở đường dẫn này thay vì ghi vào Google Sheet")
    adjust = commands.add_parser(
        "adjust",
        help="ghi điểm thống nhất, hoặc sửa chỉ tiêu/kết quả, qua kho ghi (một lần lưu, mỗi ô một dòng nhật ký)",
        description="Mỗi thay đổi: MÃ:TỈNH=GIÁ_TRỊ (điểm thống nhất), MÃ:TỈNH@KetQua=GIÁ_TRỊ (kết quả) hoặc "
                    "MÃ:TỈNH@KeHoach=GIÁ_TRỊ (chỉ tiêu) của tiêu chí tính theo chỉ tiêu; =CŨ->MỚI kiểm tra "
                    "ô còn giữ CŨ; giá trị trống xóa ô. TỈNH: mã hoặc tên.")
    adjust.add_argument("--config", help="tệp cấu hình cụm (.toml)")
    adjust.add_argument("--user", required=True, help="tên người sửa, ghi vào nhật ký")
    adjust.add_argument("--reason", required=True, help="lý do điều chỉnh")
    adjust.add_argument("items", nargs="+", metavar="[WORKBOOK] CODE:PROVINCE[@TAB]=VALUE",
                        help="tệp .xlsx (mặc định: nguồn trong cấu hình), rồi ví dụ 1.1:49=7,5, 1.1:49=7,25->7,5, "
                             "1.5:68@KetQua=22,5 hoặc 1.1:49@KeHoach=8->7,5")
    forms = commands.add_parser("forms", help="tạo biểu mẫu tự chấm cho từng tỉnh thành viên (OUTDIR/<mã>-<tên>.xlsx)")
    forms.add_argument("outdir", help="thư mục ghi các biểu mẫu")
    forms.add_argument("--config", help="tệp cấu hình cụm (.toml)")
    imports = commands.add_parser("import", help="nhập các biểu mẫu tự chấm đã điền vào TuCham và MinhChung")
    imports.add_argument("paths", nargs="+", metavar="FORM… [WORKBOOK]",
                         help="các biểu mẫu đã điền, rồi tệp .xlsx (mặc định: nguồn trong cấu hình)")
    imports.add_argument("--config", help="tệp cấu hình cụm (.toml)")
    imports.add_argument("--user", required=True, help="tên người nhập, ghi vào nhật ký")
    imports.add_argument("--unsigned", action="store_true",
                         help="nhập cả biểu mẫu không có chữ ký (tỉnh gõ lại bảng vào tệp mới) cho tỉnh mà tên tệp "
                              "nêu (62-….xlsx); ghi nhật ký là không có chữ ký")
    hashing = commands.add_parser("hash-passcode", help="in mã băm của một mã đăng nhập để dán vào secrets.toml")
    hashing.add_argument("--stdin", action="store_true", help="đọc mã từ một dòng của stdin (cho script)")
    hashing.add_argument("--role", choices=["secretary", "admin"], default="secretary", help="khóa trong [auth]")
    # The year's loop (lib.cli_year): the papers after the session, and next year's files.
    papers = commands.add_parser("papers", help="ghi báo cáo kết quả, tờ trình khen thưởng và giao ước năm sau (.docx)")
    papers.add_argument("outdir", help="thư mục ghi các văn bản")
    papers.add_argument("workbook", nargs="?", help="tệp .xlsx (mặc định: nguồn trong cấu hình)")
    papers.add_argument("--config", help="tệp cấu hình cụm (.toml)")
    papers.add_argument("--draft", action="store_true", help="cho phép tạo bản DỰ THẢO khi kết quả chưa chốt")
    new_year = commands.add_parser("new-year", help="tạo tệp cấu hình và bảng tính năm sau (không ghi đè)")
    new_year.add_argument("outdir", help="thư mục ghi tệp .toml và .xlsx năm sau")
    new_year.add_argument("workbook", nargs="?", help="tệp .xlsx (mặc định: nguồn trong cấu hình)")
    new_year.add_argument("--config", help="tệp cấu hình cụm (.toml)")
    args, extra = parser.parse_known_args(argv)
    if extra and (args.command != "adjust" or any(e.startswith("-") for e in extra)):
        parser.error("unrecognized arguments: " + " ".join(extra))
    if args.command == "hash-passcode":
        return run_hash_passcode(args.stdin, args.role, out)
    if args.command == "adjust":
        from lib.cli_adjust import run_adjust

        first, *rest = [*args.items, *extra]  # edits may follow the options too
        workbook, edits = (None, args.items) if "=" in first else (first, rest)  # an edit always has "="
        return run_adjust(workbook, args.config, args.user, args.reason, edits, out)
    if args.command in ("forms", "import"):
        from lib.cli_forms import run_forms, run_import

        if args.command == "forms":
            return run_forms(args.outdir, args.config, out)
        return run_import(args.paths, args.config, args.user, out, args.unsigned)
    if args.command in ("papers", "new-year"):
        from lib.cli_year import run_new_year, run_papers

        if args.command == "papers":
            return run_papers(args.outdir, args.workbook, args.config, args.draft, out)
        return run_new_year(args.outdir, args.workbook, args.config, out)
    if args.command == "init-sheet":
        return run_init(args.config, args.demo, args.xlsx, out, args.source_xlsx)
    return run_check(args.workbook, args.config, args.json, out)


def run_check(workbook: str | None, config_file: str | None, as_json: bool, out: TextIO) -> int:
    """Load, validate and rank; print problems and standings."""
    try:
        config = load_config(config_file)
        source = open_source(config, workbook)
        raw = source.read()
        evaluation = evaluate(raw, config, read_key(raw, source_id(source)))
    except (ConfigError, SourceError) as exc:
        print("Lỗi: " + " ".join(str(exc).split()), file=sys.stderr)  # one line, whatever the cause said
        return EXIT_UNREADABLE
    blanks = config_blanks(config)  # a new year's dates still to fill (lib.core.next_year)
    document = as_document(evaluation) | ({"config_blanks": list(blanks)} if blanks else {})
    text = (json.dumps(document, ensure_ascii=False, indent=2) + "\n" if as_json else as_text(evaluation)
            + ("Cấu hình còn để trống, cần điền: " + ", ".join(blanks) + "\n" if blanks else ""))
    try:
        out.write(text)
        out.flush()
    except BrokenPipeError:  # e.g. `python -m lib check | head`: the reader has gone, not an error of ours
        _silence_stdout()
    return EXIT_ERRORS if evaluation.errors else EXIT_OK


def _silence_stdout() -> None:
    """Point stdout at /dev/null so that the interpreter's final flush cannot fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # no real file descriptor (e.g. a StringIO in tests)
        pass


PROTECTED_TABS = ("NhatKy", "Chot", "ChotDiem")
"""The tabs only the app writes: the log, the freeze record and the frozen copy (protected by init-sheet)."""


def with_record_tabs(content: RawWorkbook) -> RawWorkbook:
    """``content`` with the freeze tabs added (headers only), so that init-sheet can protect them now."""
    added = dict(content)
    if not find_tab(added, "Chot"):
        added["Chot"] = [list(FREEZE.names)]
    if not find_tab(added, "ChotDiem"):
        added["ChotDiem"] = []
    return added


def run_init(config_file: str | None, demo: bool, xlsx: str | None, out: TextIO, origin: str | None = None) -> int:
    """Write the template (the demo, or the workbook ``origin``) into an empty Google Sheet or a new .xlsx.

    ``origin`` is next year's workbook as ``new-year`` writes it (``--from``): its tabs go into the
    config's empty Google Sheet, criteria and all, after the workbook is checked against the config
    (an error in it refuses, nothing written). Never overwrites a sheet holding anything.
    """
    if origin and xlsx:
        print("Lỗi: --from ghi vào Google Sheet; tệp .xlsx đã có sẵn, không cần --xlsx", file=sys.stderr)
        return EXIT_UNREADABLE
    try:
        config = load_config(config_file)
        if origin:
            content = XlsxSource(Path(origin)).read()
            if errors := evaluate(content, config).errors:
                for problem in errors:
                    print(f"Lỗi {problem.cell}: {describe(problem)}", file=sys.stderr)
                print(f"Từ chối: {origin} có lỗi với cấu hình {config.file.name}; chưa ghi gì.", file=sys.stderr)
                return EXIT_ERRORS
        else:
            content = XlsxSource(DEMO_WORKBOOK).read() if demo else template_workbook(config)
        if xlsx:
            create_template(Path(xlsx), content)
            print(f"Đã tạo {xlsx}", file=out)
            return EXIT_OK
        source = open_source(config)
        shared.configure_for(config)  # with [server] redis_url: the servers' write lock, held here too
        if not isinstance(source, GoogleSheetLike):
            print("Lỗi: cấu hình không dùng Google Sheet; dùng --xlsx ĐƯỜNG_DẪN để tạo tệp mới", file=sys.stderr)
            return EXIT_UNREADABLE
        content = with_record_tabs(content)
        write_template(source, content, config.provinces, PROTECTED_TABS)  # the store's one gate
    except NotAllowed as exc:
        if exc.code == "init.not_blank":
            print(f"Lỗi: {source.label} không trống; không ghi đè. Hãy dùng một bảng tính mới.", file=sys.stderr)
        else:
            print(f"Lỗi: {explain(exc, 'vi')}", file=sys.stderr)
        return EXIT_ERRORS
    except (ConfigError, SourceError) as exc:
        print(f"Lỗi: {exc}", file=sys.stderr)
        return EXIT_UNREADABLE
    print(f"Đã ghi {', '.join(content)} vào {source.label}", file=out)
    return EXIT_OK


def as_text(evaluation: Evaluation) -> str:
    """A readable Vietnamese report: problems, then the standings table."""
    lines = []
    errors, warnings = len(evaluation.errors), len(evaluation.warnings)
    lines.append(f"Kiểm tra bảng tính: {errors} lỗi, {warnings} cảnh báo")
    for problem in evaluation.problems:
        tag = "LỖI     " if problem.is_error else "CẢNH BÁO"
        lines.append(f"  {tag} {problem.cell:<14} {describe(problem)}")
    lines.append("")
    lines.append("Bảng xếp hạng" + (" (tạm tính: còn điểm chưa thống nhất)" if any(
        s.provisional for s in evaluation.standings) else ""))
    header = f"{'Hạng':<12} {'Mã':<4} {'Tỉnh':<14} {'Tự chấm':>9} {'Thống nhất':>11}  Ghi chú"
    lines += [header, "-" * len(header)]
    for s in evaluation.standings:
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


def run_hash_passcode(from_stdin: bool, role: str, out: TextIO) -> int:
    """Read a passcode without echoing it; print its salted hash and the secrets.toml lines."""
    import getpass

    from lib.core.auth import MAX_PASSCODE, hash_passcode

    if from_stdin:
        passcode = sys.stdin.readline().removesuffix("\n").removesuffix("\r")
    else:
        try:
            passcode, again = getpass.getpass("Mã đăng nhập: "), getpass.getpass("Nhập lại: ")
        except (EOFError, KeyboardInterrupt):
            print("\nĐã hủy", file=sys.stderr)
            return EXIT_UNREADABLE
        if passcode != again:
            print("Lỗi: hai lần nhập không khớp", file=sys.stderr)
            return EXIT_UNREADABLE
    if not 0 < len(passcode) <= MAX_PASSCODE:
        print(f"Lỗi: mã đăng nhập phải có từ 1 đến {MAX_PASSCODE} ký tự", file=sys.stderr)
        return EXIT_UNREADABLE
    if len(passcode) < 10:
        print("Cảnh báo: mã ngắn hơn 10 ký tự dễ bị dò; nên dùng một cụm vài từ", file=sys.stderr)
    stored = hash_passcode(passcode)
    print(stored, file=out)
    print(f'\nDán vào .streamlit/secrets.toml:\n[auth]\n{role} = "{stored}"', file=out)
    return EXIT_OK
