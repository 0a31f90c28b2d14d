"""A local stand-in for the Google Sheets API v4, for tests: HTTP on 127.0.0.1, random port.

    with FakeSheetsServer() as server:
        key = server.create_spreadsheet("Thi đua 2019", {"TuCham": [["Mã", "51"], ["1.1", 9.5]]})
        gc = make_client(server)                      # tests/fake_sheets/client.py
        gc.open_by_key(key).values_batch_get(["TuCham"])
        server.set_cell(key, "TuCham", 2, 2, "8,5")   # an organiser types in the sheet
        server.set_format(key, "TuCham", 2, 2, "NUMBER", "0.00")  # and formats it
        server.fail(429, times=3)                     # the next three API calls get a 429
        assert server.count("values:batchGet") == 1

In a pytest fixture: ``yield from serve()``. The server speaks the JSON protocol gspread
6.2.1 uses (see ``api.py``), issues OAuth2 tokens at ``POST /token`` for the JWT-bearer
grant google-auth's service-account credentials send, answers 401 to API calls without a
valid ``Bearer`` token (unless ``require_auth=False``), and takes faults from tests while it
runs (``fail``, ``slow``, ``drop``, ``set_quota``, ``set_private``, ``set_api_disabled``).
Every request is logged by kind (``count``, ``requests``).
"""

from __future__ import annotations

import contextlib
import json
import socket
import threading
import traceback
from collections.abc import Iterator, Mapping, Sequence
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from .api import Registry, route
from .auth import Tokens
from .errors import ApiError
from .faults import Fault, FaultPlan, LoggedRequest, Quota, RequestLog
from .store import Sheet, Spreadsheet

__all__ = ["FakeSheetsServer", "serve"]


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "ESF"
    sys_version = ""
    timeout = 30
    disable_nagle_algorithm = True  # headers and body are two writes: avoid a 40 ms delayed-ACK stall
    server: _HTTPServer

    def setup(self) -> None:
        super().setup()
        self.server.fake._connections.add(self.connection)

    def finish(self) -> None:
        self.server.fake._connections.discard(self.connection)
        with contextlib.suppress(OSError):
            super().finish()

    def _any(self) -> None:
        self.server.fake._dispatch(self)

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = _any

    def log_message(self, format: str, *args: Any) -> None:
        pass


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128  # many sessions may connect at once
    fake: FakeSheetsServer


