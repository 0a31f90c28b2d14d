"""Reading a returned self-scoring form: bounded, in one pass over the cells that exist, links kept.

A returned form comes from outside (a province's mail, an upload on the hall's Wi-Fi), so it
is read as hostile input. Before anything is decompressed the zip's directory is checked
against ``MAX_FILE_BYTES``, ``MAX_ENTRIES``, ``MAX_UNPACKED_BYTES`` and ``MAX_XML_BYTES`` (sums of
the entries' declared sizes; Python's ``zipfile`` never inflates an entry past its declared size,
so the sum is a real bound). Each sheet's XML is then streamed once (openpyxl's sheet parser
over ``iterparse``), keeping only the cells that hold a value; a value beyond ``MAX_ROWS``
or ``MAX_COLS`` stops the read at once. No cell is ever created for a blank, so a province
that formatted a whole column (``A1:XFD1048576`` in the sheet's dimension) costs only the
cells its file really holds. Every refusal names the file, the limit and the value found.

Any failure of the file itself (a bad zip, truncated XML, a missing part, a nonsense index)
is a ``NotAWorkbook`` naming the file: the caller reports it and goes on with the next form.

A province may type a link as text or insert it as a hyperlink whose shown text differs
(``Báo cáo số 12`` pointing at ``https://…``): the cell then reads ``text <target>``, so
the evidence keeps the address. A formula without a computed value (a file written by a
program, or ``=SUM(`` typed as text) reads as its formula text, so the import reports it
instead of taking it for a blank. Dates read as dates (by the cell's number format).

The key that signs a form's identity (``form_key``) is derived from the server's records key
here, in one place.
"""

from __future__ import annotations

import hashlib
import hmac
import io
import posixpath
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from xml.etree.ElementTree import fromstring

from openpyxl import load_workbook
from openpyxl.worksheet._reader import FORMULA_TAG, WorkSheetParser

from lib.core.errors import NotAWorkbook
from lib.core.model import RawWorkbook
from lib.edge.secret import records_key

MAX_FILE_BYTES = 5_000_000
"""A generated form is ~10 KB and one saved by Excel or LibreOffice ~20–40 KB; 5 MB leaves room for a
pasted logo or picture (×100) while a file this size is still read in well under a second."""

MAX_UNPACKED_BYTES = 20_000_000
"""Sum of all entries' uncompressed sizes (a zip bomb declares gigabytes): room for pictures, which are
never inflated by the reader, beside ``MAX_XML_BYTES`` of what is parsed."""

MAX_XML_BYTES = 5_000_000
"""Sum of the uncompressed sizes of the parts that are parsed (everything but pictures and media). A
generated form has ~60 KB; a province that formatted 4,000 rows × 20 columns writes ~1.6 MB. Measured
here: 20 MB of formatted blank cells (930,000) took 6–19 s on this shared machine, so 5 MB (~230,000
cells) is about 1.5–5 s, the longest an upload may hold the server's interpreter."""

_MEDIA = (".png", ".jpg", ".jpeg", ".gif", ".bmp", ".emf", ".wmf", ".tif", ".tiff", ".bin")

MAX_ENTRIES = 200
"""Parts in the zip: a generated form has 10, Excel and LibreOffice add ~10–20 (themes, printer
settings, pictures, comments); thousands of tiny parts is a way to make the directory itself the work."""

MAX_ROWS = 5_000
"""Last row holding a value: the form has ~40 criteria under a 9-row heading; ×100 allows notes typed
far below, and bounds the table handed to the core (rows × columns) at a few hundred thousand slots."""

MAX_COLS = 100
"""Last column holding a value (CV): the form has 7 columns; a province may add a few of its own."""

_FORM_KEY_LABEL = b"thidua self-scoring form identity v1"


def form_key() -> bytes:
    """The key that signs and checks forms' identities: derived from the server's records key.

    Derived (HMAC with a fixed label), so a form's signature never passes for a freeze row's or a
    cookie's. The one place that names the server's key for forms.
    """
    return hmac.new(records_key(), _FORM_KEY_LABEL, hashlib.sha256).digest()


