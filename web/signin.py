"""The sign-in routes of ``serve.py``: a passcode in, a signed ``HttpOnly`` cookie out.

``GET /auth/sign-in`` serves a small sign-in page (the Streamlit page **Đăng nhập** embeds the
same form); ``POST /auth/sign-in`` (form fields ``user``, ``passcode``, ``next``, ``ui_lang``) checks
the passcode with ``lib.core.auth.authenticate`` and the process's ``LoginGuard``, keyed by the
client's address as the proxy reports it. Right: the grant as a signed cookie (``HttpOnly``,
``SameSite=Strict``, ``Path=/``, ``Secure`` over https, ``Max-Age`` = ``session_minutes``) and
a 303 back to ``next`` (a relative path of this site only). Wrong: the page again with the
refusal worded (401, or 429 while the address waits or is locked), no cookie.
``POST /auth/sign-out`` clears the cookie and sends the browser back the same way.

A post whose ``Origin`` is another site is refused (403): no other page can sign a browser in
or out.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from lib.core.auth import (
    AuthSettings,
    Grant,
    Refusal,
    authenticate,
    client_address,
    passcode_generation,
    trusted_peer,
)
from lib.core.errors import ConfigError
from lib.core.grant_token import encode, safe_next
from lib.present.catalogue import word
from lib.present.signin_page import signin_page
from web.auth import COOKIE, LOGIN_PATH, auth_settings, cookie_key, login_guard, now

MAX_FORM = 8192


def _lang(value: object) -> str:
    return "en" if value == "en" else "vi"


def _settings() -> AuthSettings | Refusal:
    try:
        return auth_settings()
    except ConfigError as exc:
        return Refusal("unset", "login.config_error", (("error", str(exc)),))


def _client(request: Request, settings: AuthSettings) -> str:
    peer = request.client.host if request.client else None
    return client_address(peer, request.headers.get("x-forwarded-for"), settings.trusted_proxies)


def _https(request: Request, settings: AuthSettings) -> bool:
    if request.url.scheme == "https":
        return True
    peer = request.client.host if request.client else None
    proto = request.headers.get("x-forwarded-proto", "").split(",")[0].strip().lower()
    return trusted_peer(peer, settings.trusted_proxies) and proto == "https"


def _foreign(request: Request) -> bool:
    """Whether the post comes from a page of another site (its ``Origin`` names another host)."""
    origin = request.headers.get("origin")
    if not origin or origin == "null":
        return origin == "null"
    return urlsplit(origin).netloc.lower() != request.headers.get("host", "").lower()


async def _form(request: Request) -> dict[str, str]:
    if int(request.headers.get("content-length") or 0) > MAX_FORM:
        return {}
    form = await request.form()
    return {k: v for k, v in form.items() if isinstance(v, str)}


def _page(lang: str, next_path: str, error: str | None = None, name: str = "", status: int = 200) -> Response:
    return HTMLResponse(signin_page(lang, next_path, error, name), status_code=status,
                        headers={"Cache-Control": "no-store"})


async def sign_in_page(request: Request) -> Response:
    """``GET /auth/sign-in``: the sign-in form alone (``?next=`` and ``?lang=`` honoured)."""
    return _page(_lang(request.query_params.get("lang")), safe_next(request.query_params.get("next"), LOGIN_PATH))


async def sign_in(request: Request) -> Response:
    """``POST /auth/sign-in``: check the passcode; set the cookie and 303 back, or show the refusal."""
    if _foreign(request):
        return Response("cross-site sign-in refused", status_code=403)
    form = await _form(request)
    lang, next_path = _lang(form.get("ui_lang")), safe_next(form.get("next"), LOGIN_PATH)
    name = form.get("user", "").strip()[:200]
    settings = _settings()
    if isinstance(settings, Refusal):
        return _page(lang, next_path, word(settings.code, settings.params, lang), name, 500)
    result = await run_in_threadpool(authenticate, form.get("passcode", ""), settings, login_guard(),
                                     _client(request, settings), now(), name or None)
    if isinstance(result, Refusal):
        status = 429 if result.reason in ("delay", "locked", "busy") or result.until else 401
        headers = {"Retry-After": str(max(1, int((result.until - now()).total_seconds())))} if result.until else {}
        response = _page(lang, next_path, word(result.code, result.params, lang), name, status)
        response.headers.update(headers)
        return response
    return _signed_in(result, settings, next_path, _https(request, settings))


def _signed_in(grant: Grant, settings: AuthSettings, next_path: str, secure: bool) -> Response:
    response = RedirectResponse(next_path, status_code=303, headers={"Cache-Control": "no-store"})
    token = encode(grant, cookie_key(), passcode_generation(settings, grant.role))  # a new passcode ends it
    response.set_cookie(COOKIE, token, max_age=settings.session_minutes * 60, path="/",
                        secure=secure, httponly=True, samesite="strict")
    return response


async def sign_out(request: Request) -> Response:
    """``POST /auth/sign-out``: clear the cookie and 303 back."""
    if _foreign(request):
        return Response("cross-site sign-out refused", status_code=403)
    form = await _form(request)
    settings = _settings()
    secure = not isinstance(settings, Refusal) and _https(request, settings)
    response = RedirectResponse(safe_next(form.get("next"), LOGIN_PATH), status_code=303,
                                headers={"Cache-Control": "no-store"})
    response.delete_cookie(COOKIE, path="/", secure=secure, httponly=True, samesite="strict")
    return response


ROUTES = [
    Route("/auth/sign-in", sign_in_page, methods=["GET"]),
    Route("/auth/sign-in", sign_in, methods=["POST"]),
    Route("/auth/sign-out", sign_out, methods=["POST"]),
]
