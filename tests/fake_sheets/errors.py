"""Error answers of the fake Sheets API, shaped like Google's.

Every API error is ``{"error": {"code", "message", "status"}}`` (plus ``details`` where
Google sends them), as recorded in ``shared/sheets-api/cassettes``: 404 ``NOT_FOUND``
for an unknown spreadsheet, 403 ``PERMISSION_DENIED`` for one not shared with the caller,
400 ``INVALID_ARGUMENT`` for a bad range or body. The 401, 429, 5xx and "API disabled"
bodies follow Google's documented format (they are not in the recordings).
"""

from __future__ import annotations

from typing import Any

__all__ = ["ApiError", "error_body"]

_STATUS = {
    400: "INVALID_ARGUMENT",
    401: "UNAUTHENTICATED",
    403: "PERMISSION_DENIED",
    404: "NOT_FOUND",
    409: "ABORTED",
    429: "RESOURCE_EXHAUSTED",
    500: "INTERNAL",
    501: "UNIMPLEMENTED",
    502: "UNKNOWN",
    503: "UNAVAILABLE",
    504: "DEADLINE_EXCEEDED",
}
_MESSAGES = {
    401: "Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or "
    "other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.",
    403: "The caller does not have permission",
    404: "Requested entity was not found.",
    500: "Internal error encountered.",
    502: "Bad Gateway",
    503: "The service is currently unavailable.",
    504: "The request timed out. Please try again.",
}
PROJECT = "123456789012"
"""The project number named in quota and "API disabled" errors."""


def error_body(code: int, message: str | None = None, details: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """``{"error": {...}}`` for HTTP status ``code``."""
    error: dict[str, Any] = {
        "code": code,
        "message": message if message is not None else _MESSAGES.get(code, "Error"),
        "status": _STATUS.get(code, "UNKNOWN"),
    }
    if details:
        error["details"] = details
    return {"error": error}


class ApiError(Exception):
    """An error answer: raise it anywhere in a handler to send ``body`` with ``code``."""

    def __init__(self, code: int, message: str | None = None, details: list[dict[str, Any]] | None = None) -> None:
        self.code = code
        self.body = error_body(code, message, details)
        self.headers: dict[str, str] = {}
        super().__init__(self.body["error"]["message"])

    @classmethod
    def bad_range(cls, text: str) -> ApiError:
        return cls(400, f"Unable to parse range: {text}")

    @classmethod
    def bad_field(cls, field: str, value: object) -> ApiError:
        """A body field of the wrong type, e.g. ``values`` given as a string."""
        message = f"Invalid value at '{field}' (type.googleapis.com/google.protobuf.ListValue), {_proto(value)}"
        violation = {"field": field, "description": message}
        details = [{"@type": "type.googleapis.com/google.rpc.BadRequest", "fieldViolations": [violation]}]
        return cls(400, message, details)

    @classmethod
    def unauthenticated(cls, missing: bool) -> ApiError:
        message = _MESSAGES[401]
        if missing:
            message = message.replace("Request had invalid", "Request is missing required")
        err = cls(401, message)
        err.headers["WWW-Authenticate"] = 'Bearer realm="https://accounts.google.com/"'
        return err

    @classmethod
    def quota(cls, write: bool) -> ApiError:
        kind, limit = ("Write", "WriteRequests") if write else ("Read", "ReadRequests")
        message = (
            f"Quota exceeded for quota metric '{kind} requests' and limit '{kind} requests per minute per user' "
            f"of service 'sheets.googleapis.com' for consumer 'project_number:{PROJECT}'."
        )
        info = {
            "@type": "type.googleapis.com/google.rpc.ErrorInfo",
            "reason": "RATE_LIMIT_EXCEEDED",
            "domain": "googleapis.com",
            "metadata": {
                "service": "sheets.googleapis.com",
                "quota_metric": f"sheets.googleapis.com/{kind.lower()}_requests",
                "quota_limit": f"{limit}PerMinutePerUser",
                "consumer": f"projects/{PROJECT}",
                "quota_location": "global",
                "quota_limit_value": "60",
            },
        }
        help_ = {
            "@type": "type.googleapis.com/google.rpc.Help",
            "links": [
                {
                    "description": "Request a higher quota limit.",
                    "url": "https://cloud.google.com/docs/quotas/help/request_increase",
                }
            ],
        }
        return cls(429, message, [info, help_])

    @classmethod
    def service_disabled(cls) -> ApiError:
        url = f"https://console.developers.google.com/apis/api/sheets.googleapis.com/overview?project={PROJECT}"
        message = (
            f"Google Sheets API has not been used in project {PROJECT} before or it is disabled. Enable it by "
            f"visiting {url} then retry. If you enabled this API recently, wait a few minutes for the action "
            "to propagate to our systems and retry."
        )
        info = {
            "@type": "type.googleapis.com/google.rpc.ErrorInfo",
            "reason": "SERVICE_DISABLED",
            "domain": "googleapis.com",
            "metadata": {"service": "sheets.googleapis.com", "consumer": f"projects/{PROJECT}"},
        }
        return cls(403, message, [info])


def _proto(value: object) -> str:
    """A JSON value as Google's error messages quote it (``"A1:D4"``, ``123``)."""
    if isinstance(value, str):
        return '"' + value.replace('"', '\\"') + '"'
    if value is None:
        return "null"
    return str(value)
