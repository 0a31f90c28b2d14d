"""``python -m lib adjust [WORKBOOK] --user NAME --reason TEXT CODE:PROVINCE[@TAB]=VALUE…``.

Writes agreed scores through the store: one change set, one ``NhatKy`` row per cell.
``CODE:PROVINCE@KetQua=VALUE`` corrects a computed criterion's result instead, and
``@KeHoach`` its target (``@Results`` / ``@Targets`` too, case and accents ignored; ``@ThongNhat``
is the agreed score, the default): the value is read like that cell (``22,5``, ``-1,2 %``, on a
pass/fail criterion ``đạt`` / ``không đạt``), not bounded by the max, and the log row's ``Mã``
names the tab (``1.5 (KetQua)``); every province whose computed score depends on it follows.
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
from lib.core.grammar import TABS as TAB_NAMES
from lib.core.model import Adjustment, ChangeSet, Province, ProvinceCode, Role, Scoresheet
from lib.core.quantitative import read_number
from lib.core.review import correction_value
from lib.core.text import fold
from lib.core.writes import conflict as conflict_on
from lib.core.writes import current_value
from lib.edge import shared
from lib.edge.sources.factory import open_source
from lib.edge.store import save_built
from lib.present.catalogue import conflict_line, explain

EXIT_OK, EXIT_ERRORS, EXIT_UNREADABLE = 0, 1, 2
_KEEP = object()


TABS = ("ThongNhat", "KeHoach", "KetQua")


@dataclass(frozen=True)
class Edit:
    """One ``CODE:PROVINCE[@TAB]=[OLD->]NEW`` argument, read.

    On ``KeHoach``/``KetQua`` the values are kept as typed (``new_text``, ``old_text``) until the
    criterion is known: a pass/fail result may be a word.
    """

    criterion: str
    province: ProvinceCode
    new: Decimal | None
    old: object = _KEEP  # ``_KEEP``: whatever the cell holds now; else the Decimal (or None) it must hold
    tab: str = "ThongNhat"
    new_text: str = ""
    old_text: str | None = None  # None: no OLD given


def tab_of(text: str) -> str | None:
    """The contract tab named by ``text`` (its Vietnamese or English name, folded), None when none.

    >>> tab_of("ketqua"), tab_of("Targets"), tab_of("kết quả"), tab_of("TuCham")
    ('KetQua', 'KeHoach', 'KetQua', None)
    """
    key = fold(text).replace(" ", "")
    return next((tab for tab in TABS if key in {fold(name) for name in TAB_NAMES[tab]}), None)


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
    province, at, tab_text = province.partition("@")
    if not eq or not colon or not criterion.strip() or not province.strip():
        raise ValueError(f"{arg!r}: cần dạng MÃ_TIÊU_CHÍ:TỈNH=GIÁ_TRỊ (hoặc =CŨ->MỚI; "
                         "MÃ:TỈNH@KetQua=… hay @KeHoach=… để sửa kết quả, chỉ tiêu)")
    tab = tab_of(tab_text) if at else "ThongNhat"
    if tab is None:
        raise ValueError(f"{arg!r}: {tab_text.strip()!r} không phải trang KeHoach, KetQua hay ThongNhat")
    code = province_code(province, members)
    if code is None:
        raise ValueError(f"{arg!r}: {province.strip()!r} không phải là mã hay tên của một tỉnh trong cụm")
    old_text, arrow, new_text = value.partition("->")
    if tab != "ThongNhat":
        return Edit(criterion.strip(), code, None, _KEEP, tab, new_text if arrow else value,
                    old_text if arrow else None)
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
    shared.configure_for(config)  # with [server] redis_url: the servers' write lock, held here too
    edits, bad = _read_edits(args, config)
    if bad:
        for line in bad:
            print(f"Lỗi: {line}", file=sys.stderr)
        return EXIT_ERRORS

    def build(sheet: Scoresheet) -> ChangeSet:
        adjustments = tuple(adjustment(e, sheet, reason) for e in edits)
        # An OLD given on the command line must be what the cell holds: checked here, inside the
        # store's locks, because the store accepts a cell that already holds NEW (a retry's half).
        stated = [a for e, a in zip(edits, adjustments, strict=True) if e.old is not _KEEP or e.old_text is not None]
        conflicts = [c for a in stated if (c := conflict_on(a, sheet, strict=True)) is not None]
        if conflicts:
            raise ChangeSetConflict(conflicts)
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
        where = "" if adj.tab == "ThongNhat" else f" ({adj.tab})"
        print(f"Đã ghi {adj.criterion}{where} – {names.get(adj.province, adj.province)}: "
              f"{score_text(adj.old) or '(trống)'} -> {score_text(adj.new) or '(trống)'}", file=out)
    print(f"Mã thay đổi: {result.change_set_id}", file=out)
    return EXIT_OK


def adjustment(edit: Edit, sheet: Scoresheet, reason: str) -> Adjustment:
    """The adjustment ``edit`` makes on ``sheet`` as read now.

    Raises ``CellParseError`` (``edit.unreadable``) for a value its cell would not hold.
    """
    if edit.tab == "ThongNhat":
        old = sheet.agreed.get((edit.criterion, edit.province)) if edit.old is _KEEP else edit.old
        return Adjustment(edit.criterion, edit.province, old, edit.new, reason)  # type: ignore[arg-type]
    try:
        criterion = sheet.criterion(edit.criterion)
    except KeyError:  # the store names the unknown criterion
        def read(text: str) -> Decimal | None:
            return read_number(text)
    else:
        def read(text: str) -> Decimal | None:
            return correction_value(criterion, edit.tab, text)
    try:
        new = read(edit.new_text)
        start = Adjustment(edit.criterion, edit.province, None, new, reason, edit.tab)
        old = current_value(start, sheet) if edit.old_text is None else read(edit.old_text)
    except CellParseError as exc:
        raise CellParseError("edit.unreadable", criterion=edit.criterion, cause=(exc.code, exc.params)) from None
    return Adjustment(edit.criterion, edit.province, old, new, reason, edit.tab)


def _read_edits(args: Sequence[str], config: ClusterConfig) -> tuple[list[Edit], list[str]]:
    edits, bad = [], []
    for arg in args:
        try:
            edits.append(parse_edit(arg, config.provinces))
        except ValueError as exc:
            bad.append(str(exc))
    return edits, bad
