"""The organisers' shared Google Sheet as a ``Source``, through gspread 6 and google-auth.

One read is one ``values:batchGet`` of every contract tab, with unformatted values
(numbers arrive as numbers; text still goes through the core's Vietnamese parsing).
The spreadsheet's metadata (tab titles) is fetched once and again only when a tab
cannot be found. Every call has connect/read timeouts and a bounded retry with
exponential backoff and jitter on 429, 5xx, timeouts and dropped connections
(tenacity; gspread's own BackOffHTTPClient retries a persistent 429 without bound).
Foreign errors become ``Unavailable``/``QuotaExceeded`` with a message that says what
to do, e.g. the service account's e-mail to share the sheet with.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import google.auth.exceptions
import gspread
import requests
from google.auth.transport.requests import AuthorizedSession
from google.oauth2.service_account import Credentials
from requests.adapters import HTTPAdapter
from tenacity import Retrying, retry_if_exception, stop_after_attempt, stop_after_delay, wait_random_exponential

from lib.errors import QuotaExceeded, SourceError, Unavailable
from lib.layout import TABS, column_letter
from lib.model import RawWorkbook
from lib.sources import WriteBatch
from lib.text import fold

SCOPES = ("https://www.googleapis.com/auth/spreadsheets",)
API_ORIGIN = "https://sheets.googleapis.com"
DEFAULT_TIMEOUT = (5.0, 20.0)  # (connect, read) seconds; gspread's default is to wait forever
_KEY_IN_URL = re.compile(r"/spreadsheets/d/([A-Za-z0-9_-]+)")
_SERVICE_ACCOUNT_FIELDS = ("type", "client_email", "private_key", "token_uri")


@dataclass(frozen=True)
class RetryPolicy:
    """How hard to try before giving up on one call."""

    attempts: int = 4
    max_seconds: float = 25.0
    first_wait: float = 0.5
    max_wait: float = 8.0


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


class _RewriteAdapter(HTTPAdapter):
    """Sends requests for the Sheets API origin to another endpoint (an emulator or test server)."""

    def __init__(self, endpoint: str) -> None:
        super().__init__()
        self.endpoint = endpoint.rstrip("/")

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:
        assert request.url is not None
        request.url = self.endpoint + request.url[len(API_ORIGIN):]
        return super().send(request, **kwargs)


def credentials_from_info(info: Mapping[str, Any]) -> Credentials:
    """Service-account credentials from the key file's fields; a clear error for a bad key."""
    missing = [f for f in _SERVICE_ACCOUNT_FIELDS if not info.get(f)]
    if missing:
        raise Unavailable(f"khóa tài khoản dịch vụ thiếu trường {', '.join(missing)} (kiểm tra secrets.toml)")
    try:
        return Credentials.from_service_account_info(dict(info), scopes=SCOPES)
    except (ValueError, google.auth.exceptions.GoogleAuthError) as exc:
        raise Unavailable(f"khóa tài khoản dịch vụ không hợp lệ: {exc}") from exc


def authorized_session(credentials: Credentials, api_endpoint: str | None = None) -> requests.Session:
    """A google-auth session for ``credentials``, optionally routed to ``api_endpoint``."""
    session = AuthorizedSession(credentials)
    if api_endpoint:
        session.mount(API_ORIGIN, _RewriteAdapter(api_endpoint))
    return session


