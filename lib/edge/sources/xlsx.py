"""A local ``.xlsx`` workbook as a ``Source``, read and written with openpyxl.

Reads take the cached results of formulas (``data_only``), so a cell showing ``9,5``
arrives as ``9.5`` whatever formula produced it. A formula saved without a result (a file
written by a program that computes nothing: openpyxl, some converters) arrives as
``lib.core.cells.Uncalculated``, an error at its cell, never a blank: the same single pass
over the sheet XML notices a ``<f>`` without a ``<v>`` (``_Parser``). A number whose format shows something
else than the bare number (``0.0%``, ``0.00``, a date) arrives as a ``lib.core.shown.Shown``
with its ``number_format``, so the core reads it as it shows (openpyxl itself already turns
date-formatted numbers into ``datetime``, which the core refuses in numeric places). Writes load the workbook with its
formulas, set the cells (text always stays text, even ``=1+1``), append rows, and save
atomically: a temporary file in the same directory is written, flushed, fsynced and
then moved onto the target with ``os.replace``, so a crash (even ``kill -9``) leaves
either the old or the new workbook, never half of one.

Writes to one file are serialised across threads *and processes* by an advisory lock
file beside it (``.<name>.lock``, ``fcntl.flock``; the kernel drops it if the holder
dies). ``locked()`` holds that lock for a whole check-then-write: the store re-reads,
checks and writes inside it, so its conflict check sees every other process's writes.
Each write also re-reads the file inside the lock, so no write undoes another.

Formula cells: openpyxl saves a workbook's formulas but not their cached results, so
after a save every formula cell would read as blank (a self total silently falling from
95,75 to 88,50). Rather than that, or than computing Excel formulas ourselves, a write
into a workbook holding any formula is refused with ``LayoutError("xlsx.formulas")``
naming the cells (the outbox sets it aside; nothing is written). Replace the formulas
by their values in a spreadsheet program (copy, paste values), or use the Google Sheet.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path

from openpyxl import Workbook, load_workbook
from openpyxl.cell.read_only import ReadOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._read_only import ReadOnlyWorksheet
from openpyxl.worksheet._reader import FORMULA_TAG, VALUE_TAG, WorkSheetParser
from openpyxl.worksheet.worksheet import Worksheet

from lib.core.cells import Uncalculated
from lib.core.errors import LayoutError, NotAWorkbook, SourceError
from lib.core.grammar import HEADER_SEARCH_ROWS
from lib.core.model import RawTab, RawWorkbook
from lib.core.shown import wrap
from lib.edge.sources import WriteBatch
from lib.edge.state import cross_process_lock

__all__ = ["XlsxSource", "create_template"]

"""``create_template`` looks for the header row within this many rows."""

LOCK_TIMEOUT = 60.0
"""Seconds a write waits for another process's write before giving up (a ``SourceError``: retry)."""


def _lock_for(path: Path) -> contextlib.AbstractContextManager[bool]:
    """The cross-process lock serialising writes to the file at ``path`` (re-entrant per thread)."""
    return cross_process_lock(path.parent / f".{path.name}.lock", timeout=LOCK_TIMEOUT)


def _trim_row(values: Iterable[object]) -> list[object]:
    """The row's values without trailing blanks."""
    row = list(values)
    while row and row[-1] is None:
        row.pop()
    return row


def _trim_tab(rows: Iterable[Iterable[object]]) -> RawTab:
    """Rows trimmed of trailing blanks, without trailing empty rows."""
    tab = [_trim_row(r) for r in rows]
    while tab and not tab[-1]:
        tab.pop()
    return tab


def _shown(cell: object) -> object:
    """A read-only cell's value; a number with a format other than General, with that format."""
    value = getattr(cell, "value", None)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        pattern = getattr(cell, "number_format", "General") or "General"
        if pattern != "General":
            return wrap(value, pattern=pattern)
    return value


class _Parser(WorkSheetParser):  # type: ignore[misc]
    """openpyxl's sheet parser, keeping a formula that has no cached result as ``Uncalculated``.

    With ``data_only`` openpyxl reads such a cell as blank. openpyxl itself writes an empty ``<v>``
    with no type; a formula whose result is the empty text (``=""``) is typed ``t="str"`` and stays
    blank, as the sheet shows it.
    """

    def parse_cell(self, element: object) -> dict[str, object]:
        """The cell's fields, its value an ``Uncalculated`` for a formula without a cached result."""
        cell: dict[str, object] = super().parse_cell(element)
        if cell["value"] is None and element.get("t", "n") not in ("str", "inlineStr") and not (  # type: ignore[attr-defined]
                element.findtext(VALUE_TAG) or ""):  # type: ignore[attr-defined]
            formula = element.find(FORMULA_TAG)  # type: ignore[attr-defined]
            if formula is not None:
                cell["value"] = Uncalculated(formula.text or "")
        return cell


