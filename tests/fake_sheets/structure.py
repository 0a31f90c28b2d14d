"""``POST /v4/spreadsheets/{id}:batchUpdate`` of the fake Sheets API.

Implemented requests: ``addSheet``, ``deleteSheet``, ``updateSheetProperties`` (title,
index, grid size; honouring the ``fields`` mask), ``updateSpreadsheetProperties`` (title),
``insertDimension``, ``deleteDimension``, ``appendDimension``, ``mergeCells`` (keeps the
first value of each merged block, as Google does, and lists the block under the tab's
``merges`` in metadata), ``unmergeCells``, ``repeatCell`` and ``updateCells`` (number
formats only: ``cell.userEnteredFormat.numberFormat`` {type, pattern} under a ``fields``
mask such as ``userEnteredFormat.numberFormat``, ``userEnteredFormat(numberFormat)`` or
``*``; a mask naming the number format with no format given clears it; other formatting
is ignored, and ``updateCells`` values are refused as not built) and ``addProtectedRange`` (no recorded cassette
covers it: built to the API reference, ``AddProtectedRangeRequest`` /
``AddProtectedRangeResponse`` and ``ProtectedRange``; the range gets a new
``protectedRangeId``, is listed under the tab's ``protectedRanges`` in metadata and echoed in
the reply; editors and ``warningOnly`` together are refused, as Google refuses them; the
fake serves one caller, so editors are recorded, not enforced). Formatting-only
requests (``updateBorders``, ...) are accepted and ignored. Anything else is
a 400, as Google answers an unknown request name. The batch is atomic: when one request
fails, none is applied.
"""

from __future__ import annotations

import copy
import random
import re
from collections.abc import Callable
from typing import Any

from .cells import NUMBER_FORMAT_TYPES
from .errors import ApiError
from .store import Sheet, Spreadsheet, now_rfc3339

__all__ = ["batch_update"]

IGNORED = frozenset(
    {
        "updateBorders",
        "updateDimensionProperties",
        "autoResizeDimensions",
        "addConditionalFormatRule",
        "setBasicFilter",
        "clearBasicFilter",
        "setDataValidation",
    }
)


def batch_update(book: Spreadsheet, body: object, rng: random.Random) -> dict[str, Any]:
    """Apply ``body["requests"]`` to ``book`` all or nothing; the ``BatchUpdateSpreadsheetResponse``."""
    requests = body.get("requests") if isinstance(body, dict) else None
    if not isinstance(requests, list) or not requests:
        raise ApiError(400, "Must specify at least one request.")
    saved = copy.deepcopy((book.title, book.sheets))
    replies: list[dict[str, Any]] = []
    try:
        for i, request in enumerate(requests):
            if not isinstance(request, dict) or len(request) != 1:
                raise ApiError(400, f"Invalid requests[{i}]: exactly one kind of request must be set.")
            ((kind, args),) = request.items()
            handler = _HANDLERS.get(kind)
            if handler is None and kind not in IGNORED:
                raise ApiError(
                    400,
                    f"Invalid JSON payload received. Unknown name \"{kind}\" at 'requests[{i}]': Cannot find field.",
                )
            try:
                replies.append(handler(book, args or {}, rng) if handler else {})
            except ApiError as err:
                raise ApiError(400, f"Invalid requests[{i}].{kind}: {err}") from None
    except ApiError:
        book.title, book.sheets = saved
        raise
    book.modified = now_rfc3339()
    return {"spreadsheetId": book.spreadsheet_id, "replies": replies}


def _sheet(book: Spreadsheet, sheet_id: object) -> Sheet:
    sheet = book.sheet_by_id(sheet_id)
    if sheet is None:
        raise ApiError(400, f"No grid with id: {sheet_id}")
    return sheet


def _add_sheet(book: Spreadsheet, args: dict[str, Any], rng: random.Random) -> dict[str, Any]:
    props = args.get("properties") or {}
    title = props.get("title")
    if title is None:
        n = len(book.sheets) + 1
        while book.sheet(f"Sheet{n}"):
            n += 1
        title = f"Sheet{n}"
    if book.sheet(title) is not None:
        raise ApiError(400, f'A sheet with the name "{title}" already exists. Please enter another name.')
    sheet_id = props.get("sheetId")
    if sheet_id is None:
        sheet_id = rng.randrange(1, 2**31 - 1)
        while book.sheet_by_id(sheet_id):
            sheet_id = rng.randrange(1, 2**31 - 1)
    elif book.sheet_by_id(sheet_id):
        raise ApiError(400, f"Sheet with id {sheet_id} already exists.")
    grid = props.get("gridProperties") or {}
    index = props.get("index", len(book.sheets))
    for other in book.sheets:
        if other.index >= index:
            other.index += 1
    sheet = Sheet(sheet_id, title, index, int(grid.get("rowCount", 1000)), int(grid.get("columnCount", 26)))
    book.sheets.append(sheet)
    book.reindex()
    return {"addSheet": {"properties": sheet.properties()}}


