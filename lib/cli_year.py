"""The year's loop on the command line: ``papers OUTDIR [WORKBOOK] [--draft]`` and ``new-year OUTDIR [WORKBOOK]``.

``papers`` writes the results report, the award proposal and next year's covenant (.docx).
On data that is not frozen, or differs from what was frozen, it refuses (exit 1) unless
``--draft``: then all three are drafts, "DỰ THẢO" on every page. On frozen data ``--draft``
changes nothing (the papers are final). Existing files of the same name are replaced.

``new-year`` writes next year's cluster TOML and workbook into OUTDIR and refuses (exit 1,
nothing written) when either file is already there.

Exit codes as ``check``: 0 done, 1 refused, 2 the workbook or the config cannot be read, or
OUTDIR cannot be written.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import sys
import tempfile
from pathlib import Path
from typing import TextIO

from lib.core.config import ClusterConfig, load_config
from lib.core.errors import ConfigError, SourceError
from lib.core.evaluation import Evaluation, evaluate
from lib.core.model import RawWorkbook
from lib.core.next_year import (
    NextCriteria,
    config_blanks,
    final_results,
    next_config_toml,
    next_criteria,
    next_posts,
    next_workbook,
)
from lib.edge.freeze_memory import source_id
from lib.edge.history import comparison_for
from lib.edge.secret import read_key
from lib.edge.sources.factory import open_source
from lib.edge.sources.xlsx import create_template
from lib.present.catalogue import describe
from lib.present.exports.covenant_docx import covenant_docx
from lib.present.exports.papers_docx import award_proposal_docx, results_report_docx
from lib.present.formatting import VN_TIME
from lib.present.wording import freeze_line

EXIT_OK, EXIT_REFUSED, EXIT_UNREADABLE = 0, 1, 2


def _load(config_file: str | None, workbook: str | None) -> tuple[ClusterConfig, RawWorkbook, Evaluation]:
    config = load_config(config_file)
    source = open_source(config, workbook)
    raw = source.read()
    return config, raw, evaluate(raw, config, read_key(raw, source_id(source)))


def paper_names(config: ClusterConfig, draft: bool) -> dict[str, str]:
    """The three papers' file names: report, proposal, covenant (``-du-thao`` for drafts)."""
    tail = "-du-thao" if draft else ""
    return {"report": f"bao-cao-ket-qua-thi-dua-{config.year}{tail}.docx",
            "proposal": f"to-trinh-khen-thuong-{config.year}{tail}.docx",
            "covenant": f"giao-uoc-thi-dua-{config.year + 1}{tail}.docx"}


def _next_criteria(raw: RawWorkbook, evaluation: Evaluation) -> NextCriteria | None:
    """Next year's criteria, or None after printing each error of the draft tab (nothing is written then)."""
    upcoming = next_criteria(raw, evaluation.sheet.criteria)
    if errors := [p for p in upcoming.problems if p.is_error]:
        for problem in errors:
            print(f"Lỗi {problem.cell}: {describe(problem)}", file=sys.stderr)
        print(f"Từ chối: trang {upcoming.tab} (tiêu chí năm sau) có lỗi; chưa ghi tệp nào.", file=sys.stderr)
        return None
    return upcoming


def run_papers(outdir: str, workbook: str | None, config_file: str | None, draft: bool, out: TextIO) -> int:
    """Write the report, the proposal and the covenant into ``outdir``."""
    try:
        config, raw, evaluation = _load(config_file, workbook)
    except (ConfigError, SourceError) as exc:
        print("Lỗi: " + " ".join(str(exc).split()), file=sys.stderr)
        return EXIT_UNREADABLE
    final = final_results(evaluation)
    if not final and not draft:
        print(f"Từ chối: kết quả chưa chốt hoặc đã khác bản chốt ({freeze_line(evaluation)}). "
              "Chốt kết quả trước, hoặc dùng --draft để tạo bản DỰ THẢO.", file=sys.stderr)
        return EXIT_REFUSED
    upcoming = _next_criteria(raw, evaluation)
    if upcoming is None:
        return EXIT_REFUSED
    comparison, history_error = comparison_for(config, evaluation)
    if history_error:
        print(f"Cảnh báo: không đọc được kết quả năm trước ([history]): {history_error}", file=sys.stderr)
    today = dt.datetime.now(VN_TIME).date()
    names = paper_names(config, not final)
    papers = {
        "report": results_report_docx(evaluation, config, today, draft=not final, history=comparison,
                                      history_error=history_error),
        "proposal": award_proposal_docx(evaluation, config, today, draft=not final),
        "covenant": covenant_docx(upcoming.criteria, config, today, draft=not final),
    }
    target = Path(outdir)
    try:
        target.mkdir(parents=True, exist_ok=True)
        for key, data in papers.items():
            _write_atomically(target / names[key], data)
    except OSError as exc:
        print(f"Lỗi: không ghi được vào {target}: {exc}", file=sys.stderr)
        return EXIT_UNREADABLE
    for key in papers:
        print(f"Đã ghi {target / names[key]}", file=out)
    source = f"trang {upcoming.tab} (dự thảo năm sau)" if upcoming.drafted else f"tiêu chí năm {config.year}"
    print(f"Giao ước năm {config.year + 1}: {len(upcoming.criteria)} tiêu chí, lấy từ {source}.", file=out)
    if not final:
        print("Các văn bản là bản DỰ THẢO: kết quả chưa chốt.", file=out)
    return EXIT_OK