@dataclass
class ReadStats:
    """What a read cost: cells visited (every ``<c>`` in the XML), the ones kept, and the bytes declared."""

    cells_visited: int = 0
    cells_kept: int = 0
    unpacked_bytes: int = 0


_BLANK = {"row": 0, "column": 0, "value": None, "data_type": "n", "style_id": 0}


class _Parser(WorkSheetParser):
    """openpyxl's streaming sheet parser, cached values first and a formula's text when none was computed."""

    def parse_cell(self, element):  # type: ignore[no-untyped-def]
        if not len(element) and element.get("r"):  # a formatted blank (no <v>, <f> or <is>): nothing to decode
            return _BLANK
        cell = super().parse_cell(element)
        if cell["value"] is None and (formula := element.find(FORMULA_TAG)) is not None:
            cell["value"] = "=" + (formula.text or "")
        return cell


def _refuse(name: str, what: str, limit: int, found: int) -> NotAWorkbook:
    return NotAWorkbook(f"{name}: {what} vượt giới hạn ({found:,} > {limit:,}); tệp không được đọc".replace(",", "."))


def _open_checked(data: bytes, name: str, stats: ReadStats) -> zipfile.ZipFile:
    """The zip, once its size, entry count and declared unpacked size are within the limits."""
    if len(data) > MAX_FILE_BYTES:
        raise _refuse(name, "dung lượng tệp (byte)", MAX_FILE_BYTES, len(data))
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise NotAWorkbook(f"{name}: không phải tệp Excel (.xlsx) đọc được ({type(exc).__name__})") from exc
    infos = archive.infolist()
    if len(infos) > MAX_ENTRIES:
        raise _refuse(name, "số phần trong tệp nén", MAX_ENTRIES, len(infos))
    stats.unpacked_bytes = sum(i.file_size for i in infos)
    if stats.unpacked_bytes > MAX_UNPACKED_BYTES:
        raise _refuse(name, "dung lượng sau giải nén (byte)", MAX_UNPACKED_BYTES, stats.unpacked_bytes)
    parsed = sum(i.file_size for i in infos if not i.filename.lower().endswith(_MEDIA))
    if parsed > MAX_XML_BYTES:
        raise _refuse(name, "dung lượng XML sau giải nén (byte)", MAX_XML_BYTES, parsed)
    return archive


def _links(archive: zipfile.ZipFile, sheet_path: str, parser: _Parser) -> dict[tuple[int, int], str]:
    """(row, column) → the target of each external hyperlink of the sheet (its ``.rels`` part)."""
    folder, base = posixpath.split(sheet_path)
    rels_path = posixpath.join(folder, "_rels", base + ".rels")
    targets: dict[str, str] = {}
    if rels_path in archive.namelist():
        for rel in fromstring(archive.read(rels_path)):
            if rel.get("Id") and rel.get("Target"):
                targets[rel.get("Id", "")] = rel.get("Target", "")
    from openpyxl.utils.cell import range_boundaries

    out: dict[tuple[int, int], str] = {}
    for link in parser.hyperlinks.hyperlink:
        target = targets.get(link.id or "") or link.location
        if not target or not link.ref:
            continue
        min_col, min_row, max_col, max_row = range_boundaries(link.ref)
        if (max_row - min_row + 1) * (max_col - min_col + 1) <= MAX_ROWS:  # a link over a huge range: first cell
            out.update({(r, c): target for r in range(min_row, max_row + 1) for c in range(min_col, max_col + 1)})
        else:
            out[(min_row, min_col)] = target
    return out


def _cells(parser: _Parser, name: str, title: str, stats: ReadStats) -> Iterator[tuple[int, int, object]]:
    for _, row in parser.parse():
        for cell in row:
            stats.cells_visited += 1
            if cell["value"] is None:
                continue  # a formatted blank: costs its XML, never a cell
            r, c = cell["row"], cell["column"]
            if r > MAX_ROWS:
                raise _refuse(name, f"trang {title}: dòng có giá trị (ô {_address(r, c)})", MAX_ROWS, r)
            if c > MAX_COLS:
                raise _refuse(name, f"trang {title}: cột có giá trị (ô {_address(r, c)})", MAX_COLS, c)
            stats.cells_kept += 1
            yield r, c, cell["value"]


