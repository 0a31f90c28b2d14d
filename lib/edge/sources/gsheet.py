"""The organisers' shared Google Sheet as a ``Source``, through gspread 6 and google-auth.

One read is two ``values:batchGet`` calls of every contract tab: first the shown text
(``FORMATTED_VALUE``), then the stored values (``UNFORMATTED_VALUE``, dates as serial
numbers), paired cell by cell, so that a number arrives with what the sheet shows of it
(``lib.core.shown``: ``0.056`` shown ``5,6%`` is read as 5,6; a date is an error at the cell),
read in the spreadsheet's locale (``properties.locale`` of the metadata). An edit landing
between the two calls tears the pair (a cell blank in one and not the other, a text that
differs, a number whose shown text does not read back as it): both are read once more,
and a pair still torn is ``Unavailable`` (the reader keeps the last good data) rather than
a guess. A number shown unreadably the same way twice is a format (``;;;`` hides a number):
it is kept, and the core reports it at its cell. Text still goes through the core's
Vietnamese parsing.
The spreadsheet's metadata (tab titles) is fetched once; it is fetched again after a
tab could not be found, and now and then while a contract tab is missing (so that a
tab renamed back is seen again). Every call has connect/read timeouts and a bounded
retry with exponential backoff and jitter on 429, 5xx, timeouts and dropped
connections (tenacity; gspread's own BackOffHTTPClient retries a persistent 429
without bound). Foreign errors become ``Unavailable``/``QuotaExceeded`` with a message
that says what to do, e.g. the service account's e-mail to share the sheet with.
"""

from __future__ import annotations

import contextlib
import re
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import google.auth.exceptions
import gspread
import requests
from tenacity import Retrying, retry_if_exception, stop_after_attempt, stop_after_delay, wait_random_exponential

from lib.core.errors import QuotaExceeded, SourceError, Unavailable
from lib.core.grammar import OPTIONAL_TABS, TABS, column_letter
from lib.core.model import RawWorkbook
from lib.core.shown import Shown, display, wrap
from lib.core.text import fold
from lib.edge.sources import WriteBatch

DEFAULT_TIMEOUT = (5.0, 20.0)  # (connect, read) seconds; gspread's default is to wait forever
MISSING_TAB_RECHECK = 30.0
"""Seconds between metadata re-reads while a contract tab is missing from the sheet."""
_KEY_IN_URL = re.compile(r"/spreadsheets/d/([A-Za-z0-9_-]+)")
_BAD_RANGE = re.compile(r"Unable to parse range: (.*)")
_READ_PARAMS = {"valueRenderOption": "UNFORMATTED_VALUE", "dateTimeRenderOption": "SERIAL_NUMBER",
                "majorDimension": "ROWS"}
_SHOWN_PARAMS = {"valueRenderOption": "FORMATTED_VALUE", "dateTimeRenderOption": "SERIAL_NUMBER",
                 "majorDimension": "ROWS"}
READ_ATTEMPTS = 2
"""Pairs of reads tried before a torn pair (an edit between the two calls) is given up as ``Unavailable``."""


@dataclass(frozen=True)
class RetryPolicy:
    """How hard to try before giving up on one call."""

    attempts: int = 4
    max_seconds: float = 25.0
    first_wait: float = 0.5
    max_wait: float = 8.0


class _MissingTab(Unavailable):
    """A range named a tab the spreadsheet no longer has (renamed or deleted)."""


def spreadsheet_key(value: str) -> str:
    """The spreadsheet key from a key or a full ``docs.google.com`` URL.

    >>> spreadsheet_key("https://docs.google.com/spreadsheets/d/1AbC-x_9/edit#gid=0")
    '1AbC-x_9'
    >>> spreadsheet_key(" 1AbC-x_9 ")
    '1AbC-x_9'
    """
    match = _KEY_IN_URL.search(value)
    return match.group(1) if match else value.strip()


def quote_tab(title: str) -> str:
    """A tab title as an A1 range prefix: ``'Tự chấm'`` (quotes doubled inside).

    >>> quote_tab("TuCham"), quote_tab("Nhật ký's")
    ("'TuCham'", "'Nhật ký''s'")
    """
    return "'" + title.replace("'", "''") + "'"