def _delete_sheet(book: Spreadsheet, args: dict[str, Any], rng: random.Random) -> dict[str, Any]:
    sheet = _sheet(book, args.get("sheetId"))
    if len(book.sheets) == 1:
        raise ApiError(400, "You can't remove all the sheets in a document.")
    book.sheets.remove(sheet)
    book.reindex()
    return {}


def _wants(fields: str, name: str) -> bool:
    parts = [f.strip() for f in fields.split(",")]
    return "*" in parts or name in parts or any(name.startswith(p + "/") for p in parts)


def _update_sheet_properties(book: Spreadsheet, args: dict[str, Any], rng: random.Random) -> dict[str, Any]:
    props = args.get("properties") or {}
    fields = args.get("fields")
    if not fields:
        raise ApiError(400, "At least one field must be updated, but 'fields' is empty.")
    sheet = _sheet(book, props.get("sheetId"))
    if _wants(fields, "title") and "title" in props:
        other = book.sheet(props["title"])
        if other is not None and other is not sheet:
            raise ApiError(400, f'A sheet with the name "{props["title"]}" already exists. Please enter another name.')
        sheet.title = props["title"]
    grid = props.get("gridProperties") or {}
    rows = grid.get("rowCount", sheet.rows) if _wants(fields, "gridProperties/rowCount") else sheet.rows
    cols = grid.get("columnCount", sheet.cols) if _wants(fields, "gridProperties/columnCount") else sheet.cols
    sheet.resize(int(rows), int(cols))
    if _wants(fields, "index") and "index" in props:
        book.sheets.remove(sheet)
        book.sheets.insert(min(int(props["index"]), len(book.sheets)), sheet)
        for i, each in enumerate(book.sheets):
            each.index = i
    return {}


def _span(sheet: Sheet, r: dict[str, Any]) -> tuple[bool, int, int]:
    rows = r.get("dimension") == "ROWS"
    start, end = int(r.get("startIndex", 0)), int(r.get("endIndex", 0))
    if end <= start or end > (sheet.rows if rows else sheet.cols) + 1:
        raise ApiError(400, "Invalid dimension range.")
    return rows, start, end


def _insert_dimension(book: Spreadsheet, args: dict[str, Any], rng: random.Random) -> dict[str, Any]:
    r = args.get("range") or {}
    sheet = _sheet(book, r.get("sheetId"))
    rows, start, end = _span(sheet, r)
    n, axis = end - start, 0 if rows else 1
    shifted = {}
    for key, cell in sheet.cells.items():
        k = list(key)
        if k[axis] >= start:
            k[axis] += n
        shifted[(k[0], k[1])] = cell
    sheet.cells = shifted
    sheet.formats = {_shift(k, axis, start, n): v for k, v in sheet.formats.items()}
    sheet.rows, sheet.cols = (sheet.rows + n, sheet.cols) if rows else (sheet.rows, sheet.cols + n)
    return {}


def _delete_dimension(book: Spreadsheet, args: dict[str, Any], rng: random.Random) -> dict[str, Any]:
    r = args.get("range") or {}
    sheet = _sheet(book, r.get("sheetId"))
    rows, start, end = _span(sheet, r)
    n, axis = end - start, 0 if rows else 1
    kept = {}
    for key, cell in sheet.cells.items():
        if start <= key[axis] < end:
            continue
        k = list(key)
        if k[axis] >= end:
            k[axis] -= n
        kept[(k[0], k[1])] = cell
    sheet.cells = kept
    sheet.formats = {_shift(k, axis, end, -n): v for k, v in sheet.formats.items() if not start <= k[axis] < end}
    sheet.rows, sheet.cols = (sheet.rows - n, sheet.cols) if rows else (sheet.rows, sheet.cols - n)
    return {}


