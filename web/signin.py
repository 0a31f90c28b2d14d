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
or out. The cheap refusals come before any work: a foreign ``Origin`` (403), an address the
throttle holds back (429, the body left unread), a body that is not a URL-encoded form (415).
The body is then read with a hard cap of ``MAX_FORM`` bytes however it is sent (``Content-Length``
or chunked): past the cap the reading stops and the answer is 413; a body that does not arrive
within ``BODY_SECONDS`` is 408; a field other than the form's own, or one given twice, is 400.
"""

from __future__ import annotations

import asyncio
from urllib.parse import parse_qsl, urlsplit

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

MAX_FORM = 8192  # bytes: the form's four fields need under 1.5 KB (a passcode is at most 1,024 characters)
BODY_SECONDS = 10.0  # a body that takes longer to arrive holds a connection for nothing
SIGN_IN_FIELDS = frozenset({"user", "passcode", "next", "ui_lang"})
SIGN_OUT_FIELDS = frozenset({"next", "ui_lang"})
FORM_TYPE = "application/x-www-form-urlencoded"


class BadForm(Exception):
    """A sign-in or sign-out body refused before any work: its HTTP status and why (plain text)."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason

    def response(self) -> Response:
        """The refusal as a small plain-text answer (the connection is closed after a 413)."""
        headers = {"Cache-Control": "no-store"} | ({"Connection": "close"} if self.status in (408, 413) else {})
        return Response(self.reason, status_code=self.status, media_type="text/plain; charset=utf-8",
                        headers=headers)


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


async def read_capped(request: Request, cap: int = MAX_FORM, seconds: float = BODY_SECONDS) -> bytes:
    """The request body, at most ``cap`` bytes however it is sent; ``BadForm`` (413, 408) otherwise."""
    declared = request.headers.get("content-length")
    if declared is not None and (not declared.isdigit() or int(declared) > cap):
        raise BadForm(413, f"the form is larger than {cap} bytes")
    chunks: list[bytes] = []
    size = 0
    try:
        async with asyncio.timeout(seconds):
            async for chunk in request.stream():
                size += len(chunk)
                if size > cap:  # stop reading here: the rest is never taken off the socket
                    raise BadForm(413, f"the form is larger than {cap} bytes")
                chunks.append(chunk)
    except TimeoutError:
        raise BadForm(408, f"the form did not arrive within {seconds:g} s") from None
    return b"".join(chunks)


def parse_form(body: bytes, allowed: frozenset[str]) -> dict[str, str]:
    """The fields of a URL-encoded ``body``; ``BadForm`` (400) for an unknown, repeated or undecodable one."""
    try:
        pairs = parse_qsl(body.decode("utf-8"), keep_blank_values=True, strict_parsing=bool(body),
                          max_num_fields=len(allowed))
    except (UnicodeDecodeError, ValueError) as exc:
        raise BadForm(400, f"not a form of this site: {exc}") from None
    form: dict[str, str] = {}
    for key, value in pairs:
        if key not in allowed:
            raise BadForm(400, f"unexpected field {key[:40]!r}")
        if key in form:
            raise BadForm(400, f"field {key!r} given twice")
        form[key] = value
    return form


async def _form(request: Request, allowed: frozenset[str]) -> dict[str, str]:
    """The checked form of a post: its type first, then its body under the cap, then its fields."""
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind != FORM_TYPE:
        raise BadForm(415, f"a sign-in post must be {FORM_TYPE}")
    return parse_form(await read_capped(request), allowed)


def _page(lang: str, next_path: str, error: str | None = None, name: str = "", status: int = 200) -> Response:
    return HTMLResponse(signin_page(lang, next_path, error, name), status_code=status,
                        headers={"Cache-Control": "no-store"})


async def sign_in_page(request: Request) -> Response:
    """``GET /auth/sign-in``: the sign-in form alone (``?next=`` and ``?lang=`` honoured)."""
    return _page(_lang(request.query_params.get("lang")), safe_next(request.query_params.get("next"), LOGIN_PATH))


async def sign_in(request: Request) -> Response:
    """``POST /auth/sign-in``: check the passcode; set the cookie and 303 back, or show the refusal.

    Cheap refusals first (origin, the throttle, the body's type, size and fields), the hash last.
    """
    if _foreign(request):
        return Response("cross-site sign-in refused", status_code=403)
    settings = _settings()
    if not isinstance(settings, Refusal):
        held = login_guard().check(_client(request, settings), now())
        if held is not None:  # the address waits or is locked: its body is not even read
            return _refused(held, _lang(request.query_params.get("lang")), LOGIN_PATH, "")
    try:
        form = await _form(request, SIGN_IN_FIELDS)
    except BadForm as bad:
        return bad.response()
    lang, next_path = _lang(form.get("ui_lang")), safe_next(form.get("next"), LOGIN_PATH)
    name = form.get("user", "").strip()[:200]
    if isinstance(settings, Refusal):
        return _page(lang, next_path, word(settings.code, settings.params, lang), name, 500)
    result = await run_in_threadpool(authenticate, form.get("passcode", ""), settings, login_guard(),
                                     _client(request, settings), now(), name or None)
    if isinstance(result, Refusal):
        return _refused(result, lang, next_path, name)
    return _signed_in(result, settings, next_path, _https(request, settings))


def _refused(refusal: Refusal, lang: str, next_path: str, name: str) -> Response:
    status = 429 if refusal.reason in ("delay", "locked", "busy") or refusal.until else 401
    response = _page(lang, next_path, word(refusal.code, refusal.params, lang), name, status)
    if refusal.until:
        response.headers["Retry-After"] = str(max(1, int((refusal.until - now()).total_seconds())))
    return response


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
    try:
        form = await _form(request, SIGN_OUT_FIELDS)
    except BadForm as bad:
        return bad.response()
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
