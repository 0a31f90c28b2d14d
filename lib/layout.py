"""The workbook contract's names and positions: tabs, headers, kinds and A1 addresses.

Tab names, headers and kinds are matched with ``lib.text.fold`` against their Vietnamese
name and English alias, so ``Tiêu chí``, ``TIEU CHI`` and ``Criterion`` are one header.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from lib.model import Kind, RawTab, RawWorkbook
from lib.text import fold

# Canonical tab name -> accepted spellings (Vietnamese first, then the English alias).
TABS = {
    "TieuChi": ("TieuChi", "Criteria"),
    "TuCham": ("TuCham", "SelfScores"),
    "MinhChung": ("MinhChung", "Evidence"),
    "ThongNhat": ("ThongNhat", "Agreed"),
    "NhatKy": ("NhatKy", "Log"),
    "Chot": ("Chot", "Freeze"),  # the freeze record (lib.freeze), created on first freeze
    "ChotDiem": ("ChotDiem", "FrozenScores"),
}

OPTIONAL_TABS = frozenset({"Chot", "ChotDiem"})
"""Tabs a sheet normally lacks until first used: their absence is not worth a metadata re-fetch."""

HEADERS = {
    "code": ("Mã", "Code"),
    "group": ("Nhóm", "Group"),
    "criterion": ("Tiêu chí", "Criterion"),
    "max": ("Điểm chuẩn", "Max"),
    "kind": ("Loại", "Kind"),
    "note": ("Ghi chú", "Note"),
}

LOG_HEADERS = ("Thời gian", "Người sửa", "Đơn vị", "Mã", "Điểm cũ", "Điểm mới", "Lý do")
LOG_ALIASES = ("Time", "User", "Province", "Code", "Old", "New", "Reason")

KINDS = {
    "": Kind.STANDARD,
    "chuan": Kind.STANDARD,
    "standard": Kind.STANDARD,
    "thuong": Kind.BONUS,
    "bonus": Kind.BONUS,
    "tru": Kind.PENALTY,
    "penalty": Kind.PENALTY,
}

# Columns of a score tab that are not provinces and are ignored rather than reported.
NON_PROVINCE_HEADERS = {
    fold(h)
    for h in ("STT", "TT", "Nhóm", "Group", "Tiêu chí", "Criterion", "Điểm chuẩn", "Max",
              "Loại", "Kind", "Ghi chú", "Note", "Tổng", "Total")
}

HEADER_SEARCH_ROWS = 10
"""How many rows from the top may hold a title above the header row."""


def column_letter(col: int) -> str:
    """The A1 column name of a 1-based column index.

    >>> column_letter(1), column_letter(26), column_letter(27), column_letter(703)
    ('A', 'Z', 'AA', 'AAA')
    """
    letters = ""
    while col:
        col, rest = divmod(col - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def address(tab: str, row: int, col: int) -> str:
    """A cell's address as people read it, e.g. ``TuCham!D7``."""
    return f"{tab}!{column_letter(col)}{row}"


def find_tab(workbook: RawWorkbook, canonical: str) -> tuple[str, RawTab] | None:
    """The (title, rows) of the tab matching ``canonical`` or its alias, or None."""
    wanted = {fold(name) for name in TABS[canonical]}
    for title, rows in workbook.items():
        if fold(title) in wanted:
            return title, rows
    return None


def matches(cell: object, spellings: Iterable[str]) -> bool:
    """True when ``cell`` folds to one of ``spellings``."""
    return fold(cell) in {fold(s) for s in spellings}


def find_header_row(rows: RawTab) -> int | None:
    """The 0-based index of the first row (within the top rows) with a ``Mã``/``Code`` cell."""
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        if any(matches(cell, HEADERS["code"]) for cell in row):
            return index
    return None


def header_columns(header: Sequence[object], spellings: dict[str, tuple[str, ...]]) -> dict[str, int]:
    """Map each known header key to its 0-based column in ``header`` (first match wins)."""
    found: dict[str, int] = {}
    for col, cell in enumerate(header):
        for key, names in spellings.items():
            if key not in found and matches(cell, names):
                found[key] = col
    return found


def cell_at(row: Sequence[object], col: int) -> object:
    """The value at 0-based ``col`` of ``row``, None past its end; blank text becomes None."""
    value = row[col] if col < len(row) else None
    if isinstance(value, str) and not value.strip():
        return None
    return value


def code_text(value: object) -> str:
    """A criterion code as text: ``1.1`` typed as a number reads back as ``"1.1"``."""
    if value is None:
        return ""
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value).strip()