def _rows(ws: ReadOnlyWorksheet) -> Iterator[list[object]]:
    """The rows of a read-only, ``data_only`` sheet as values (``_shown``), in one pass with ``_Parser``.

    Mirrors ``ReadOnlyWorksheet._cells_by_row`` (openpyxl 3.1) with our parser; missing rows are empty.
    """
    book = ws.parent
    with ws._get_source() as src:
        parser = _Parser(src, ws._shared_strings, data_only=True, epoch=book.epoch,
                         date_formats=book._date_formats, timedelta_formats=book._timedelta_formats)
        expected = 1
        for index, cells in parser.parse():
            yield from ([] for _ in range(expected, index))
            expected = index + 1
            row: list[object] = []
            for cell in cells:
                row.extend([None] * (cell["column"] - 1 - len(row)))
                row.append(_shown(ReadOnlyCell(ws, **cell)))
            yield row


def _check_file(path: Path) -> None:
    """Raise ``NotAWorkbook`` when ``path`` is not an existing regular file."""
    if not path.exists():
        raise NotAWorkbook(f"Không tìm thấy tệp bảng tính: {path}")
    if path.is_dir():
        raise NotAWorkbook(f"Đường dẫn là một thư mục, không phải tệp .xlsx: {path}")


def _open(path: Path, *, data_only: bool, read_only: bool) -> Workbook:
    """Load the workbook at ``path``, turning every failure into ``NotAWorkbook``."""
    _check_file(path)
    try:
        return load_workbook(path, data_only=data_only, read_only=read_only)
    except Exception as exc:  # openpyxl, zipfile, XML and OS errors alike
        raise NotAWorkbook(f"Không đọc được tệp bảng tính Excel (.xlsx): {path} ({type(exc).__name__}: {exc})") from exc


def _store(ws: Worksheet, row: int, col: int, value: object) -> None:
    """Set one cell, keeping text as text (a leading ``=`` never makes a formula)."""
    if row < 1 or col < 1:
        raise SourceError(f"Ô không hợp lệ trong trang '{ws.title}': dòng {row}, cột {col}")
    cell = ws.cell(row=row, column=col)
    try:
        cell.value = value
    except (ValueError, TypeError) as exc:
        raise SourceError(f"Không ghi được giá trị {value!r} vào ô {ws.title}!{cell.coordinate}: {exc}") from exc
    if isinstance(value, str):
        cell.data_type = "s"


def _last_filled_row(ws: Worksheet) -> int:
    """The 1-based number of the last row holding any value (0 for an empty sheet)."""
    for row in range(ws.max_row, 0, -1):
        for cell in ws[row]:
            if cell.value is not None and cell.value != "":
                return row
    return 0


_FORMULAS_NAMED = 5
"""How many formula cells a refusal names (then "…")."""


def _formula_cells(wb: Workbook) -> list[str]:
    """Every cell holding a formula, as ``Tab!A1``."""
    return [f"{ws.title}!{cell.coordinate}" for ws in wb.worksheets for row in ws.iter_rows() for cell in row
            if cell.data_type == "f"]


def _sheet(wb: Workbook, tab: str, path: Path) -> Worksheet:
    """The worksheet titled ``tab``; a missing tab is a ``SourceError`` naming it."""
    if tab not in wb.sheetnames:
        raise SourceError(f"Không có trang '{tab}' trong tệp {path}")
    return wb[tab]


def _save_atomically(path: Path, save: Callable[[object], None]) -> None:
    """Call ``save`` on a temporary file next to ``path``, fsync it, then replace ``path``."""
    directory = path.parent
    tmp_path: Path | None = None
    try:
        mode = stat.S_IMODE(path.stat().st_mode) if path.exists() else _new_file_mode()
        with tempfile.NamedTemporaryFile(delete=False, dir=directory, prefix=f".{path.name}.", suffix=".tmp") as tmp:
            tmp_path = Path(tmp.name)
            save(tmp)
            tmp.flush()
            os.fsync(tmp.fileno())
        os.chmod(tmp_path, mode)
        os.replace(tmp_path, path)
    except BaseException as exc:
        if tmp_path is not None:
            tmp_path.unlink(missing_ok=True)
        if isinstance(exc, Exception):
            raise SourceError(
                f"Không ghi được tệp {path}; tệp cũ được giữ nguyên ({type(exc).__name__}: {exc})"
            ) from exc
        raise
    _fsync_dir(directory)


def _new_file_mode() -> int:
    """The mode a newly created file gets here: 0o666 minus the process umask."""
    umask = 0o022
    try:
        status = Path("/proc/self/status").read_text(encoding="ascii", errors="replace")
    except OSError:
        status = ""
    for line in status.splitlines():
        if line.startswith("Umask:"):
            umask = int(line.split()[1], 8)
    return 0o666 & ~umask


