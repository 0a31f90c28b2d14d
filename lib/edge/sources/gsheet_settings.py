"""Connecting to the Google Sheet from settings: service-account credentials, the session.

The ``[connections.gsheets]`` table of secrets.toml (Streamlit's Google Sheets layout:
``spreadsheet`` and the fields of the service account's JSON key) becomes a
``GoogleSheetSource`` on an authorised google-auth session. ``api_endpoint`` (optional)
routes the Sheets API to another address, a local emulator in tests, through the same
real client code path; ``timeout`` and ``retry`` tune the calls.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import fields
from typing import Any

import google.auth.exceptions
import requests
from google.auth.transport.requests import AuthorizedSession
from google.oauth2.service_account import Credentials
from requests.adapters import HTTPAdapter

from lib.core.errors import Unavailable
from lib.edge.sources.gsheet import DEFAULT_TIMEOUT, GoogleSheetSource, RetryPolicy

# Drive metadata (read-only): the change probe's files.get of modifiedTime.
SCOPES = ("https://www.googleapis.com/auth/spreadsheets", "https://www.googleapis.com/auth/drive.metadata.readonly")
API_ORIGIN = "https://sheets.googleapis.com"
DRIVE_ORIGIN = "https://www.googleapis.com"  # /drive/v3/files/<key>
_SERVICE_ACCOUNT_FIELDS = ("type", "client_email", "private_key", "token_uri")


class _RewriteAdapter(HTTPAdapter):
    """Sends requests for the Sheets API origin to another endpoint (an emulator or test server)."""

    def __init__(self, endpoint: str, origin: str = API_ORIGIN) -> None:
        super().__init__()
        self.endpoint = endpoint.rstrip("/")
        self.origin = origin

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        assert request.url is not None
        request = request.copy()
        request.url = self.endpoint + request.url[len(self.origin):]
        # Proxies were chosen for the Google URL; the rewritten address is reached directly.
        kwargs["proxies"] = {}
        return super().send(request, **kwargs)


def credentials_from_info(info: Mapping[str, Any]) -> Credentials:
    """Service-account credentials from the key file's fields; a clear error for a bad key."""
    missing = [f for f in _SERVICE_ACCOUNT_FIELDS if not info.get(f)]
    if len(missing) == len(_SERVICE_ACCOUNT_FIELDS):
        raise Unavailable("chưa có khóa tài khoản dịch vụ: thêm mục [connections.gsheets] với các trường của "
                          "tệp khóa JSON vào .streamlit/secrets.toml (xem secrets.toml.example)")
    if missing:
        raise Unavailable(f"khóa tài khoản dịch vụ thiếu trường {', '.join(missing)} (kiểm tra secrets.toml)")
    if info.get("type") != "service_account":
        raise Unavailable(f"khóa trong secrets.toml có type = {info.get('type')!r}, cần là \"service_account\" "
                          "(tạo khóa JSON của một tài khoản dịch vụ, không phải OAuth client)")
    fields_ = dict(info)
    key = fields_["private_key"]
    if isinstance(key, str) and "\\n" in key and "\n" not in key.strip():
        # Pasted into a TOML literal string ('...'): the JSON's \n escapes were kept as text.
        fields_["private_key"] = key.replace("\\n", "\n")
    try:
        return Credentials.from_service_account_info(fields_, scopes=SCOPES)
    except (ValueError, TypeError, google.auth.exceptions.GoogleAuthError) as exc:
        raise Unavailable(f"khóa tài khoản dịch vụ không hợp lệ: private_key không đọc được ({exc}); "
                          "chép lại nguyên văn trường private_key của tệp khóa JSON vào secrets.toml") from exc


def authorized_session(credentials: Credentials, api_endpoint: str | None = None) -> requests.Session:
    """A google-auth session for ``credentials``, optionally routed to ``api_endpoint``."""
    session = AuthorizedSession(credentials)
    if api_endpoint:
        session.mount(API_ORIGIN, _RewriteAdapter(api_endpoint))
        session.mount(DRIVE_ORIGIN + "/drive/", _RewriteAdapter(api_endpoint, DRIVE_ORIGIN))
    return session


def _timeout(value: object) -> tuple[float, float]:
    """``timeout`` from secrets.toml: seconds, or [connect, read] seconds."""
    try:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            connect, read = float(value), float(value)
        else:
            connect, read = (float(v) for v in value)  # type: ignore[union-attr]
    except (TypeError, ValueError):
        raise Unavailable(f"timeout = {value!r} trong secrets.toml: cần số giây, hoặc [kết nối, đọc]") from None
    if connect <= 0 or read <= 0:
        raise Unavailable(f"timeout = {value!r} trong secrets.toml: phải lớn hơn 0")
    return connect, read


def _retry_policy(value: object) -> RetryPolicy:
    """``retry`` from secrets.toml: a table with some of RetryPolicy's fields."""
    names = {f.name for f in fields(RetryPolicy)}
    if not isinstance(value, Mapping) or set(value) - names:
        raise Unavailable(f"retry = {value!r} trong secrets.toml: chỉ nhận {', '.join(sorted(names))}")
    try:
        policy = RetryPolicy(**{k: type(getattr(RetryPolicy(), k))(v) for k, v in value.items()})
    except (TypeError, ValueError):
        raise Unavailable(f"retry = {value!r} trong secrets.toml: giá trị phải là số") from None
    if policy.attempts < 1:
        raise Unavailable("retry.attempts trong secrets.toml phải từ 1 trở lên")
    return policy


def source_from_settings(
    settings: Mapping[str, Any],
    key_override: str | None = None,
    timeout: tuple[float, float] | None = None,
    retry: RetryPolicy | None = None,
) -> GoogleSheetSource:
    """A source from a ``[connections.gsheets]`` table: ``spreadsheet`` + service-account fields.

    Optional keys: ``api_endpoint`` routes the Sheets API to another address, e.g. a local
    emulator in tests (the real client code path is used either way); ``timeout``
    (seconds, or ``[connect, read]``) and ``retry`` (a table with ``attempts``,
    ``max_seconds``, ``first_wait``, ``max_wait``) tune the network behaviour.
    """
    key = key_override or settings.get("spreadsheet") or settings.get("key")
    if not key:
        raise Unavailable("chưa khai báo bảng tính: thêm spreadsheet = \"<đường dẫn hoặc mã>\" vào secrets.toml")
    if timeout is None:
        timeout = _timeout(settings["timeout"]) if "timeout" in settings else DEFAULT_TIMEOUT
    if retry is None:
        retry = _retry_policy(settings["retry"]) if "retry" in settings else RetryPolicy()
    credentials = credentials_from_info(settings)
    session = authorized_session(credentials, settings.get("api_endpoint"))
    return GoogleSheetSource(str(key), session, service_account=str(settings.get("client_email", "")),
                             timeout=timeout, retry=retry)
