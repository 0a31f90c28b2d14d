"""``python -m lib forms OUTDIR [--config FILE]`` and ``python -m lib import FORM… [WORKBOOK] --user NAME``.

``forms`` writes one self-scoring form per member, ``OUTDIR/<code>-<name>.xlsx`` (the name
without accents, so the files travel safely by mail and zip), pre-filled with what the
configured workbook holds for each province now.

``import`` reads returned forms into ``TuCham`` and ``MinhChung`` through the store: each
bad cell is printed with the form's file and its own address (``49-Quang-Nam.xlsx
BangTuCham!F12``), the recognisable cells are written (one ``NhatKy`` row each), cells
changed in the sheet since the form was made are named and not written. The last
argument is the workbook when it is not a form (no hidden ``ThongTinBieuMau`` tab).
Every form is read first (bounded: ``lib.edge.forms``); a file that cannot be read, a form
whose signed identity does not verify, of another cluster or year, or one of two forms claiming
one province (both named) is refused and the others go on. A form without a signature is
refused unless ``--unsigned`` is given: it is then imported for the province its file name
names and logged as unsigned. A file name naming another province than the identity is flagged.
A summary line ends the run. Exit codes: 0 every form imported cleanly, 1 a form refused or
unreadable, a cell in error or left out as changed in the sheet meanwhile (the rest is still
written), 2 the workbook (or the server's key) cannot be read or written (nothing of that
form written; run the command again later).
"""

from __future__ import annotations

import datetime as dt
import sys
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from lib.core.cells import score_text
from lib.core.config import ClusterConfig, load_config
from lib.core.errors import CodedError, ConfigError, SourceError
from lib.core.form_identity import claim_clashes, province_in_name
from lib.core.forms import META_TAB, FormReading, Status, form_changes, read_form
from lib.core.model import VN_TIME, Problem, Role
from lib.core.parse import parse_workbook
from lib.core.text import fold
from lib.core.writes import LOG_TIME_FORMAT
from lib.edge.forms import form_key, read_form_file, sheet_titles
from lib.edge.sources import Source
from lib.edge.sources.factory import open_source
from lib.edge.store import import_self_scores
from lib.present.catalogue import describe, explain
from lib.present.forms_xlsx import all_forms

EXIT_OK, EXIT_ERRORS, EXIT_UNREADABLE = 0, 1, 2
STATUS_WORDS = {Status.NEW: "mới", Status.CHANGED: "thay đổi", Status.UNCHANGED: "không đổi",
                Status.SHEET_CHANGED: "bảng tính đã sửa sau khi tạo biểu mẫu"}


def generated_now() -> str:
    """The time stamped on a form, Vietnam time, as the log writes times."""
    return dt.datetime.now(VN_TIME).strftime(LOG_TIME_FORMAT)


def run_forms(outdir: str, config_file: str | None, out: TextIO) -> int:
    """Write every member's form into ``outdir``."""
    try:
        config = load_config(config_file)
        sheet = parse_workbook(open_source(config).read(), config.provinces).sheet
        key = form_key()
    except (ConfigError, SourceError) as exc:
        print("Lỗi: " + " ".join(str(exc).split()), file=sys.stderr)
        return EXIT_UNREADABLE
    if not sheet.criteria:
        print("Lỗi: bảng tính chưa có tiêu chí nào (TieuChi); không tạo biểu mẫu", file=sys.stderr)
        return EXIT_ERRORS
    target = Path(outdir)
    try:
        target.mkdir(parents=True, exist_ok=True)
        for name, data in all_forms(config, sheet, generated_now(), key):
            (target / name).write_bytes(data)
            print(f"Đã tạo {target / name}", file=out)
    except OSError as exc:
        print(f"Lỗi: không ghi được vào {target}: {exc.strerror or exc}", file=sys.stderr)
        return EXIT_UNREADABLE
    return EXIT_OK


def split_paths(paths: Sequence[str]) -> tuple[list[str], str | None]:
    """(forms, workbook): the last path is the workbook when it is an existing file that is not a form."""
    if len(paths) < 2:
        return list(paths), None
    last = Path(paths[-1])
    try:
        is_form = any(fold(title) == fold(META_TAB) for title in sheet_titles(last))
    except SourceError:
        return list(paths), None  # reported as an unreadable form below
    return (list(paths), None) if is_form else (list(paths[:-1]), paths[-1])


