"""Who this session is: viewer by default; secretary or admin while a valid sign-in cookie says so.

Signing in and out happen in the routes of ``web.signin`` (``/auth/sign-in``, ``/auth/sign-out``),
which set and clear an ``HttpOnly`` cookie carrying the grant signed with the server's key
(``lib.edge.secret.cookie_key``, not the records key). The browser sends it with the page's WebSocket handshake, and
Streamlit hands it to the script as ``st.context.cookies``: ``grant()`` verifies it on every
call, so a reload, a new tab or a laptop waking from sleep stays signed in until the grant
expires, and a tampered, foreign or expired cookie counts as none. The login throttle is
process-wide (every process's, in Redis, with ``[server] redis_url``), keyed by the client's
address (``X-Forwarded-For`` when the peer is one of ``[auth] trusted_proxies``, else the
peer), so a failing address never locks out another; the admin can clear every lock-out
from the sign-in page. Pages call ``grant()`` to decide what to show, and the write path checks
the role again at the moment of writing (``lib.edge.store.save``), so hiding a page is never the only protection.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

import streamlit as st

from lib.core.auth import (
    AuthSettings,
    Grant,
    LoginGuard,
    Role,
    Throttle,
    allows,
    load_auth_settings,
    passcode_generation,
)
from lib.core.errors import ConfigError
from lib.core.grant_token import decode
from lib.edge.secret import cookie_key as server_cookie_key
from lib.edge.shared.throttle import SharedGuard
from lib.present.catalogue import t

COOKIE = "thidua_grant"
"""The name of the sign-in cookie."""

LOGIN_PATH = "/dang-nhap"
"""The sign-in page's path (``url_path`` of ``pages/login.py``)."""


@st.cache_resource(show_spinner=False)
def login_guard() -> Throttle:
    """The throttle of failed sign-ins: in Redis for every process with ``[server] redis_url``, else this process's."""
    from web.data import shared_engine  # late: web.data loads the config, which may be invalid at import

    engine = shared_engine()
    return LoginGuard() if engine is None else SharedGuard(engine)


def auth_settings() -> AuthSettings:
    """The ``[auth]`` table of secrets.toml (empty settings when there is none)."""
    try:
        table = st.secrets.get("auth", {})
    except Exception:  # noqa: BLE001 - no secrets file at all: nobody can sign in, everyone can view
        table = {}
    return load_auth_settings(dict(table))


def now() -> dt.datetime:
    """The current time, timezone-aware."""
    return dt.datetime.now(dt.UTC)


def cookie_key() -> bytes:
    """The key that signs and checks the sign-in cookie."""
    return server_cookie_key()


def cookies() -> Mapping[str, str]:
    """The cookies the browser sent with this session's connection (none outside a session)."""
    try:
        return st.context.cookies
    except Exception:  # noqa: BLE001 - no session context (a bare import, a route)
        return {}


def grant() -> Grant | None:
    """This session's grant: the sign-in cookie's, while it is signed by this server and not expired."""
    token = cookies().get(COOKIE)
    if not token:
        return None
    try:
        key = cookie_key()
    except ConfigError:  # an unusable secret: nobody is signed in, the pages still show
        return None
    try:
        settings = auth_settings()
    except ConfigError:
        return None
    return decode(token, key, now(), lambda role: passcode_generation(settings, role))  # a new passcode: signed out


def role() -> Role:
    """This session's role now."""
    current = grant()
    return current.role if current else Role.VIEWER


def lockouts() -> dict[str, dt.datetime]:
    """Addresses locked out now (admin only: empty for anyone else)."""
    return login_guard().locked(now()) if is_admin() else {}


def clear_lockouts() -> int:
    """Forget every failed sign-in (of every process with Redis; admin only, checked now); how many addresses."""
    return login_guard().clear() if is_admin() else 0


def can_edit() -> bool:
    """True while this session may change agreed scores (secretary or admin)."""
    return allows(grant(), Role.SECRETARY, now())


def is_admin() -> bool:
    """True while this session may freeze and unfreeze."""
    return allows(grant(), Role.ADMIN, now())


def require(needed: Role, lang: str, here: str) -> Grant:
    """This session's grant if it allows ``needed``; else say "sign in first" with a link, and stop.

    ``here`` is the page's own path, where the sign-in sends the browser back.
    """
    current = grant()
    if allows(current, needed, now()):
        return current  # type: ignore[return-value]  # allows() is False for None
    key = "login.first_admin" if needed is Role.ADMIN else "login.first"
    st.warning(t(key, lang), icon=":material/lock:")
    st.page_link("pages/login.py", label=t("login.go", lang), icon=":material/login:",
                 query_params={"next": here})
    st.stop()
    raise AssertionError("unreachable")  # st.stop() raises