class FakeSheetsServer:
    """The fake Sheets API server; start it with ``start()`` or ``with``."""

    def __init__(self, *, require_auth: bool = True, accept_unknown_accounts: bool = True, seed: int | None = None):
        self.require_auth = require_auth
        self.api_disabled = False
        self.errors: list[str] = []
        """Tracebacks of bugs in the fake itself (answered with 500)."""
        self._registry = Registry(seed)
        self._faults = FaultPlan()
        self._log = RequestLog()
        self._quota = Quota()
        self._tokens = Tokens(accept_unknown_accounts)
        self._connections: set[socket.socket] = set()
        self._stopping = threading.Event()
        self._httpd: _HTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._port = 0

    # -- lifecycle ----------------------------------------------------------------------
    def start(self) -> FakeSheetsServer:
        """Listen (again): after ``stop()``, on the same port and with the same spreadsheets."""
        if self._httpd is None:
            self._stopping.clear()
            self._httpd = _HTTPServer(("127.0.0.1", self._port), _Handler)
            self._httpd.fake = self
            self._port = self._httpd.server_address[1]
            self._thread = threading.Thread(
                target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, name="fake-sheets", daemon=True
            )
            self._thread.start()
        return self

    def stop(self) -> None:
        """Stop listening and cut open connections (an outage: clients get ConnectionError)."""
        if self._httpd is None:
            return
        self._stopping.set()
        self._httpd.shutdown()
        self._httpd.server_close()
        for conn in list(self._connections):
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)
        if self._thread is not None:
            self._thread.join(5)
        self._httpd = self._thread = None

    def __enter__(self) -> FakeSheetsServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        """``http://127.0.0.1:PORT``, the stand-in for ``https://sheets.googleapis.com``."""
        if self._httpd is None:
            raise RuntimeError("the fake Sheets server is not running")
        return f"http://127.0.0.1:{self._httpd.server_address[1]}"

    @property
    def token_uri(self) -> str:
        return self.url + "/token"

    # -- spreadsheets -------------------------------------------------------------------
    def create_spreadsheet(
        self,
        title: str = "Untitled spreadsheet",
        tabs: Mapping[str, Sequence[Sequence[object]]] | None = None,
        *,
        spreadsheet_id: str | None = None,
        private: bool = False,
        locale: str = "en_US",
        input_option: str = "RAW",
    ) -> str:
        """Create a spreadsheet with one tab per entry of ``tabs`` (default: an empty ``Sheet1``).

        Rows are stored as given (``RAW``: numbers as numbers, text as text); pass
        ``input_option="USER_ENTERED"`` to store them as if typed (``"9.5"`` becomes a number).
        """
        with self._registry.lock:
            book = self._registry.new(title, spreadsheet_id, private=private, locale=locale)
            book.seed(tabs or {"Sheet1": []}, input_option)
            return book.spreadsheet_id

    def spreadsheet(self, spreadsheet_id: str) -> Spreadsheet:
        """The stored model (``Spreadsheet``); change it under ``lock`` only."""
        return self._registry.books[spreadsheet_id]

    @property
    def lock(self) -> threading.RLock:
        return self._registry.lock

    def delete_spreadsheet(self, spreadsheet_id: str) -> None:
        with self._registry.lock:
            self._registry.books.pop(spreadsheet_id, None)

    def add_tab(
        self, spreadsheet_id: str, title: str, rows: Sequence[Sequence[object]] = (), *, input_option: str = "RAW"
    ) -> int:
        """Add a tab (as an organiser would) and return its sheetId."""
        with self._registry.lock:
            book = self.spreadsheet(spreadsheet_id)
            book.seed({title: rows}, input_option)
            return book.sheets[-1].sheet_id

    def tabs(self, spreadsheet_id: str) -> list[str]:
        return [s.title for s in self.spreadsheet(spreadsheet_id).sheets]

    def _tab(self, spreadsheet_id: str, tab: str) -> tuple[Spreadsheet, Sheet]:
        book = self.spreadsheet(spreadsheet_id)
        sheet = book.sheet(tab)
        if sheet is None:
            raise KeyError(f"no tab {tab!r} in {spreadsheet_id}")
        return book, sheet

    def values(self, spreadsheet_id: str, tab: str, *, render: str = "UNFORMATTED_VALUE") -> list[list[Any]]:
        """The tab's cells as a read of the whole tab returns them (trailing blanks trimmed)."""
        with self._registry.lock:
            book, sheet = self._tab(spreadsheet_id, tab)
            return book.grid(sheet, (0, 0, sheet.rows, sheet.cols), render, "SERIAL_NUMBER", "ROWS")

    def set_cell(
        self, spreadsheet_id: str, tab: str, row: int, col: int, value: object, *, input_option: str = "USER_ENTERED"
    ) -> None:
        """Type ``value`` into the cell at 1-based ``row``, ``col`` (``""`` clears it); grows the grid."""
        self.write(spreadsheet_id, tab, [[value]], row=row, col=col, input_option=input_option)

    def write(
        self,
        spreadsheet_id: str,
        tab: str,
        rows: Sequence[Sequence[object]],
        *,
        row: int = 1,
        col: int = 1,
        input_option: str = "USER_ENTERED",
    ) -> None:
        """Type a block of ``rows`` starting at 1-based ``row``, ``col`` (``None`` leaves a cell as is)."""
        with self._registry.lock:
            book, sheet = self._tab(spreadsheet_id, tab)
            block = [list(r) for r in rows]
            sheet.rows = max(sheet.rows, row - 1 + len(block))
            sheet.cols = max(sheet.cols, col - 1 + max((len(r) for r in block), default=0))
            book.put(sheet, row - 1, col - 1, block, input_option, tab)

    def set_format(self, spreadsheet_id: str, tab: str, row: int, col: int, kind: str, pattern: str = "") -> None:
        """Give the cell at 1-based ``row``, ``col`` the number format ``kind`` (``PERCENT``…) and ``pattern``.

        What an organiser does with Format → Number (the API's ``repeatCell`` with
        ``userEnteredFormat.numberFormat``); the stored value is unchanged, only its display.
        """
        with self._registry.lock:
            _, sheet = self._tab(spreadsheet_id, tab)
            sheet.formats[(row - 1, col - 1)] = (kind, pattern)

    def set_private(self, spreadsheet_id: str, private: bool = True) -> None:
        """A private spreadsheet answers 403 PERMISSION_DENIED (not shared with the caller)."""
        with self._registry.lock:
            self.spreadsheet(spreadsheet_id).private = private

    def set_api_disabled(self, disabled: bool = True) -> None:
        """Answer Sheets calls with Google's 403 "API has not been used in project ... or it is disabled"."""
        self.api_disabled = disabled

    # -- faults, quota, tokens ----------------------------------------------------------
    def fail(self, status: int = 429, times: int | None = 1, match: str | None = None) -> None:
        """Answer the next ``times`` matching requests (``None``: all until cleared) with ``status``."""
        self._faults.add(Fault("status", status=status, remaining=times, match=match))

    def slow(self, seconds: float, times: int | None = None, match: str | None = None) -> None:
        """Wait ``seconds`` before answering the next ``times`` matching requests (``None``: all)."""
        self._faults.add(Fault("delay", seconds=seconds, remaining=times, match=match))

    def drop(self, times: int | None = 1, match: str | None = None) -> None:
        """Close the connection without an answer for the next ``times`` matching requests."""
        self._faults.add(Fault("drop", remaining=times, match=match))

    def clear_faults(self) -> None:
        self._faults.clear()

    def set_quota(self, per_minute: int | None, window: float = 60.0) -> None:
        """Enforce Google's per-minute quota (reads and writes apart): 429 beyond ``per_minute``."""
        self._quota.set(per_minute, window)

    def register_service_account(self, email: str, public_key_pem: bytes | str) -> None:
        """Check the signature of token requests from ``email`` against this key."""
        self._tokens.register(email, public_key_pem)

    def expire_tokens(self) -> None:
        """Forget every access token: the next API call gets a 401 and the client must refresh."""
        self._tokens.expire()

    # -- request log --------------------------------------------------------------------
    def count(self, kind: str | None = None, *, spreadsheet_id: str | None = None, status: int | None = None) -> int:
        """How many requests of ``kind`` (e.g. ``"values:batchGet"``; None: all) were received."""
        return self._log.count(kind, spreadsheet_id=spreadsheet_id, status=status)

    def requests(self, kind: str | None = None) -> list[LoggedRequest]:
        return self._log.entries(kind)

    def reset_log(self) -> None:
        self._log.clear()

    # -- HTTP ---------------------------------------------------------------------------
    def _dispatch(self, h: _Handler) -> None:
        parts = urlsplit(h.path)
        length = int(h.headers.get("Content-Length") or 0)
        raw = h.rfile.read(length) if length else b""
        query = parse_qs(parts.query, keep_blank_values=True)
        r = route(h.command, parts.path)
        entry = self._log.add(LoggedRequest(r.kind, h.command, parts.path, query, r.spreadsheet_id))
        delay, fault = self._faults.take(r.kind)
        if (delay and self._stopping.wait(delay)) or (fault is not None and fault.action == "drop"):
            entry.status, h.close_connection = 0, True
            return
        headers: dict[str, str] = {}
        try:
            if r.kind == "token":
                entry.body = {k: v[-1] for k, v in parse_qs(raw.decode()).items()}
                if fault is not None:
                    raise ApiError(fault.status)
                status, payload = self._tokens.grant(entry.body)
            else:
                entry.body = _json(raw)
                if fault is not None:
                    raise ApiError.quota(h.command != "GET") if fault.status == 429 else ApiError(fault.status)
                self._authorize(h.headers.get("Authorization", ""), r.kind, h.command)
                with self._registry.lock:
                    status, payload = self._registry.call(r, query, entry.body)
        except ApiError as err:
            status, payload, headers = err.code, err.body, err.headers
        except Exception:  # a bug in the fake: answer 500 and keep it for the test to see
            self.errors.append(traceback.format_exc())
            status, payload = 500, {"error": {"code": 500, "message": "fake server bug", "status": "INTERNAL"}}
        entry.status = status
        data = b"" if payload is None else (json.dumps(payload, ensure_ascii=False, indent=2) + "\n").encode()
        try:
            h.send_response(status)
            if payload is not None:
                h.send_header("Content-Type", "application/json; charset=UTF-8")
            h.send_header("Content-Length", str(len(data)))
            for name, value in headers.items():
                h.send_header(name, value)
            h.end_headers()
            h.wfile.write(data)
        except OSError:  # the client gave up (e.g. its read timeout fired)
            h.close_connection = True

    def _authorize(self, header: str, kind: str, method: str) -> None:
        if self.require_auth:
            self._tokens.check(header)
        if kind.startswith("drive:") or kind == "unknown":
            return
        if self.api_disabled:
            raise ApiError.service_disabled()
        if not self._quota.allow(write=method != "GET"):
            raise ApiError.quota(write=method != "GET")


def _json(raw: bytes) -> Any:
    if not raw:
        return None
    try:
        return json.loads(raw)
    except ValueError:
        raise ApiError(400, "Invalid JSON payload received. Unexpected token.") from None


def serve(**kwargs: Any) -> Iterator[FakeSheetsServer]:
    """Run a server for the duration of a pytest fixture: ``yield from serve()``."""
    with FakeSheetsServer(**kwargs) as server:
        yield server
