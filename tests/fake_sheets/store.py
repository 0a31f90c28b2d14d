"""The in-memory spreadsheets of the fake Sheets API and the ``values`` operations on them.

A ``Spreadsheet`` has an id, a title, a locale and ``Sheet`` tabs; a ``Sheet`` has an id,
a title, an index, a grid size (``rows`` x ``cols``, 1000 x 26 by default as in Google)
and a sparse dict of ``Cell`` values keyed by 0-based (row, col).

Reads follow Google: the answer's ``range`` is the requested range with open ends
closed at the grid edge (``A:A`` -> ``A1:A1000``), ``values`` drops trailing empty cells of
each row and trailing empty rows (and is absent when nothing is left). A bounded range
outside the grid is a 400 "exceeds grid limits"; an unknown tab is a 400 "Unable to parse
range". Appends find the "table" like Google does for the cases recorded: the block of
filled cells (4-neighbour connected) that holds the right-most filled cell of the lowest
filled row; the new rows go under it, starting at its first column.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from .a1 import CellRange, RangeError, col_letters, format_range, parse_cells, split_range
from .cells import LOCALES, Cell, from_input, render
from .errors import ApiError

__all__ = ["Sheet", "Spreadsheet", "now_rfc3339"]

_WHITE = {"red": 1, "green": 1, "blue": 1}
DEFAULT_FORMAT: dict[str, Any] = {
    "backgroundColor": _WHITE,
    "padding": {"top": 2, "right": 3, "bottom": 2, "left": 3},
    "verticalAlignment": "BOTTOM",
    "wrapStrategy": "OVERFLOW_CELL",
    "textFormat": {
        "foregroundColor": {},
        "fontFamily": "arial,sans,sans-serif",
        "fontSize": 10,
        "bold": False,
        "italic": False,
        "strikethrough": False,
        "underline": False,
        "foregroundColorStyle": {"rgbColor": {}},
    },
    "backgroundColorStyle": {"rgbColor": _WHITE},
}
_THEME_COLORS = [
    ("TEXT", {}),
    ("BACKGROUND", _WHITE),
    ("ACCENT1", {"red": 0.25882354, "green": 0.52156866, "blue": 0.95686275}),
    ("ACCENT2", {"red": 0.91764706, "green": 0.2627451, "blue": 0.20784314}),
    ("ACCENT3", {"red": 0.9843137, "green": 0.7372549, "blue": 0.015686275}),
    ("ACCENT4", {"red": 0.20392157, "green": 0.65882355, "blue": 0.3254902}),
    ("ACCENT5", {"red": 1, "green": 0.42745098, "blue": 0.003921569}),
    ("ACCENT6", {"red": 0.27450982, "green": 0.7411765, "blue": 0.7764706}),
    ("LINK", {"red": 0.06666667, "green": 0.33333334, "blue": 0.8}),
]
THEME: dict[str, Any] = {
    "primaryFontFamily": "Arial",
    "themeColors": [{"colorType": t, "color": {"rgbColor": c}} for t, c in _THEME_COLORS],
}


def now_rfc3339() -> str:
    """The current time as Drive writes it, e.g. ``2023-08-17T10:53:41.893Z``."""
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def new_spreadsheet_id() -> str:
    """A random id shaped like Google's (44 characters of ``[A-Za-z0-9_-]``)."""
    return "1" + secrets.token_urlsafe(33)[:43]


