"""``Overflow``: the middleware that sends a new read-only visitor to ``/live`` once the process is full.

Full: the Streamlit sessions (or open websockets) plus the page loads on their way to one reach
``[server] max_sessions`` (``web.limits.Admissions``). An admitted page load gets a ticket
cookie; its websocket (``/_stcore/stream``) hands it in, so a session is counted once, and
plain ``GET /`` requests that never open a session hold at most a few places per address.
"""

from __future__ import annotations

from http.cookies import SimpleCookie
from urllib.parse import parse_qs

from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

from lib.core.auth import client_address
from web import limits
from web.data import cluster_config

ADMIT_COOKIE = "thidua_admit"
_admissions = limits.Admissions()
_redirected = 0


def sessions() -> int | None:
    """Streamlit sessions of this process (None when the runtime is not there)."""
    try:
        from streamlit.runtime import Runtime

        return Runtime.instance()._session_mgr.num_active_sessions()  # noqa: SLF001 - no public count
    except Exception:  # noqa: BLE001 - no runtime (tests, a plain ASGI mount)
        return None


def admissions() -> limits.Admissions:
    """The process's admissions (sessions open and page loads on their way)."""
    return _admissions


def redirected() -> int:
    """Visitors sent to ``/live`` so far."""
    return _redirected


def peer_address(scope: Scope) -> str:
    """The client's address as the trusted proxy reports it (the peer's own otherwise)."""
    from web.auth import auth_settings

    peer = scope["client"][0] if scope.get("client") else "?"
    forwarded = next((v.decode("latin-1") for k, v in scope.get("headers", []) if k == b"x-forwarded-for"), None)
    try:
        trusted = auth_settings().trusted_proxies
    except Exception:  # noqa: BLE001 - bad sign-in settings: the peer itself
        trusted = ()
    return client_address(peer, forwarded, trusted)


_READ_ONLY_PATHS = {"/", "/xep-hang"}


class Overflow:
    """Sends a new read-only visitor of the ranking or delegates' view to ``/live`` when full.

    Only the page load itself is turned away (before any Streamlit session exists); the projector
    (``?view=projector``), the sign-in page and every other page are always admitted. An admitted
    page load gets a ticket cookie; its websocket (``/_stcore/stream``) hands it in, and from then
    on the session counts as an open websocket (``web.limits.Admissions``).
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Redirect (307), count a websocket, or pass the request on."""
        global _redirected
        if scope["type"] == "websocket" and scope["path"].endswith("/_stcore/stream"):
            _admissions.opened(_ticket(scope))
            try:
                await self.app(scope, receive, send)
            finally:
                _admissions.closed()
            return
        if scope["type"] == "http" and scope["method"] == "GET" and scope["path"] in _READ_ONLY_PATHS:
            view = parse_qs(scope.get("query_string", b"").decode()).get("view", [""])[0]
            if view in ("", "delegate") and _full():
                _redirected += 1
                lang = "?lang=en" if "lang=en" in scope.get("query_string", b"").decode() else ""
                response = Response(status_code=307, headers={"Location": "/live" + lang, "Cache-Control": "no-store"})
                await response(scope, receive, send)
                return
            send = _with_ticket(send, _admissions.admit(peer_address(scope)))
        await self.app(scope, receive, send)


def _ticket(scope: Scope) -> str | None:
    for key, value in scope.get("headers", []):
        if key == b"cookie":
            morsel = SimpleCookie(value.decode("latin-1")).get(ADMIT_COOKIE)
            if morsel is not None:
                return morsel.value
    return None


def _with_ticket(send: Send, ticket: str) -> Send:
    cookie = f"{ADMIT_COOKIE}={ticket}; Max-Age={int(limits.ADMIT_WINDOW)}; Path=/; HttpOnly; SameSite=Strict"

    async def sending(message: dict) -> None:
        if message["type"] == "http.response.start":
            message = {**message, "headers": [*message.get("headers", []), (b"set-cookie", cookie.encode())]}
        await send(message)

    return sending


def _full() -> bool:
    count = sessions()
    try:
        limit = cluster_config().max_sessions
    except Exception:  # noqa: BLE001 - a bad config is shown by the pages themselves
        return False
    return _admissions.occupied(count or 0) >= limit