def _fsync_dir(directory: Path) -> None:
    """Make the rename durable where the platform allows syncing a directory."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


class XlsxSource:
    """A workbook in a local ``.xlsx`` file."""

    def __init__(self, path: Path) -> None:
        """Remember the path; nothing is opened until ``read`` or ``write``."""
        self.path = Path(path)

    def __repr__(self) -> str:
        """The class and the path, for logs."""
        return f"XlsxSource({str(self.path)!r})"

    @property
    def label(self) -> str:
        """The file name, e.g. ``demo.xlsx``."""
        return self.path.name

    def version(self) -> int:
        """The file's modification time in nanoseconds: a change probe that costs one ``stat``."""
        return self.path.stat().st_mtime_ns

    @contextlib.contextmanager
    def locked(self) -> Iterator[None]:
        """Hold the file's cross-process write lock for a check-then-write (re-entrant)."""
        with _lock_for(self.path):
            yield

    def read(self) -> RawWorkbook:
        """Every worksheet as trimmed rows of cached cell values."""
        wb = _open(self.path, data_only=True, read_only=True)
        try:
            return {ws.title: _trim_tab(_rows(ws)) if isinstance(ws, ReadOnlyWorksheet)
                    else _trim_tab((_shown(cell) for cell in row) for row in ws.iter_rows())  # a chartsheet
                    for ws in wb.worksheets}
        except Exception as exc:
            raise NotAWorkbook(
                f"Tệp bảng tính bị hỏng, không đọc được: {self.path} ({type(exc).__name__}: {exc})"
            ) from exc
        finally:
            wb.close()

    def write(self, batch: WriteBatch) -> None:
        """Set the batch's cells and append its rows, then save atomically."""
        with _lock_for(self.path):
            wb = _open(self.path, data_only=False, read_only=False)
            formulas = _formula_cells(wb)
            if formulas:  # saving would blank their cached results: refuse, naming them
                named = ", ".join(formulas[:_FORMULAS_NAMED]) + (", …" if len(formulas) > _FORMULAS_NAMED else "")
                raise LayoutError("xlsx.formulas", cells=named, count=len(formulas))
            for title in batch.new_tabs:
                if title not in wb.sheetnames:
                    wb.create_sheet(title)
            for (tab, row, col), value in batch.cells.items():
                _store(_sheet(wb, tab, self.path), row, col, value)
            for tab, rows in batch.appends.items():
                ws = _sheet(wb, tab, self.path)
                next_row = _last_filled_row(ws) + 1
                for offset, values in enumerate(rows):
                    for col, value in enumerate(values, start=1):
                        if value is not None:
                            _store(ws, next_row + offset, col, value)
            _save_atomically(self.path, wb.save)


def _header_row(rows: Sequence[Sequence[object]]) -> int | None:
    """The 1-based header row: the first of the top rows with two or more values."""
    for number, row in enumerate(rows[:HEADER_SEARCH_ROWS], start=1):
        if sum(1 for v in row if v is not None and v != "") >= 2:
            return number
    return None


def _fill_sheet(ws: Worksheet, rows: Sequence[Sequence[object]]) -> None:
    """Write ``rows`` into ``ws``, bold the header row and freeze the panes below it."""
    for r, values in enumerate(rows, start=1):
        for c, value in enumerate(values, start=1):
            if value is not None:
                _store(ws, r, c, value)
    header = _header_row(rows)
    if header is None:
        return
    bold = Font(bold=True)
    for c in range(1, len(rows[header - 1]) + 1):
        ws.cell(row=header, column=c).font = bold
    if header > 1 and rows[0]:
        ws.cell(row=1, column=1).font = Font(bold=True, italic=True, color="C00000")
    ws.freeze_panes = ws.cell(row=header + 1, column=1)
    widths: dict[int, int] = {}
    for values in rows[header - 1 :]:
        for c, value in enumerate(values, start=1):
            if value is not None:
                widths[c] = max(widths.get(c, 0), len(str(value)))
    for c, width in widths.items():
        ws.column_dimensions[get_column_letter(c)].width = min(max(width + 2, 8), 60)


def create_template(path: Path, workbook: RawWorkbook, overwrite: bool = False) -> None:
    """Write a new ``.xlsx`` at ``path`` holding the given tabs and rows, atomically."""
    path = Path(path)
    if not workbook:
        raise SourceError(f"Không có trang nào để ghi vào {path}")
    if path.is_dir():
        raise SourceError(f"Đường dẫn là một thư mục: {path}")
    with _lock_for(path):
        if not overwrite and path.exists() and path.stat().st_size > 0:
            raise SourceError(f"Tệp đã tồn tại, không ghi đè: {path}")
        wb = Workbook()
        wb.remove(wb.active)
        for title, rows in workbook.items():
            try:
                ws = wb.create_sheet(title=title)
            except ValueError as exc:
                raise SourceError(f"Tên trang không hợp lệ '{title}' cho tệp {path}: {exc}") from exc
            _fill_sheet(ws, rows)
        _save_atomically(path, wb.save)
