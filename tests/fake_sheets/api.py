"""Routing and JSON handling of the fake Sheets API v4 (and the few Drive v3 file calls).

``route`` turns a method and raw (still percent-encoded) path into a ``Route``: the kind of
call (see ``faults.KINDS``), the spreadsheet id and the decoded A1 range. ``Registry.call``
answers it from the in-memory spreadsheets with ``(status, JSON body)`` or raises
``ApiError``. Query parameters are those gspread 6.2.1 sends: ``ranges`` (repeated),
``valueRenderOption``, ``dateTimeRenderOption``, ``majorDimension``, ``valueInputOption``,
``insertDataOption``, ``includeValuesInResponse``, ``responseValueRenderOption``,
``responseDateTimeRenderOption``; ``fields`` and ``includeGridData`` are accepted and ignored.
"""

from __future__ import annotations

import copy
import random
import re
import threading
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

from .errors import ApiError
from .store import Sheet, Spreadsheet, new_spreadsheet_id
from .structure import batch_update

__all__ = ["Registry", "Route", "route"]

_ENUMS = {
    "valueRenderOption": ("FORMATTED_VALUE", "UNFORMATTED_VALUE", "FORMULA"),
    "responseValueRenderOption": ("FORMATTED_VALUE", "UNFORMATTED_VALUE", "FORMULA"),
    "dateTimeRenderOption": ("SERIAL_NUMBER", "FORMATTED_STRING"),
    "responseDateTimeRenderOption": ("SERIAL_NUMBER", "FORMATTED_STRING"),
    "majorDimension": ("ROWS", "COLUMNS", "DIMENSION_UNSPECIFIED"),
    "valueInputOption": ("RAW", "USER_ENTERED"),
    "insertDataOption": ("OVERWRITE", "INSERT_ROWS"),
}
_SHEETS = re.compile(r"/v4/spreadsheets/([^/:]+)(.*)")
_DRIVE = re.compile(r"/drive/v3/files(?:/([^/]+))?")


@dataclass(frozen=True)
class Route:
    """What a request asks for."""

    kind: str
    spreadsheet_id: str | None = None
    range: str | None = None


def route(method: str, path: str) -> Route:
    """The ``Route`` for ``method`` on the raw ``path`` (no query string)."""
    if path == "/token":
        return Route("token")
    m = _SHEETS.fullmatch(path)
    if m:
        sid, rest = unquote(m.group(1)), m.group(2)
        simple = {
            ("GET", ""): "metadata",
            ("POST", ":batchUpdate"): "batchUpdate",
            ("GET", "/values:batchGet"): "values:batchGet",
            ("POST", "/values:batchUpdate"): "values:batchUpdate",
            ("POST", "/values:batchClear"): "values:batchClear",
        }
        if (method, rest) in simple:
            return Route(simple[method, rest], sid)
        if rest.startswith("/values/"):
            raw = rest[len("/values/") :]
            for suffix in (":append", ":clear"):
                if method == "POST" and raw.endswith(suffix):
                    return Route("values" + suffix, sid, unquote(raw[: -len(suffix)]))
            if method in ("GET", "PUT"):
                return Route("values:get" if method == "GET" else "values:update", sid, unquote(raw))
        return Route("unknown", sid)
    m = _DRIVE.fullmatch(path)
    if m:
        kind = {"POST": "drive:create", "GET": "drive:get", "DELETE": "drive:delete"}.get(method, "unknown")
        if (m.group(1) is None) == (kind == "drive:create"):
            return Route(kind, unquote(m.group(1) or "") or None)
    return Route("unknown")


def _param(query: dict[str, list[str]], name: str, default: str = "") -> str:
    values = query.get(name)
    if not values:
        return default
    value = values[-1]
    allowed = _ENUMS.get(name)
    if allowed is not None and value not in allowed:
        snake = re.sub(r"(?<!^)([A-Z])", r"_\1", name).lower()
        raise ApiError(400, f"Invalid value at '{snake}', \"{value}\"")
    return value


def _flag(value: object) -> bool:
    return str(value).lower() in ("true", "1")


def _major(value: object) -> str:
    return "COLUMNS" if value == "COLUMNS" else "ROWS"


def _input_option(value: object) -> str:
    if value is None or value == "":
        raise ApiError(400, "'valueInputOption' is required but not specified")
    if value not in _ENUMS["valueInputOption"]:
        raise ApiError(400, f"Invalid value at 'value_input_option', \"{value}\"")
    return str(value)