def _shift(key: tuple[int, int], axis: int, at: int, n: int) -> tuple[int, int]:
    k = list(key)
    if k[axis] >= at:
        k[axis] += n
    return k[0], k[1]


def _number_format(cell: object, fields: str, where: str) -> tuple[bool, tuple[str, str] | None]:
    """(whether the mask sets the number format, the (type, pattern) to set or None to clear)."""
    parts = {p.strip() for p in re.split(r"[,()]", fields.replace("userEnteredFormat(", "userEnteredFormat.("))}
    wanted = bool({"*", "userEnteredFormat", "userEnteredFormat.", "numberFormat", "userEnteredFormat.numberFormat",
                   "userEnteredFormat.numberFormat.type", "userEnteredFormat.numberFormat.pattern"} & parts)
    if not wanted:
        if "userEnteredValue" in parts:
            raise ApiError(400, f"{where}: userEnteredValue is not built in this fake (write values with values:*)")
        return False, None
    fmt = ((cell or {}).get("userEnteredFormat") or {}).get("numberFormat") if isinstance(cell, dict) else None
    if not fmt:
        return True, None
    kind = fmt.get("type", "NUMBER")
    if kind not in NUMBER_FORMAT_TYPES:
        raise ApiError(400, f"Invalid value at '{where}.user_entered_format.number_format.type', \"{kind}\"")
    return True, (kind, str(fmt.get("pattern", "")))


def _set_formats(sheet: Sheet, cells: dict[tuple[int, int], tuple[str, str] | None]) -> None:
    for key, fmt in cells.items():
        if fmt is None:
            sheet.formats.pop(key, None)
        else:
            sheet.formats[key] = fmt


def _repeat_cell(book: Spreadsheet, args: dict[str, Any], rng: random.Random) -> dict[str, Any]:
    r = args.get("range") or {}
    sheet = _sheet(book, r.get("sheetId", 0))
    if not args.get("fields"):
        raise ApiError(400, "At least one field must be updated, but 'fields' is empty.")
    wanted, fmt = _number_format(args.get("cell"), args["fields"], "cell")
    if wanted:
        r0, r1 = int(r.get("startRowIndex", 0)), int(r.get("endRowIndex", sheet.rows))
        c0, c1 = int(r.get("startColumnIndex", 0)), int(r.get("endColumnIndex", sheet.cols))
        _set_formats(sheet, {(row, col): fmt for row in range(r0, r1) for col in range(c0, c1)})
    return {}


def _update_cells(book: Spreadsheet, args: dict[str, Any], rng: random.Random) -> dict[str, Any]:
    start, area = args.get("start"), args.get("range")
    where = start if isinstance(start, dict) else area if isinstance(area, dict) else None
    if where is None:
        raise ApiError(400, "Either start or range must be set.")
    sheet = _sheet(book, where.get("sheetId", 0))
    if not args.get("fields"):
        raise ApiError(400, "At least one field must be updated, but 'fields' is empty.")
    r0 = int(where.get("rowIndex", where.get("startRowIndex", 0)))
    c0 = int(where.get("columnIndex", where.get("startColumnIndex", 0)))
    cells: dict[tuple[int, int], tuple[str, str] | None] = {}
    for i, row in enumerate(args.get("rows") or []):
        for j, cell in enumerate((row or {}).get("values") or []):
            wanted, fmt = _number_format(cell, args["fields"], f"rows[{i}].values[{j}]")
            if wanted:
                cells[(r0 + i, c0 + j)] = fmt
    _set_formats(sheet, cells)
    return {}


def _append_dimension(book: Spreadsheet, args: dict[str, Any], rng: random.Random) -> dict[str, Any]:
    sheet = _sheet(book, args.get("sheetId"))
    n = int(args.get("length", 0))
    if args.get("dimension") == "ROWS":
        sheet.rows += n
    else:
        sheet.cols += n
    return {}


def _merge_cells(book: Spreadsheet, args: dict[str, Any], rng: random.Random) -> dict[str, Any]:
    r = args.get("range") or {}
    sheet = _sheet(book, r.get("sheetId"))
    r0, r1 = int(r.get("startRowIndex", 0)), int(r.get("endRowIndex", sheet.rows))
    c0, c1 = int(r.get("startColumnIndex", 0)), int(r.get("endColumnIndex", sheet.cols))
    kind = args.get("mergeType", "MERGE_ALL")
    for row, col in list(sheet.cells):
        if r0 <= row < r1 and c0 <= col < c1:
            anchor = {"MERGE_ROWS": col == c0, "MERGE_COLUMNS": row == r0}.get(kind, row == r0 and col == c0)
            if not anchor:
                del sheet.cells[(row, col)]
    merge = {"startRowIndex": r0, "endRowIndex": r1, "startColumnIndex": c0, "endColumnIndex": c1}
    if sheet.sheet_id:  # Google leaves out a sheetId of 0
        merge["sheetId"] = sheet.sheet_id
    sheet.merges.append(merge)
    return {}