@dataclass
class Sheet:
    """One tab: its properties and its cells."""

    sheet_id: int
    title: str
    index: int
    rows: int = 1000
    cols: int = 26
    cells: dict[tuple[int, int], Cell] = field(default_factory=dict)
    formats: dict[tuple[int, int], tuple[str, str]] = field(default_factory=dict)
    """Explicit number formats (type, pattern) by 0-based (row, col): kept apart from values, as Google does."""
    merges: list[dict[str, int]] = field(default_factory=list)
    protected_ranges: list[dict[str, Any]] = field(default_factory=list)

    def properties(self) -> dict[str, Any]:
        """The ``properties`` object of the tab, as in metadata and ``addSheet`` replies."""
        return {
            "sheetId": self.sheet_id,
            "title": self.title,
            "index": self.index,
            "sheetType": "GRID",
            "gridProperties": {"rowCount": self.rows, "columnCount": self.cols},
        }

    def entry(self) -> dict[str, Any]:
        """The tab's entry in metadata's ``sheets``: its properties, and its merges and protected ranges if any."""
        entry: dict[str, Any] = {"properties": self.properties()}
        if self.merges:
            entry["merges"] = self.merges
        if self.protected_ranges:
            entry["protectedRanges"] = self.protected_ranges
        return entry

    def resize(self, rows: int, cols: int) -> None:
        """Set the grid size; cells outside it are lost."""
        self.rows, self.cols = rows, cols
        self.cells = {k: v for k, v in self.cells.items() if k[0] < rows and k[1] < cols}
        self.formats = {k: v for k, v in self.formats.items() if k[0] < rows and k[1] < cols}