class GoogleSheetSource:
    """A Google Sheet read in one batched call and written in batched calls."""

    def __init__(
        self,
        key: str,
        session: requests.Session,
        service_account: str = "",
        timeout: tuple[float, float] = DEFAULT_TIMEOUT,
        retry: RetryPolicy = RetryPolicy(),
    ) -> None:
        self.key = spreadsheet_key(key)
        self.service_account = service_account
        self._client = gspread.Client(auth=None, session=session)  # type: ignore[arg-type]
        self._client.set_timeout(timeout)
        self._http = self._client.http_client
        self._retry = retry
        self._titles: list[str] | None = None
        self.title = ""

    @property
    def label(self) -> str:
        """The sheet's title (once known) and key."""
        return f"Google Sheet “{self.title}” ({self.key})" if self.title else f"Google Sheet {self.key}"

    def read(self) -> RawWorkbook:
        """Every contract tab, in one ``values:batchGet`` (metadata fetched once)."""
        titles = self._contract_titles()
        try:
            answer = self._call(lambda: self._http.values_batch_get(
                self.key, [quote_tab(t) for t in titles],
                params={"valueRenderOption": "UNFORMATTED_VALUE", "dateTimeRenderOption": "FORMATTED_STRING",
                        "majorDimension": "ROWS"},
            ))
        except Unavailable:
            self._titles = None  # a tab may have been renamed: fetch the metadata again next time
            raise
        ranges = answer.get("valueRanges", [])
        return {title: [list(row) for row in r.get("values", [])] for title, r in zip(titles, ranges, strict=False)}

    def write(self, batch: WriteBatch) -> None:
        """Set cells in one ``values:batchUpdate`` (RAW: text stays text), then append rows."""
        if batch.cells:
            data = [
                {"range": f"{quote_tab(tab)}!{column_letter(col)}{row}", "values": [[_json_value(value)]]}
                for (tab, row, col), value in batch.cells.items()
            ]
            self._call(lambda: self._http.values_batch_update(
                self.key, {"valueInputOption": "RAW", "data": data}))
        for tab, rows in batch.appends.items():
            body = {"values": [[_json_value(v) for v in row] for row in rows]}
            self._call(lambda tab=tab, body=body: self._http.values_append(
                self.key, quote_tab(tab), {"valueInputOption": "RAW", "insertDataOption": "INSERT_ROWS"}, body),
                retry_quota_only=True)

    def tab_titles(self) -> list[str]:
        """Every tab title of the spreadsheet (from cached metadata)."""
        if self._titles is None:
            meta = self._call(lambda: self._http.fetch_sheet_metadata(self.key))
            self.title = meta.get("properties", {}).get("title", "")
            self._titles = [s["properties"]["title"] for s in meta.get("sheets", [])]
        return self._titles

    def add_tabs(self, titles: list[str]) -> None:
        """Create empty tabs (one ``:batchUpdate`` with addSheet requests)."""
        body = {"requests": [{"addSheet": {"properties": {"title": t}}} for t in titles]}
        self._call(lambda: self._http.batch_update(self.key, body))
        self._titles = None

    def write_workbook(self, workbook: RawWorkbook) -> None:
        """Create the missing tabs of ``workbook`` and write all its values, RAW, in one batch."""
        existing = {fold(t) for t in self.tab_titles()}
        missing = [title for title in workbook if fold(title) not in existing]
        if missing:
            self.add_tabs(missing)
        data = [
            {"range": f"{quote_tab(title)}!A1", "values": [[_json_value(v) for v in row] for row in rows]}
            for title, rows in workbook.items()
            if rows
        ]
        self._call(lambda: self._http.values_batch_update(self.key, {"valueInputOption": "RAW", "data": data}))

    def read_all(self) -> RawWorkbook:
        """Every tab, not only the contract's (to check that a sheet is empty)."""
        titles = self.tab_titles()
        answer = self._call(lambda: self._http.values_batch_get(
            self.key, [quote_tab(t) for t in titles], params={"valueRenderOption": "UNFORMATTED_VALUE"}))
        return {t: r.get("values", []) for t, r in zip(titles, answer.get("valueRanges", []), strict=False)}

    def _contract_titles(self) -> list[str]:
        wanted = {fold(name) for names in TABS.values() for name in names}
        titles = [t for t in self.tab_titles() if fold(t) in wanted]
        return titles or self.tab_titles()

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
        except google.auth.exceptions.RefreshError as exc:
            raise Unavailable(
                f"Google từ chối khóa tài khoản dịch vụ {self.service_account} (khóa sai, bị thu hồi "
                f"hoặc hết hạn): {exc}") from exc
        except google.auth.exceptions.TransportError as exc:
            raise Unavailable(f"không lấy được mã truy cập từ Google: {exc}") from exc

    def _translate(self, exc: gspread.exceptions.APIError) -> SourceError:
        message = str(exc.error.get("message", ""))
        status = str(exc.error.get("status", ""))
        if exc.code == 429:
            return QuotaExceeded("vượt hạn mức đọc/ghi của Google Sheets (khoảng 60 lần mỗi phút); sẽ thử lại")
        if exc.code == 404:
            return Unavailable(f"không tìm thấy bảng tính có mã {self.key!r}: kiểm tra mã (key) hoặc đường dẫn")
        if exc.code == 403 and ("has not been used" in message or "disabled" in message
                                or status == "SERVICE_DISABLED"):
            return Unavailable("Google Sheets API chưa được bật cho dự án Google Cloud của tài khoản dịch vụ: "
                               "bật “Google Sheets API” trong APIs & Services")
        if exc.code == 403:
            return Unavailable(f"bảng tính chưa được chia sẻ với tài khoản dịch vụ {self.service_account or '?'}: "
                               "mở bảng tính → Chia sẻ → thêm e-mail này với quyền Người chỉnh sửa")
        if exc.code == 400 and "Unable to parse range" in message:
            return Unavailable(f"thiếu trang tính trong bảng tính: {message}")
        if exc.code == 401:
            return Unavailable(f"Google không chấp nhận thông tin xác thực: {message}")
        return Unavailable(f"Google Sheets trả lỗi {exc.code}: {message}")


def _transient(exc: BaseException) -> bool:
    if isinstance(exc, gspread.exceptions.APIError):
        return exc.code == 429 or exc.code >= 500 or exc.code == -1
    return isinstance(exc, (requests.Timeout, requests.ConnectionError, google.auth.exceptions.TransportError))


def _quota_only(exc: BaseException) -> bool:
    """Appends are not idempotent: retry only when Google surely did not apply them."""
    return isinstance(exc, gspread.exceptions.APIError) and exc.code == 429


def _json_value(value: object) -> object:
    """A cell value as the JSON the API takes: numbers stay numbers, the rest is text."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        return value
    return str(value)


def source_from_settings(
    settings: Mapping[str, Any], key_override: str | None = None, timeout: tuple[float, float] = DEFAULT_TIMEOUT
) -> GoogleSheetSource:
    """A source from a ``[connections.gsheets]`` table: ``spreadsheet`` + service-account fields.

    ``api_endpoint`` (optional) routes the Sheets API to another address, e.g. a local
    emulator in tests; the real client code path is used either way.
    """
    key = key_override or settings.get("spreadsheet") or settings.get("key")
    if not key:
        raise Unavailable("chưa khai báo bảng tính: thêm spreadsheet = \"<đường dẫn hoặc mã>\" vào secrets.toml")
    credentials = credentials_from_info(settings)
    session = authorized_session(credentials, settings.get("api_endpoint"))
    return GoogleSheetSource(str(key), session, service_account=str(settings.get("client_email", "")),
                             timeout=timeout)