def _unmerge_cells(book: Spreadsheet, args: dict[str, Any], rng: random.Random) -> dict[str, Any]:
    r = args.get("range") or {}
    sheet = _sheet(book, r.get("sheetId"))
    r0, r1 = int(r.get("startRowIndex", 0)), int(r.get("endRowIndex", sheet.rows))
    c0, c1 = int(r.get("startColumnIndex", 0)), int(r.get("endColumnIndex", sheet.cols))
    sheet.merges = [
        m
        for m in sheet.merges
        if not (
            r0 <= m["startRowIndex"]
            and m["endRowIndex"] <= r1
            and c0 <= m["startColumnIndex"]
            and m["endColumnIndex"] <= c1
        )
    ]
    return {}


def _add_protected_range(book: Spreadsheet, args: dict[str, Any], rng: random.Random) -> dict[str, Any]:
    wanted = args.get("protectedRange")
    if not isinstance(wanted, dict):
        raise ApiError(400, "protectedRange is required")
    r = wanted.get("range")
    if not isinstance(r, dict):
        raise ApiError(400, "protectedRange.range is required (a namedRangeId is not supported by this fake)")
    sheet = _sheet(book, r.get("sheetId", 0))
    if "protectedRangeId" in wanted and any(p["protectedRangeId"] == wanted["protectedRangeId"]
                                            for t in book.sheets for p in t.protected_ranges):
        raise ApiError(400, f"Duplicate protected range id: {wanted['protectedRangeId']}")
    if wanted.get("warningOnly") and wanted.get("editors"):
        raise ApiError(400, "Cannot set editors on a warning-only protected range.")
    editors = wanted.get("editors") or {}
    users = editors.get("users", [])
    if not isinstance(users, list) or not all(isinstance(u, str) for u in users):
        raise ApiError(400, "editors.users must be a list of e-mail addresses")
    grid = {k: int(v) for k, v in r.items() if k != "sheetId"}
    if sheet.sheet_id:  # Google leaves out a sheetId of 0
        grid = {"sheetId": sheet.sheet_id, **grid}
    used = {p["protectedRangeId"] for t in book.sheets for p in t.protected_ranges}
    new_id = wanted.get("protectedRangeId") or rng.randrange(1, 2**31)
    while new_id in used:
        new_id = rng.randrange(1, 2**31)
    protected: dict[str, Any] = {"protectedRangeId": new_id, "range": grid}
    for key in ("description", "warningOnly"):
        if key in wanted:
            protected[key] = wanted[key]
    protected["requestingUserCanEdit"] = True  # the caller is always an editor of what it protects
    if not wanted.get("warningOnly"):
        protected["editors"] = {"users": list(users), **({k: v for k, v in editors.items() if k != "users"})}
    sheet.protected_ranges.append(protected)
    return {"addProtectedRange": {"protectedRange": copy.deepcopy(protected)}}


def _update_spreadsheet_properties(book: Spreadsheet, args: dict[str, Any], rng: random.Random) -> dict[str, Any]:
    props = args.get("properties") or {}
    if _wants(args.get("fields") or "", "title") and "title" in props:
        book.title = str(props["title"])
    return {}


_HANDLERS: dict[str, Callable[[Spreadsheet, dict[str, Any], random.Random], dict[str, Any]]] = {
    "addSheet": _add_sheet,
    "deleteSheet": _delete_sheet,
    "updateSheetProperties": _update_sheet_properties,
    "updateSpreadsheetProperties": _update_spreadsheet_properties,
    "insertDimension": _insert_dimension,
    "deleteDimension": _delete_dimension,
    "appendDimension": _append_dimension,
    "mergeCells": _merge_cells,
    "unmergeCells": _unmerge_cells,
    "addProtectedRange": _add_protected_range,
    "repeatCell": _repeat_cell,
    "updateCells": _update_cells,
}