class GoogleSheetSource:
    """A Google Sheet read in one batched call and written in batched calls."""

    def __init__(
        self,
        key: str,
        session: requests.Session,
        service_account: str = "",
        timeout: tuple[float, float] = DEFAULT_TIMEOUT,
        retry: RetryPolicy = RetryPolicy(),
        missing_tab_recheck: float = MISSING_TAB_RECHECK,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.key = spreadsheet_key(key)
        self.service_account = service_account
        self._client = gspread.Client(auth=None, session=session)  # type: ignore[arg-type]
        self._client.set_timeout(timeout)
        self._http = self._client.http_client
        self._retry = retry
        self._recheck = missing_tab_recheck
        self._clock = clock
        self._titles: list[str] | None = None
        self._locale = ""
        self._suspects: dict[tuple[str, int, int], tuple[object, object]] = {}
        self._fetched_at = 0.0
        self.title = ""

    @property
    def label(self) -> str:
        """The sheet's title (once known) and key."""
        return f"Google Sheet “{self.title}” ({self.key})" if self.title else f"Google Sheet {self.key}"

    @contextlib.contextmanager
    def locked(self) -> Iterator[None]:
        """Nothing to hold: the Sheets API has no lock; the store's in-process lock and the log's ids remain."""
        yield

    probe_seconds = 2.0
    """Seconds between change probes (one Drive ``files.get`` each) between full reads."""

    def version(self) -> str:
        """The Drive file's ``modifiedTime``: a cheap probe of whether anything changed.

        One Drive ``files.get`` (what gspread's ``Spreadsheet.get_lastUpdateTime`` calls), no
        retries: a failed probe only means the interval's full read decides.
        """
        try:
            meta = self._http.get_file_drive_metadata(self.key)
        except gspread.exceptions.APIError as exc:
            raise self._translate(exc) from exc
        except (requests.RequestException, google.auth.exceptions.GoogleAuthError) as exc:
            raise Unavailable(f"không hỏi được Google Drive thời điểm sửa bảng tính: {exc}") from exc
        return str(meta.get("modifiedTime", ""))

    def read(self) -> RawWorkbook:
        """Every contract tab as shown, in two ``values:batchGet`` calls (metadata fetched once)."""
        return self._read_shown(self._contract_titles())

    def read_all(self) -> RawWorkbook:
        """Every tab, not only the contract's (to check that a sheet is empty)."""
        return self._read_shown(self.tab_titles())

    def _read_shown(self, titles: Sequence[str]) -> RawWorkbook:
        """The tabs ``titles``: stored values paired with their shown text (see the module docstring)."""
        for _ in range(READ_ATTEMPTS):
            shown = self._batch_get(titles, _SHOWN_PARAMS)
            values = self._batch_get(titles, _READ_PARAMS)
            paired, suspects = pair(shown, values, self._locale)
            if paired is None:
                continue
            known = suspects.items() <= self._suspects.items()  # seen alike before: a format, not an edit
            self._suspects = suspects
            if known:
                return paired
        raise Unavailable("bảng tính đang được sửa đúng lúc đọc (hai lần đọc liền nhau khác nhau); "
                          "giữ số liệu lần đọc trước, sẽ đọc lại")

    def write(self, batch: WriteBatch) -> None:
        """Create ``new_tabs`` that do not exist, set cells in one ``values:batchUpdate`` (RAW: text
        stays text), then append rows."""
        self._ensure_tabs(getattr(batch, "new_tabs", ()))
        if batch.cells:
            data = [
                {"range": f"{quote_tab(self._actual_title(tab))}!{column_letter(col)}{row}",
                 "values": [[_json_value(value)]]}
                for (tab, row, col), value in batch.cells.items()
            ]
            self._call(lambda: self._http.values_batch_update(
                self.key, {"valueInputOption": "RAW", "data": data}))
        for tab, rows in batch.appends.items():
            if not rows:
                continue
            body = {"values": [[_json_value(v) for v in row] for row in rows]}
            target = quote_tab(self._actual_title(tab))
            self._call(lambda target=target, body=body: self._http.values_append(
                self.key, target, {"valueInputOption": "RAW", "insertDataOption": "INSERT_ROWS"}, body),
                retry_quota_only=True)

    def tab_titles(self) -> list[str]:
        """Every tab title of the spreadsheet (from cached metadata)."""
        if self._titles is None:
            meta = self._call(lambda: self._http.fetch_sheet_metadata(self.key))
            self.title = meta.get("properties", {}).get("title", "")
            self._locale = str(meta.get("properties", {}).get("locale", ""))
            self._titles = [s["properties"]["title"] for s in meta.get("sheets", [])]
            self._fetched_at = self._clock()
        return self._titles

    def add_tabs(self, titles: list[str]) -> None:
        """Create empty tabs (one ``:batchUpdate`` with addSheet requests)."""
        body = {"requests": [{"addSheet": {"properties": {"title": t}}} for t in titles]}
        try:
            # Not idempotent (a lost answer, then a retry, would say "already exists").
            self._call(lambda: self._http.batch_update(self.key, body), retry_quota_only=True)
        finally:
            self._titles = None

    def _ensure_tabs(self, titles: Sequence[str]) -> None:
        """Add the tabs of ``titles`` the sheet has under no spelling (the titles are read afresh first:
        another server may have added one since, and adding it twice would fail)."""
        if not titles:
            return
        known = {fold(t) for t in self.tab_titles()}
        if all(fold(t) in known for t in titles):
            return
        self._titles = None
        known = {fold(t) for t in self.tab_titles()}
        missing = list(dict.fromkeys(t for t in titles if fold(t) not in known))
        if missing:
            self.add_tabs(missing)
            self.tab_titles()

    def write_workbook(self, workbook: RawWorkbook, protect: Sequence[str] = ()) -> None:
        """Create the missing tabs of ``workbook``, protect the tabs named in ``protect``, write all values, RAW.

        One ``:batchUpdate`` adds the tabs (with ids chosen here) and then one ``addProtectedRange``
        per protected tab: the whole tab, editable by the service account only (the sheet's owner
        can always edit, as Google allows); then one ``values:batchUpdate`` writes the values.
        """
        meta = self._call(lambda: self._http.fetch_sheet_metadata(self.key))
        ids = {fold(s["properties"]["title"]): int(s["properties"].get("sheetId", 0)) for s in meta.get("sheets", [])}
        existing = {fold(s["properties"]["title"]): s["properties"]["title"] for s in meta.get("sheets", [])}
        requests_: list[dict[str, Any]] = []
        free = max(ids.values(), default=0) + 1
        for title in workbook:
            if fold(title) not in ids:
                ids[fold(title)], free = free, free + 1
                requests_.append({"addSheet": {"properties": {"title": title, "sheetId": ids[fold(title)]}}})
        for title in protect:
            if fold(title) in ids:
                requests_.append({"addProtectedRange": {"protectedRange": {
                    "range": {"sheetId": ids[fold(title)]},
                    "description": f"{title}: chỉ ứng dụng ghi / written by the app only",
                    "warningOnly": False,
                    "editors": {"users": [self.service_account] if self.service_account else []},
                }}})
        if requests_:
            body = {"requests": requests_}
            try:  # not idempotent (a lost answer, then a retry, would say "already exists")
                self._call(lambda: self._http.batch_update(self.key, body), retry_quota_only=True)
            finally:
                self._titles = None
        data = [
            {"range": f"{quote_tab(existing.get(fold(title), title))}!A1",
             "values": [[_json_value(v) for v in row] for row in rows]}
            for title, rows in workbook.items()
            if rows
        ]
        if data:
            self._call(lambda: self._http.values_batch_update(self.key, {"valueInputOption": "RAW", "data": data}))

    def _batch_get(self, titles: Sequence[str], params: Mapping[str, str]) -> RawWorkbook:
        """The values of whole tabs ``titles``, in one ``values:batchGet``."""
        if not titles:
            return {}
        try:
            answer = self._call(lambda: self._http.values_batch_get(
                self.key, [quote_tab(t) for t in titles], params=dict(params)))
        except _MissingTab:
            self._titles = None  # a tab was renamed or deleted: read the metadata again next time
            raise
        ranges = answer.get("valueRanges", [])
        return {title: [list(row) for row in r.get("values", [])] for title, r in zip(titles, ranges, strict=False)}

    def _contract_titles(self) -> list[str]:
        wanted = {fold(name) for names in TABS.values() for name in names}
        cached = self._titles is not None
        titles = self.tab_titles()
        present = {fold(t) for t in titles}
        complete = all(any(fold(n) in present for n in names)
                       for tab, names in TABS.items() if tab not in OPTIONAL_TABS)
        if cached and not complete and self._clock() - self._fetched_at >= self._recheck:
            self._titles = None  # a missing tab may have been added or renamed back since
            titles = self.tab_titles()
        found = [t for t in titles if fold(t) in wanted]
        return found or titles

    def _actual_title(self, tab: str) -> str:
        """The sheet's own spelling of ``tab`` (matched like the contract's names), else ``tab``."""
        titles = self._titles or []
        if tab in titles:
            return tab
        return next((t for t in titles if fold(t) == fold(tab)), tab)

    def _call(self, action: Callable[[], Any], retry_quota_only: bool = False) -> Any:
        retryable = _quota_only if retry_quota_only else _transient
        policy = self._retry
        retrying = Retrying(
            stop=stop_after_attempt(policy.attempts) | stop_after_delay(policy.max_seconds),
            wait=wait_random_exponential(multiplier=policy.first_wait, max=policy.max_wait),
            retry=retry_if_exception(retryable),
            reraise=True,
        )
        try:
            return retrying(action)
        except gspread.exceptions.APIError as exc:
            raise self._translate(exc) from exc
        except requests.Timeout as exc:
            raise Unavailable(f"Google Sheets không trả lời kịp (quá thời gian chờ): {exc}") from exc
        except requests.ConnectionError as exc:
            raise Unavailable(f"mất kết nối tới Google Sheets: {exc}") from exc
        except requests.RequestException as exc:  # e.g. an answer that is not JSON (a proxy's error page)
            raise Unavailable(f"câu trả lời không đọc được từ Google Sheets: {exc}") from exc
        except google.auth.exceptions.RefreshError as exc:
            raise Unavailable(
                f"Google từ chối khóa tài khoản dịch vụ {self.service_account} (khóa sai, bị thu hồi "
                f"hoặc hết hạn): {exc}") from exc
        except google.auth.exceptions.TransportError as exc:
            raise Unavailable(f"không lấy được mã truy cập từ Google: {exc}") from exc

    def _translate(self, exc: gspread.exceptions.APIError) -> SourceError:
        message = str(exc.error.get("message", ""))
        status = str(exc.error.get("status", ""))
        code = _status_code(exc)
        if code == 429:
            return QuotaExceeded("vượt hạn mức đọc/ghi của Google Sheets (khoảng 60 lần mỗi phút); sẽ thử lại")
        if code == 404:
            return Unavailable(f"không tìm thấy bảng tính có mã {self.key!r}: kiểm tra mã (key) hoặc đường dẫn")
        if code == 403 and ("has not been used" in message or "disabled" in message
                            or status == "SERVICE_DISABLED"):
            return Unavailable("Google Sheets API chưa được bật cho dự án Google Cloud của tài khoản dịch vụ: "
                               "bật “Google Sheets API” trong APIs & Services")
        if code == 403:
            return Unavailable(f"bảng tính chưa được chia sẻ với tài khoản dịch vụ {self.service_account or '?'}: "
                               "mở bảng tính → Chia sẻ → thêm e-mail này với quyền Người chỉnh sửa")
        bad_range = _BAD_RANGE.search(message)
        if code == 400 and bad_range:
            return _MissingTab(f"không tìm thấy trang tính {bad_range.group(1)} trong bảng tính "
                               "(có thể đã bị đổi tên hoặc xóa): đặt lại đúng tên trang tính")
        if code == 401:
            return Unavailable(f"Google không chấp nhận thông tin xác thực: {message}")
        return Unavailable(f"Google Sheets trả lỗi {code}: {message}")


def pair(shown: RawWorkbook, values: RawWorkbook, locale: str) -> tuple[RawWorkbook | None, dict]:
    """``values`` with each number wrapped with its text from ``shown`` (None when the reads are torn),
    and the suspect cells: numbers whose shown text does not read back as them.

    Torn: a cell blank in the stored read but shown, or a text that differs. A suspect is a
    custom format (``;;;`` shows nothing, a scaled ``0.0,,``) or an edit between the calls:
    only seeing it twice alike tells which (``GoogleSheetSource._read_shown``).
    """
    out: RawWorkbook = {}
    suspects: dict[tuple[str, int, int], tuple[object, object]] = {}
    for title, rows in values.items():
        shown_rows = shown.get(title, [])
        if len(shown_rows) > len(rows) and any(_filled(v) for r in shown_rows[len(rows):] for v in r):
            return None, suspects
        tab = []
        for index, row in enumerate(rows):
            texts = shown_rows[index] if index < len(shown_rows) else []
            if len(texts) > len(row) and any(_filled(v) for v in texts[len(row):]):
                return None, suspects
            cells = []
            for col, value in enumerate(row):
                text = texts[col] if col < len(texts) else ""
                if not _filled(value) or isinstance(value, str):
                    if text != value and (_filled(text) or _filled(value)):
                        return None, suspects
                    cells.append(value)
                elif isinstance(value, bool):
                    cells.append(value)
                else:
                    cell = wrap(value, text=str(text), locale=locale)
                    if isinstance(cell, Shown) and display(cell).kind == "other":
                        suspects[(title, index, col)] = (text, value)
                    cells.append(cell)
            tab.append(cells)
        out[title] = tab
    return out, suspects


def _filled(value: object) -> bool:
    return value is not None and value != ""


def _status_code(exc: gspread.exceptions.APIError) -> int:
    """The HTTP status of ``exc`` (gspread says -1 when the error body is not Google's JSON)."""
    response = getattr(exc, "response", None)
    status = getattr(response, "status_code", None)
    return status if isinstance(status, int) else exc.code


def _transient(exc: BaseException) -> bool:
    if isinstance(exc, gspread.exceptions.APIError):
        code = _status_code(exc)
        return code in (408, 429) or code >= 500
    return isinstance(exc, (requests.Timeout, requests.ConnectionError, google.auth.exceptions.TransportError))


def _quota_only(exc: BaseException) -> bool:
    """Appends are not idempotent: retry only when Google surely did not apply them."""
    return isinstance(exc, gspread.exceptions.APIError) and _status_code(exc) == 429


def _json_value(value: object) -> object:
    """A cell value as the JSON the API takes: numbers stay numbers, the rest is text."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        return value
    return str(value)