def run_import(paths: Sequence[str], config_file: str | None, user: str, out: TextIO, unsigned: bool = False) -> int:
    """Read every form, refuse the bad ones (naming them), import the rest in turn; print a summary.

    ``unsigned``: a form without a signature is imported for the province its file name names
    (``62-….xlsx`` or the province's name), logged as unsigned; without it such a form is refused.
    """
    try:
        config = load_config(config_file)
        key = form_key()
    except ConfigError as exc:
        print(f"Lỗi: {exc}", file=sys.stderr)
        return EXIT_UNREADABLE
    forms, workbook = split_paths(paths)
    try:
        source = open_source(config, workbook)
        criteria = parse_workbook(source.read(), config.provinces).sheet.criteria
    except (ConfigError, SourceError) as exc:
        print("Lỗi: " + " ".join(str(exc).split()), file=sys.stderr)
        return EXIT_UNREADABLE
    readings: list[tuple[str, FormReading]] = []
    outcome: dict[str, str] = {}
    for form in map(Path, forms):
        try:
            raw = read_form_file(form)
        except SourceError as exc:  # malformed, too large, missing: this form only, the batch goes on
            print(f"{form.name}: không đọc được, chưa nhập gì: " + " ".join(str(exc).split()), file=sys.stderr)
            outcome[form.name] = "không đọc được"
            continue
        confirmed = province_in_name(form.name, config.provinces) if unsigned else None
        reading = read_form(raw, config.name, config.year, config.provinces, criteria, key, form.name, confirmed)
        readings.append((form.name, reading))
    clashes = claim_clashes([(name, r.province) for name, r in readings])
    worst = EXIT_ERRORS if outcome else EXIT_OK
    for label, reading in readings:
        code, outcome[label] = _import_one(label, reading, clashes.get(label), source, config, user, unsigned, out)
        worst = max(worst, code)
    done = [n for n, o in outcome.items() if o == "đã nhập"]
    print(f"Tóm tắt: {len(outcome)} biểu mẫu, {len(done)} đã nhập"
          + "".join(f"; {n}: {o}" for n, o in outcome.items() if o != "đã nhập"), file=out)
    return worst


def _import_one(label: str, reading: FormReading, clash: Problem | None, source: Source, config: ClusterConfig,
                user: str, unsigned: bool, out: TextIO) -> tuple[int, str]:
    problems = (*reading.problems, *([clash] if clash else []))
    for problem in problems:
        tag = "LỖI     " if problem.is_error else "CẢNH BÁO"
        print(f"  {tag} {label} {problem.cell:<16} {describe(problem)}", file=sys.stderr)
    if reading.province is None or clash is not None:
        if unsigned and not reading.signed and reading.province is None and not any(
                p.code.startswith("form.other") or p.code == "form.unsigned_other_province" for p in problems):
            print(f"  {label}: --unsigned: tên tệp không cho biết biểu mẫu của tỉnh nào "
                  "(đặt tên tệp bắt đầu bằng mã tỉnh, ví dụ 62-Kon-Tum.xlsx)", file=sys.stderr)
        elif not reading.signed and reading.province is None:
            print(f"  {label}: nếu đã kiểm tra tệp là của một tỉnh, nhập bằng --unsigned "
                  "(tỉnh theo tên tệp; ghi nhật ký là biểu mẫu không có chữ ký)", file=sys.stderr)
        print(f"{label}: bị từ chối, chưa nhập gì", file=sys.stderr)
        return EXIT_ERRORS, "bị từ chối"
    try:
        result = import_self_scores(source, reading, config.provinces, user, Role.SECRETARY)
    except CodedError as exc:
        print(f"{label}: chưa nhập gì: {explain(exc)}", file=sys.stderr)
        return EXIT_ERRORS, "chưa nhập"
    except SourceError as exc:  # nothing queued: the form is the copy to import again
        print(f"{label}: chưa nhập gì, không ghi được vào bảng tính ({' '.join(str(exc).split())}); "
              "biểu mẫu không đổi, hãy chạy lại lệnh khi bảng tính ghi được", file=sys.stderr)
        return EXIT_UNREADABLE, "không ghi được"
    after = parse_workbook(source.read(), config.provinces).sheet
    left = [c for c in form_changes(reading, after) if c.status is Status.SHEET_CHANGED]
    counts = Counter(c.status for c in result.written)
    unsigned_note = " (không có chữ ký, nhập theo xác nhận --unsigned)" if not reading.signed else ""
    print(f"{label}: {reading.province.name} — đã nhập {len(result.written)} ô "
          f"({counts[Status.NEW]} mới, {counts[Status.CHANGED]} thay đổi){unsigned_note}", file=out)
    for change in left:
        print(f"  CHƯA NHẬP {label} {change.cell:<16} tiêu chí {change.criterion} ({change.tab}): "
              f"{STATUS_WORDS[change.status]} — lúc tạo {_show(change.then)}, nay {_show(change.old)}, "
              f"biểu mẫu {_show(change.new)}", file=sys.stderr)
    return (EXIT_ERRORS if left or any(p.is_error for p in reading.problems) else EXIT_OK), "đã nhập"


def _show(value: object) -> str:
    if value is None:
        return "(trống)"
    return value if isinstance(value, str) else score_text(value)  # type: ignore[arg-type]
