"""``python -m lib adjust [WORKBOOK] --user NAME --reason TEXT CODE:PROVINCE=VALUE…``.

Writes agreed scores through the store: one change set, one ``NhatKy`` row per cell.
``CODE:PROVINCE=OLD->NEW`` also checks that the cell still holds OLD (a conflict: exit 1,
nothing written); without OLD the value the cell holds now, read inside the store's
locks, is the one changed. ``PROVINCE`` is a code or any accepted spelling (folded like
the sheet's names); ``VALUE`` is read like a score cell (``9,5``, ``9.5``); an empty
VALUE clears the cell. Access to the workbook is the authority (the change set is a
secretary's). Exit codes: 0 written, 1 refused or errors (nothing written), 2 the
workbook or the configuration cannot be read or written.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TextIO

from lib.core.cells import parse_score, score_text
from lib.core.config import ClusterConfig, load_config
from lib.core.errors import CellParseError, ChangeSetConflict, CodedError, ConfigError, SourceError
from lib.core.model import Adjustment, ChangeSet, Province, ProvinceCode, Role, Scoresheet
from lib.core.text import fold
from lib.edge.sources.factory import open_source
from lib.edge.store import save_built
from lib.present.catalogue import conflict_line, explain

EXIT_OK, EXIT_ERRORS, EXIT_UNREADABLE = 0, 1, 2
_KEEP = object()


@dataclass(frozen=True)
class Edit:
    """One ``CODE:PROVINCE=[OLD->]NEW`` argument, read."""

    criterion: str
    province: ProvinceCode
    new: Decimal | None
    old: object = _KEEP  # ``_KEEP``: whatever the cell holds now; else the Decimal (or None) it must hold


def province_code(text: str, members: Sequence[Province]) -> ProvinceCode | None:
    """The member whose code, name or alias folds like ``text`` (None when none or several do).

    >>> members = (Province(ProvinceCode("67"), "Đắk Nông", ("Dak Nong",)),)
    >>> province_code("dak nông", members), province_code("67", members), province_code("x", members)
    ('67', '67', None)
    """
    key = fold(text)
    found = {p.code for p in members if key and key in {fold(p.code), fold(p.name), *map(fold, p.aliases)}}
    return next(iter(found)) if len(found) == 1 else None


def parse_edit(arg: str, members: Sequence[Province]) -> Edit:
    """Read one argument; raises ``ValueError`` saying what is wrong with it."""
    head, eq, value = arg.partition("=")
    criterion, colon, province = head.partition(":")
    if not eq or not colon or not criterion.strip() or not province.strip():
        raise ValueError(f"{arg!r}: cần dạng MÃ_TIÊU_CHÍ:TỈNH=GIÁ_TRỊ (hoặc =CŨ->MỚI)")
    code = province_code(province, members)
    if code is None:
        raise ValueError(f"{arg!r}: {province.strip()!r} không phải là mã hay tên của một tỉnh trong cụm")
    old_text, arrow, new_text = value.partition("->")
    try:
        if arrow:
            return Edit(criterion.strip(), code, parse_score(new_text), parse_score(old_text))
        return Edit(criterion.strip(), code, parse_score(value))
    except CellParseError as exc:
        raise ValueError(f"{arg!r}: {explain(exc)}") from None


def run_adjust(workbook: str | None, config_file: str | None, user: str, reason: str, args: Sequence[str],
               out: TextIO) -> int:
    """Write the edits as one change set; print what was written, or why nothing was."""
    try:
        config = load_config(config_file)
    except ConfigError as exc:
        print(f"Lỗi: {exc}", file=sys.stderr)
        return EXIT_UNREADABLE
    edits, bad = _read_edits(args, config)
    if bad:
        for line in bad:
            print(f"Lỗi: {line}", file=sys.stderr)
        return EXIT_ERRORS

    def build(sheet: Scoresheet) -> ChangeSet:
        adjustments = tuple(
            Adjustment(e.criterion, e.province, sheet.agreed.get((e.criterion, e.province)) if e.old is _KEEP
                       else e.old, e.new, reason)  # type: ignore[arg-type]
            for e in edits)
        return ChangeSet(user, Role.SECRETARY, adjustments)

    try:
        result = save_built(open_source(config, workbook), build, config.provinces)
    except ChangeSetConflict as exc:
        print("Chưa ghi gì: " + explain(exc), file=sys.stderr)
        for conflict in exc.conflicts:
            print("  " + conflict_line(conflict), file=sys.stderr)
        return EXIT_ERRORS
    except CodedError as exc:
        print("Chưa ghi gì: " + explain(exc), file=sys.stderr)
        return EXIT_ERRORS
    except SourceError as exc:
        print("Lỗi: " + " ".join(str(exc).split()), file=sys.stderr)
        return EXIT_UNREADABLE
    names = {p.code: p.name for p in config.provinces}
    for adj in result.written:
        print(f"Đã ghi {adj.criterion} – {names.get(adj.province, adj.province)}: "
              f"{score_text(adj.old) or '(trống)'} -> {score_text(adj.new) or '(trống)'}", file=out)
    print(f"Mã thay đổi: {result.change_set_id}", file=out)
    return EXIT_OK


def _read_edits(args: Sequence[str], config: ClusterConfig) -> tuple[list[Edit], list[str]]:
    edits, bad = [], []
    for arg in args:
        try:
            edits.append(parse_edit(arg, config.provinces))
        except ValueError as exc:
            bad.append(str(exc))
    return edits, bad