class Registry:
    """The spreadsheets of one server, and the lock that serialises every change to them."""

    def __init__(self, seed: int | None = None) -> None:
        self.books: dict[str, Spreadsheet] = {}
        self.rng = random.Random(seed)
        self.lock = threading.RLock()

    def new(self, title: str, spreadsheet_id: str | None = None, **kwargs: Any) -> Spreadsheet:
        sid = spreadsheet_id or new_spreadsheet_id()
        book = Spreadsheet(sid, title, **kwargs)
        self.books[sid] = book
        return book

    def open(self, sid: str | None, drive: bool = False) -> Spreadsheet:
        book = self.books.get(sid or "")
        if book is None or (drive and book.private):
            if drive:
                message = f"File not found: {sid}."
                err = ApiError(404, message)
                where = {"location": "fileId", "locationType": "parameter"}
                error = {"message": message, "domain": "global", "reason": "notFound", **where}
                err.body = {"error": {"code": 404, "message": message, "errors": [error]}}
                raise err
            raise ApiError(404)
        if book.private:
            raise ApiError(403)
        return book

    def call(self, r: Route, query: dict[str, list[str]], body: Any) -> tuple[int, Any]:
        """Answer one API request (not the token endpoint)."""
        if r.kind == "unknown":
            raise ApiError(404, "Method not found.")
        if r.kind == "drive:create":
            name = body.get("name", "Untitled spreadsheet") if isinstance(body, dict) else "Untitled spreadsheet"
            book = self.new(str(name))
            book.sheets.append(Sheet(0, "Sheet1", 0))
            mime = "application/vnd.google-apps.spreadsheet"
            return 200, {"kind": "drive#file", "id": book.spreadsheet_id, "name": book.title, "mimeType": mime}
        book = self.open(r.spreadsheet_id, drive=r.kind.startswith("drive:"))
        if r.kind == "drive:delete":
            del self.books[book.spreadsheet_id]
            return 204, None
        if r.kind == "drive:get":
            info = {"id": book.spreadsheet_id, "name": book.title, "createdTime": book.created}
            info["modifiedTime"] = book.modified
            return 200, info
        if r.kind == "metadata":
            return 200, book.metadata()
        if r.kind == "batchUpdate":
            return 200, batch_update(book, body, self.rng)
        return 200, self._values(book, r, query, body if isinstance(body, dict) else {})

    def _values(self, book: Spreadsheet, r: Route, query: dict[str, list[str]], body: dict[str, Any]) -> Any:
        sid = book.spreadsheet_id
        if r.kind in ("values:get", "values:batchGet"):
            render = _param(query, "valueRenderOption", "FORMATTED_VALUE")
            dates = _param(query, "dateTimeRenderOption", "SERIAL_NUMBER")
            major = _major(_param(query, "majorDimension"))
            if r.kind == "values:get":
                return book.read(r.range or "", render, dates, major)
            ranges = query.get("ranges", [])
            answer: dict[str, Any] = {"spreadsheetId": sid}
            if ranges:
                answer["valueRanges"] = [book.read(x, render, dates, major) for x in ranges]
            return answer
        if r.kind == "values:clear":
            return book.clear(r.range or "")
        if r.kind == "values:batchClear":
            ranges = body.get("ranges") or []
            return {"spreadsheetId": sid, "clearedRanges": [book.clear(x)["clearedRange"] for x in ranges]}
        include = _flag(_param(query, "includeValuesInResponse", "false"))
        render = _param(query, "responseValueRenderOption", "FORMATTED_VALUE")
        dates = _param(query, "responseDateTimeRenderOption", "SERIAL_NUMBER")

        def echo(update: dict[str, Any]) -> dict[str, Any]:
            if include:
                data = book.read(update["updatedRange"], render, dates, "ROWS")
                update["updatedData"] = data
            return update

        if r.kind == "values:update":
            option = _input_option(_param(query, "valueInputOption"))
            values, major = body.get("values"), _major(body.get("majorDimension"))
            return echo(book.write(r.range or "", values, option, major, "data.values"))
        if r.kind == "values:append":
            option = _input_option(_param(query, "valueInputOption"))
            insert = _param(query, "insertDataOption", "OVERWRITE")
            answer = book.append(r.range or "", body.get("values"), option, insert)
            echo(answer["updates"])
            return answer
        return self._batch_update_values(book, body, echo)

    def _batch_update_values(self, book: Spreadsheet, body: dict[str, Any], echo: Any) -> dict[str, Any]:
        option = _input_option(body.get("valueInputOption"))
        data = body.get("data") or []
        if not isinstance(data, list):
            raise ApiError.bad_field("data", data)
        saved = copy.deepcopy(book.sheets)
        touched: set[tuple[int, int, int]] = set()
        try:
            responses = [
                echo(
                    book.write(
                        d.get("range", ""),
                        d.get("values"),
                        option,
                        _major(d.get("majorDimension")),
                        f"data[{i}].values",
                        touched,
                    )
                )
                for i, d in enumerate(data)
            ]
        except ApiError:
            book.sheets = saved
            raise
        answer: dict[str, Any] = {"spreadsheetId": book.spreadsheet_id}
        if responses:
            answer["totalUpdatedRows"] = len({(s, r) for s, r, _ in touched})
            answer["totalUpdatedColumns"] = len({(s, c) for s, _, c in touched})
            answer["totalUpdatedCells"] = len(touched)
            answer["totalUpdatedSheets"] = len({s for s, _, _ in touched})
            answer["responses"] = responses
        return answer