def _write_atomically(path: Path, data: bytes) -> None:
    partial = path.with_name(path.name + ".partial")
    partial.write_bytes(data)
    os.replace(partial, path)


def next_names(config: ClusterConfig) -> tuple[str, str]:
    """Next year's TOML and workbook file names: this year's config name with the year moved on."""
    stem = config.file.stem
    year, following = str(config.year), str(config.year + 1)
    toml = (stem.replace(year, following) if year in stem else f"{stem}-{following}") + ".toml"
    return toml, f"thi-dua-{following}.xlsx"


def _loads_in(folder: Path, text: str) -> None:
    """Raise ``ConfigError`` unless ``text`` loads as a cluster TOML placed in ``folder`` (its relative paths)."""
    with tempfile.NamedTemporaryFile("w", suffix=".toml", dir=folder, encoding="utf-8", delete=False) as probe:
        probe.write(text)
    try:
        load_config(probe.name)
    finally:
        os.unlink(probe.name)


def run_new_year(outdir: str, workbook: str | None, config_file: str | None, out: TextIO) -> int:
    """Write next year's TOML and workbook into ``outdir``; never overwrite."""
    try:
        config, raw, evaluation = _load(config_file, workbook)
    except (ConfigError, SourceError) as exc:
        print("Lỗi: " + " ".join(str(exc).split()), file=sys.stderr)
        return EXIT_UNREADABLE
    upcoming = _next_criteria(raw, evaluation)
    if upcoming is None:
        return EXIT_REFUSED
    target = Path(outdir)
    toml_name, book_name = next_names(config)
    toml_path, book_path = target / toml_name, target / book_name
    if existing := [str(p) for p in (toml_path, book_path) if p.exists()]:
        print(f"Từ chối: đã có {', '.join(existing)}; không ghi đè.", file=sys.stderr)
        return EXIT_REFUSED
    posts = next_posts(evaluation.sheet, config.vote_majority)
    members = {p.code for p in config.provinces}
    if strangers := [code for code in (posts.leader, posts.deputy) if code and code not in members]:
        print(f"Từ chối: kết quả bầu năm sau nêu tỉnh {', '.join(strangers)} không còn trong [[provinces]] của "
              f"{config_file or 'cấu hình'}; sửa cấu hình hoặc bầu lại. Chưa ghi tệp nào.", file=sys.stderr)
        return EXIT_REFUSED
    if config.source.kind == "xlsx" and (workbook or config.source.path):
        old = Path(workbook) if workbook else config.source.path
        assert old is not None
        history, field = os.path.relpath(old.resolve(), target.resolve()), "workbook"
    else:
        history, field = config.source.key or "", "key"
    text = next_config_toml(config, posts, book_name, history, field)
    following = dataclasses.replace(config, year=config.year + 1, leader=posts.leader or config.leader,
                                    deputy=posts.deputy or config.deputy)
    try:
        target.mkdir(parents=True, exist_ok=True)
        _loads_in(target, text)  # checked before anything is written: a refusal leaves nothing to block a retry
        create_template(book_path, next_workbook(following, upcoming.criteria))
        with open(toml_path, "x", encoding="utf-8") as file:
            file.write(text)
    except (OSError, SourceError, ConfigError) as exc:
        print(f"Lỗi: không ghi được năm mới vào {target}: {exc}", file=sys.stderr)
        return EXIT_UNREADABLE
    print(f"Đã ghi {toml_path}\nĐã ghi {book_path} ({len(upcoming.criteria)} tiêu chí từ trang {upcoming.tab}, "
          "các trang điểm để trống)", file=out)
    for post, elected in (("Cụm trưởng", posts.leader), ("Cụm phó", posts.deputy)):
        print(f"{post} năm {config.year + 1}: " + (f"tỉnh {config.province(elected).name} (theo kết quả bầu)"
              if elected else "CHƯA CÓ KẾT QUẢ BẦU — giữ tỉnh năm nay, cần sửa trong tệp cấu hình"), file=out)
    print("Cần điền trong tệp cấu hình: " + ", ".join(config_blanks(load_config(toml_path))), file=out)
    return EXIT_OK