def _address(row: int, col: int) -> str:
    from openpyxl.utils import get_column_letter

    return f"{get_column_letter(col)}{row}"


def _sheet(wb, archive: zipfile.ZipFile, ws, name: str, stats: ReadStats) -> list[list[object]]:  # type: ignore[no-untyped-def]
    path = ws._worksheet_path  # openpyxl's read-only sheet: where its XML lives in the zip
    with archive.open(path) as source:
        parser = _Parser(source, ws._shared_strings, data_only=True, epoch=wb.epoch,
                         date_formats=wb._date_formats, timedelta_formats=wb._timedelta_formats)
        found: dict[int, dict[int, object]] = {}
        for r, c, value in _cells(parser, name, ws.title, stats):
            found.setdefault(r, {})[c] = value
        links = _links(archive, path, parser)
    for (r, c), target in links.items():
        value = found.get(r, {}).get(c)
        if r <= MAX_ROWS and c <= MAX_COLS and str(value or "").strip() != target:
            found.setdefault(r, {})[c] = f"{value} <{target}>" if value not in (None, "") else target
    rows: list[list[object]] = []
    for r in range(1, max(found, default=0) + 1):
        cells = found.get(r, {})
        row = [None] * max(cells, default=0)
        for c, value in cells.items():
            row[c - 1] = value
        rows.append(row)
    return rows


def read_form_file(form: Path | bytes, label: str = "", stats: ReadStats | None = None) -> RawWorkbook:
    """Every tab of the form (hidden ones too) as rows of values, within the limits; ``NotAWorkbook`` otherwise."""
    name = label or (form.name if isinstance(form, Path) else "biểu mẫu")
    stats = stats if stats is not None else ReadStats()
    data = _file_bytes(form, name)
    _open_checked(data, name, stats).close()
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - untrusted input: any failure of the parser is "not readable"
        raise NotAWorkbook(f"{name}: không phải tệp Excel (.xlsx) đọc được ({_why(exc)})") from exc
    try:
        return {ws.title: _sheet(wb, wb._archive, ws, name, stats) for ws in wb.worksheets
                if hasattr(ws, "_worksheet_path")}  # chart sheets hold no cells
    except NotAWorkbook:
        raise
    except Exception as exc:  # noqa: BLE001 - truncated XML (ParseError), a CRC error, a bad string index …
        raise NotAWorkbook(f"{name}: tệp hỏng, không đọc được ({_why(exc)})") from exc
    finally:
        wb.close()


def _why(exc: Exception) -> str:
    text = " ".join(str(exc).split())[:160]
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def sheet_titles(form: Path | bytes, label: str = "") -> list[str]:
    """The tabs' titles only (is this file a form?), within the same size limits."""
    name = label or (form.name if isinstance(form, Path) else "biểu mẫu")
    data = _file_bytes(form, name)
    _open_checked(data, name, ReadStats()).close()
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True)
    except Exception as exc:  # noqa: BLE001 - untrusted input
        raise NotAWorkbook(f"{name}: không phải tệp Excel (.xlsx) đọc được ({_why(exc)})") from exc
    titles = list(wb.sheetnames)
    wb.close()
    return titles


def _file_bytes(form: Path | bytes, name: str) -> bytes:
    if isinstance(form, bytes):
        return form
    try:
        size = form.stat().st_size
        if size > MAX_FILE_BYTES:
            raise _refuse(name, "dung lượng tệp (byte)", MAX_FILE_BYTES, size)
        return form.read_bytes()
    except FileNotFoundError as exc:
        raise NotAWorkbook(f"Không tìm thấy tệp: {name}") from exc
    except IsADirectoryError as exc:
        raise NotAWorkbook(f"{name}: là một thư mục, không phải tệp .xlsx") from exc
    except OSError as exc:
        raise NotAWorkbook(f"{name}: không đọc được tệp ({exc.strerror or exc})") from exc