@dataclass
class Spreadsheet:
    """One spreadsheet file."""

    spreadsheet_id: str
    title: str
    sheets: list[Sheet] = field(default_factory=list)
    locale: str = "en_US"
    time_zone: str = "Etc/GMT"
    private: bool = False
    created: str = field(default_factory=now_rfc3339)
    modified: str = field(default_factory=now_rfc3339)

    def __post_init__(self) -> None:
        if self.locale not in LOCALES:
            raise ValueError(f"locale must be one of {sorted(LOCALES)}")

    # -- tabs -------------------------------------------------------------------------
    def sheet(self, title: str) -> Sheet | None:
        """The tab called ``title`` (exact match first, then ignoring case)."""
        for sheet in self.sheets:
            if sheet.title == title:
                return sheet
        folded = title.casefold()
        return next((s for s in self.sheets if s.title.casefold() == folded), None)

    def sheet_by_id(self, sheet_id: object) -> Sheet | None:
        return next((s for s in self.sheets if s.sheet_id == sheet_id), None)

    def reindex(self) -> None:
        self.sheets.sort(key=lambda s: s.index)
        for i, sheet in enumerate(self.sheets):
            sheet.index = i

    def metadata(self) -> dict[str, Any]:
        """The answer to ``GET /v4/spreadsheets/{id}`` (without grid data)."""
        return {
            "spreadsheetId": self.spreadsheet_id,
            "properties": {
                "title": self.title,
                "locale": self.locale,
                "autoRecalc": "ON_CHANGE",
                "timeZone": self.time_zone,
                "defaultFormat": DEFAULT_FORMAT,
                "spreadsheetTheme": THEME,
            },
            "sheets": [s.entry() for s in self.sheets],
            "spreadsheetUrl": f"https://docs.google.com/spreadsheets/d/{self.spreadsheet_id}/edit",
        }

    # -- ranges -----------------------------------------------------------------------
    def resolve(self, text: str) -> tuple[Sheet, CellRange]:
        """The tab and block named by the A1 range ``text``; 400 if it does not parse."""
        try:
            name, cells = split_range(text)
            if name is None:
                sheet = self.sheet(text) if text else None
                if sheet is not None:
                    return sheet, CellRange(0, 0, None, None)
                sheet = self.sheets[0]
            else:
                sheet = self.sheet(name)
                if sheet is None:
                    raise RangeError(text)
            if cells is None:
                return sheet, CellRange(0, 0, None, None)
            return sheet, parse_cells(cells)
        except RangeError:
            raise ApiError.bad_range(text) from None

    def box(self, text: str) -> tuple[Sheet, CellRange, tuple[int, int, int, int]]:
        """``resolve`` plus the block clipped to the grid; 400 if it lies outside the grid."""
        sheet, rng = self.resolve(text)
        box = rng.clip(sheet.rows, sheet.cols)
        if box[0] >= sheet.rows or box[1] >= sheet.cols or box[2] > sheet.rows or box[3] > sheet.cols:
            raise _exceeds(sheet, text)
        return sheet, rng, box

    # -- values -----------------------------------------------------------------------
    def read(self, text: str, value_option: str, date_option: str, major: str) -> dict[str, Any]:
        """A ``ValueRange``: ``{"range", "majorDimension", "values"?}``."""
        sheet, _, box = self.box(text)
        answer: dict[str, Any] = {"range": format_range(sheet.title, *box), "majorDimension": major}
        values = self.grid(sheet, box, value_option, date_option, major)
        if values:
            answer["values"] = values
        return answer

    def grid(
        self, sheet: Sheet, box: tuple[int, int, int, int], value_option: str, date_option: str, major: str
    ) -> list[list[Any]]:
        """The rendered cells of ``box``, trailing blanks trimmed (``major="COLUMNS"``: by column)."""
        r0, c0, r1, c1 = box
        if major == "COLUMNS":
            keys = {(c - c0, r - r0): v for (r, c), v in sheet.cells.items() if r0 <= r < r1 and c0 <= c < c1}
        else:
            keys = {(r - r0, c - c0): v for (r, c), v in sheet.cells.items() if r0 <= r < r1 and c0 <= c < c1}
        if not keys:
            return []
        lines: list[list[Any]] = [[] for _ in range(max(k[0] for k in keys) + 1)]
        for (i, j), cell in sorted(keys.items()):
            line = lines[i]
            line.extend([""] * (j - len(line)))
            at = (r0 + j, c0 + i) if major == "COLUMNS" else (r0 + i, c0 + j)
            line.append(render(cell, value_option, date_option, self.locale, sheet.formats.get(at)))
        return lines

    def write(
        self, text: str, values: object, option: str, major: str, field_name: str, touched: set | None = None
    ) -> dict[str, Any]:
        """Store ``values`` at the range ``text``; the ``UpdateValuesResponse``."""
        rows = _check_values(values, field_name)
        sheet, rng, box = self.box(text)
        if major == "COLUMNS":
            rows = _transpose(rows)
        nrows, ncols = len(rows), max((len(r) for r in rows), default=0)
        single = rng.row1 == rng.row0 + 1 and rng.col1 == rng.col0 + 1
        r0, c0, r1, c1 = box
        if not single and rng.row1 is not None and r0 + nrows > r1:
            raise ApiError(400, f"Requested writing within range [{text}], but tried writing to row [{r1 + 1}]")
        if not single and rng.col1 is not None and c0 + ncols > c1:
            column = col_letters(c1)
            raise ApiError(400, f"Requested writing within range [{text}], but tried writing to column [{column}]")
        return self.put(sheet, r0, c0, rows, option, text, touched)

    def put(
        self, sheet: Sheet, r0: int, c0: int, rows: list[list[Any]], option: str, text: str, out: set | None = None
    ) -> dict[str, Any]:
        nrows, ncols = len(rows), max((len(r) for r in rows), default=0)
        if r0 + nrows > sheet.rows or c0 + ncols > sheet.cols:
            raise _exceeds(sheet, text)
        touched: set[tuple[int, int]] = set()
        for i, row in enumerate(rows):
            for j, raw in enumerate(row):
                if raw is None:
                    continue
                try:
                    cell = from_input(raw, option, self.locale)
                except TypeError:
                    raise ApiError(400, f"Invalid values[{i}][{j}]: {raw!r}") from None
                touched.add((r0 + i, c0 + j))
                if cell is not None and cell.text is not None:  # a typed format ("12%", a date) replaces the cell's
                    sheet.formats.pop((r0 + i, c0 + j), None)
                if cell is None:
                    sheet.cells.pop((r0 + i, c0 + j), None)
                else:
                    sheet.cells[(r0 + i, c0 + j)] = cell
        self.modified = now_rfc3339()
        if out is not None:
            out.update((sheet.sheet_id, r, c) for r, c in touched)
        answer: dict[str, Any] = {
            "spreadsheetId": self.spreadsheet_id,
            "updatedRange": format_range(sheet.title, r0, c0, r0 + max(nrows, 1), c0 + max(ncols, 1)),
        }
        if touched:
            answer["updatedRows"] = len({r for r, _ in touched})
            answer["updatedColumns"] = len({c for _, c in touched})
            answer["updatedCells"] = len(touched)
        return answer

    def append(self, text: str, values: object, option: str, insert: str) -> dict[str, Any]:
        """Append ``values`` under the table found in ``text``; the ``AppendValuesResponse``."""
        rows = _check_values(values, "data.values")
        sheet, _, box = self.box(text)
        table = _find_table(sheet, box)
        r0, c0 = (table[2], table[1]) if table else (box[0], box[1])
        nrows, ncols = len(rows), max((len(r) for r in rows), default=0)
        if insert == "INSERT_ROWS":
            sheet.cells = {(r + nrows if r >= r0 else r, c): v for (r, c), v in sheet.cells.items()}
            sheet.formats = {(r + nrows if r >= r0 else r, c): v for (r, c), v in sheet.formats.items()}
            sheet.rows += nrows
        sheet.rows = max(sheet.rows, r0 + nrows)
        sheet.cols = max(sheet.cols, c0 + ncols)
        answer: dict[str, Any] = {"spreadsheetId": self.spreadsheet_id}
        if table:
            answer["tableRange"] = format_range(sheet.title, *table)
        answer["updates"] = self.put(sheet, r0, c0, rows, option, text)
        return answer

    def clear(self, text: str) -> dict[str, Any]:
        """Empty the cells of ``text``; the ``ClearValuesResponse``."""
        sheet, _, (r0, c0, r1, c1) = self.box(text)
        sheet.cells = {k: v for k, v in sheet.cells.items() if not (r0 <= k[0] < r1 and c0 <= k[1] < c1)}
        self.modified = now_rfc3339()
        return {"spreadsheetId": self.spreadsheet_id, "clearedRange": format_range(sheet.title, r0, c0, r1, c1)}

    def seed(self, tabs: Mapping[str, Sequence[Sequence[object]]], option: str) -> None:
        """Add one tab per entry of ``tabs``, filled with its rows (helper for tests)."""
        for title, rows in tabs.items():
            rows = [list(r) for r in rows]
            width = max((len(r) for r in rows), default=0)
            sheet_id = 0 if not self.sheets else max(s.sheet_id for s in self.sheets) + 1
            sheet = Sheet(sheet_id, title, len(self.sheets), max(1000, len(rows)), max(26, width))
            self.sheets.append(sheet)
            self.put(sheet, 0, 0, rows, option, title)


