"""Who this session is: viewer by default; secretary or admin after signing in.

The grant lives in ``st.session_state``; the login throttle is process-wide, keyed by
the client's address (``X-Forwarded-For`` when the peer is one of ``[auth] trusted_proxies``,
else the peer), so opening a new tab does not reset it, and a failing address never locks
out another. The admin can clear every lock-out from the sign-in page. Pages call ``grant()``
to decide what to show, and the write path checks the role again at the moment of
writing (``lib.edge.store.save``), so hiding a page is never the only protection.
"""

from __future__ import annotations

import datetime as dt

import streamlit as st

from lib.core.auth import (
    AuthSettings,
    Grant,
    LoginGuard,
    Refusal,
    Role,
    allows,
    authenticate,
    client_address,
    load_auth_settings,
)
from lib.core.errors import ConfigError
from web.state import GRANT as _GRANT


@st.cache_resource(show_spinner=False)
def login_guard() -> LoginGuard:
    """The process-wide throttle of failed sign-ins."""
    return LoginGuard()


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


def grant() -> Grant | None:
    """This session's grant while it is valid (an expired one is dropped)."""
    current = st.session_state.get(_GRANT)
    if current is not None and not allows(current, Role.SECRETARY, now()):
        del st.session_state[_GRANT]
        return None
    return current


def role() -> Role:
    """This session's role now."""
    current = grant()
    return current.role if current else Role.VIEWER


def client_key(settings: AuthSettings | None = None) -> str:
    """What the login throttle counts failures against: the client's address as the proxy reports it."""
    try:
        peer = st.context.ip_address
        forwarded = st.context.headers.get("X-Forwarded-For")
    except AttributeError:  # older Streamlit
        return "unknown"
    return client_address(peer, forwarded, settings.trusted_proxies if settings else ())


def sign_in(passcode: str, name: str) -> Grant | Refusal:
    """Try a passcode; on success the session holds the grant."""
    try:
        settings = auth_settings()
    except ConfigError as exc:
        return Refusal("unset", "login.config_error", (("error", str(exc)),))
    result = authenticate(passcode, settings, login_guard(), client_key(settings), now(), user=name.strip() or None)
    if isinstance(result, Grant):
        st.session_state[_GRANT] = result
    return result


def lockouts() -> dict[str, dt.datetime]:
    """Addresses locked out now (admin only: empty for anyone else)."""
    return login_guard().locked(now()) if is_admin() else {}


def clear_lockouts() -> int:
    """Forget every failed sign-in of this process (admin only, checked now); how many addresses."""
    return login_guard().clear() if is_admin() else 0


def sign_out() -> None:
    """Forget this session's grant."""
    st.session_state.pop(_GRANT, None)


def can_edit() -> bool:
    """True while this session may change agreed scores (secretary or admin)."""
    return allows(grant(), Role.SECRETARY, now())


def is_admin() -> bool:
    """True while this session may freeze and unfreeze."""
    return allows(grant(), Role.ADMIN, now())
