"""A1 notation as the Sheets API v4 reads and writes it.

Parsing: ``Tab``, ``Tab!A1:C5``, ``'Tab with spaces'!A:B``, ``'It''s'!A1`` (a quote
doubled inside a quoted name), unquoted names with spaces or any Unicode (Google accepts
``🌵 tab 1!A:A``), open ranges (``A:B``, ``2:3``, ``A5:A``, ``A1:1``) and ``$`` markers.
A range without ``!`` is a tab title when a tab has that title, else cells of the first
tab, as in Google.

Formatting: ranges in answers are written the way Google writes them, e.g.
``Sheet1!A1:D4`` and ``'🌵 test 1'!A1:C2``: the title is quoted unless it is a plain
ASCII identifier, and a single cell is written as ``A1``, not ``A1:A1``.

>>> split_range("'It''s'!A1:B2")
("It's", 'A1:B2')
>>> parse_cells("B2:A1")
CellRange(row0=0, col0=0, row1=2, col1=2)
>>> format_range("Nhật ký", 0, 0, 10, 3)
"'Nhật ký'!A1:C10"
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = [
    "CellRange",
    "RangeError",
    "col_letters",
    "format_range",
    "parse_cells",
    "quote_title",
    "split_range",
]

_REF = re.compile(r"\$?([A-Za-z]{0,3})\$?(\d{0,7})")
_PLAIN_TITLE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_CELL_LIKE = re.compile(r"[A-Za-z]{1,3}\d+|[Rr]\d*[Cc]\d*|true|false", re.IGNORECASE)


class RangeError(ValueError):
    """The text is not a range in A1 notation."""


@dataclass(frozen=True)
class CellRange:
    """A block of cells, 0-based, end exclusive; ``None`` ends are open (to the grid edge)."""

    row0: int
    col0: int
    row1: int | None
    col1: int | None

    def clip(self, rows: int, cols: int) -> tuple[int, int, int, int]:
        """The block with open ends closed at the grid edge ``rows`` x ``cols``."""
        row1 = rows if self.row1 is None else self.row1
        col1 = cols if self.col1 is None else self.col1
        return self.row0, self.col0, row1, col1

    @property
    def bounded(self) -> bool:
        """True when both ends are given (``A1:B2``, ``C3``), so it can exceed the grid."""
        return self.row1 is not None and self.col1 is not None


def col_letters(col: int) -> str:
    """Column letters for a 0-based column index.

    >>> col_letters(0), col_letters(25), col_letters(26)
    ('A', 'Z', 'AA')
    """
    letters = ""
    n = col + 1
    while n:
        n, rem = divmod(n - 1, 26)
        letters = chr(ord("A") + rem) + letters
    return letters


def _col_index(letters: str) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + (ord(ch) - ord("A") + 1)
    return n - 1


def split_range(text: str) -> tuple[str | None, str | None]:
    """Split ``text`` into (tab title or None, cells part or None).

    ``None`` as title means no ``!`` was given and the text is unquoted: the caller decides
    whether it names a tab or cells of the first tab.
    """
    if text.startswith("'"):
        i, title = 1, []
        while True:
            j = text.find("'", i)
            if j < 0:
                raise RangeError(text)
            title.append(text[i:j])
            if text[j + 1 : j + 2] == "'":
                title.append("'")
                i = j + 2
                continue
            rest = text[j + 1 :]
            break
        name = "".join(title)
        if rest == "":
            return name, None
        if not rest.startswith("!"):
            raise RangeError(text)
        return name, rest[1:]
    if "!" in text:
        name, cells = text.rsplit("!", 1)
        if not name:
            raise RangeError(text)
        return name, cells
    return None, text


def _ref(text: str, whole: str) -> tuple[int | None, int | None]:
    m = _REF.fullmatch(text)
    if m is None or not (m.group(1) or m.group(2)):
        raise RangeError(whole)
    col = _col_index(m.group(1)) if m.group(1) else None
    if m.group(2):
        row = int(m.group(2)) - 1
        if row < 0:
            raise RangeError(whole)
    else:
        row = None
    return row, col


def parse_cells(text: str) -> CellRange:
    """Parse the cells part of a range: ``A1``, ``A1:B2``, ``A:B``, ``1:2``, ``A5:A``, ``A1:1``."""
    parts = text.split(":")
    if len(parts) == 1:
        row, col = _ref(parts[0], text)
        if row is None or col is None:
            raise RangeError(text)
        return CellRange(row, col, row + 1, col + 1)
    if len(parts) != 2:
        raise RangeError(text)
    (r0, c0), (r1, c1) = _ref(parts[0], text), _ref(parts[1], text)
    if (r0 is None) != (r1 is None) and r0 is None:
        raise RangeError(text)  # "A:B2" is not a range Google accepts
    if (c0 is None) != (c1 is None) and c0 is None:
        raise RangeError(text)  # nor is "1:B2"
    row0, row1 = r0 or 0, None if r1 is None else r1 + 1
    col0, col1 = c0 or 0, None if c1 is None else c1 + 1
    if row1 is not None and row1 <= row0:
        row0, row1 = row1 - 1, row0 + 1
    if col1 is not None and col1 <= col0:
        col0, col1 = col1 - 1, col0 + 1
    return CellRange(row0, col0, row1, col1)


def quote_title(title: str) -> str:
    """The title as Google writes it in a range: bare if a plain identifier, else quoted.

    >>> quote_title("Sheet1"), quote_title("TuCham"), quote_title("It's"), quote_title("A1")
    ('Sheet1', 'TuCham', "'It''s'", "'A1'")
    """
    if _PLAIN_TITLE.fullmatch(title) and not _CELL_LIKE.fullmatch(title):
        return title
    return "'" + title.replace("'", "''") + "'"


def format_range(title: str, row0: int, col0: int, row1: int, col1: int) -> str:
    """``Title!A1:C3`` for the 0-based, end-exclusive block; ``Title!B2`` for one cell."""
    start = f"{col_letters(col0)}{row0 + 1}"
    if row1 - row0 <= 1 and col1 - col0 <= 1:
        return f"{quote_title(title)}!{start}"
    return f"{quote_title(title)}!{start}:{col_letters(max(col1 - 1, col0))}{max(row1, row0 + 1)}"