def _exceeds(sheet: Sheet, text: str) -> ApiError:
    cells = text.rsplit("!", 1)[-1] if "!" in text else text
    title = "'" + sheet.title.replace("'", "''") + "'"
    limits = f"Max rows: {sheet.rows}, max columns: {sheet.cols}"
    return ApiError(400, f"Range ({title}!{cells}) exceeds grid limits. {limits}")


def _check_values(values: object, field_name: str) -> list[list[Any]]:
    if values is None:
        return []
    if not isinstance(values, list):
        raise ApiError.bad_field(field_name, values)
    for i, row in enumerate(values):
        if not isinstance(row, list):
            raise ApiError.bad_field(f"{field_name}[{i}]", row)
    return values


def _transpose(columns: list[list[Any]]) -> list[list[Any]]:
    height = max((len(c) for c in columns), default=0)
    return [[c[i] if i < len(c) else None for c in columns] for i in range(height)]


def _find_table(sheet: Sheet, box: tuple[int, int, int, int]) -> tuple[int, int, int, int] | None:
    """The block of filled cells an append goes under (see the module docstring), or None."""
    r0, c0, r1, c1 = box
    filled = {k for k in sheet.cells if r0 <= k[0] < r1 and c0 <= k[1] < c1}
    if not filled:
        return None
    bottom = max(r for r, _ in filled)
    start = (bottom, max(c for r, c in filled if r == bottom))
    seen, stack = {start}, [start]
    while stack:
        r, c = stack.pop()
        for nb in ((r - 1, c), (r + 1, c), (r, c - 1), (r, c + 1)):
            if nb in filled and nb not in seen:
                seen.add(nb)
                stack.append(nb)
    rows, cols = [r for r, _ in seen], [c for _, c in seen]
    return min(rows), min(cols), max(rows) + 1, max(cols) + 1
