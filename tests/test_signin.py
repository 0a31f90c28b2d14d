"""The sign-in cookie: the pure token, and the ``/auth/sign-in`` route of a started server."""

from __future__ import annotations

import base64
import json
import urllib.error
import urllib.parse
import urllib.request
from datetime import UTC, datetime, timedelta
from http.cookies import SimpleCookie
from pathlib import Path

import pytest

from lib.core.auth import Grant, hash_passcode, signed_in
from lib.core.grant_token import decode, encode, safe_next
from lib.core.model import Role
from tests.servers import dashboard, live_config

KEY, OTHER = b"k" * 32, b"o" * 32
T0 = datetime(2020, 5, 1, 8, 0, tzinfo=UTC)
PASSCODE, ADMIN = "thu-ky-2020", "quan-tri-2020"


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


# --- the token -------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.SECRETARY, Role.ADMIN])
def test_a_token_round_trips_its_grant(role: Role) -> None:
    grant = signed_in(role, "Nguyễn Thị Thư Ký", T0, 240)
    assert decode(encode(grant, KEY), KEY, at(60)) == grant


def test_a_token_expires_with_its_grant() -> None:
    token = encode(signed_in(Role.SECRETARY, "tk", T0, 30), KEY)
    assert decode(token, KEY, at(30 * 60 - 1)) is not None
    assert decode(token, KEY, at(30 * 60)) is None
    assert decode(token, KEY, at(-3600)) is None  # issued in the future: not yet valid


def test_a_token_under_another_key_is_refused() -> None:
    token = encode(signed_in(Role.ADMIN, "qt", T0, 30), KEY)
    assert decode(token, OTHER, at(1)) is None
    assert decode(token, b"", at(1)) is None


def _forged(token: str, **changes: object) -> str:
    payload, signature = token.split(".")
    body = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    body.update(changes)
    raw = base64.urlsafe_b64encode(json.dumps(body).encode()).rstrip(b"=").decode()
    return f"{raw}.{signature}"


def test_a_tampered_token_is_refused() -> None:
    token = encode(signed_in(Role.SECRETARY, "tk", T0, 30), KEY)
    assert decode(_forged(token, r="admin"), KEY, at(1)) is None  # promoted
    assert decode(_forged(token, exp=int(at(10**6).timestamp())), KEY, at(1)) is None  # lengthened
    payload, signature = token.split(".")
    flipped = signature[:-1] + ("A" if signature[-1] != "A" else "B")
    assert decode(f"{payload}.{flipped}", KEY, at(1)) is None


@pytest.mark.parametrize("token", [None, "", "abc", "a.b.c", ".", "é.é", "x" * 5000, "e30.AAAA"])
def test_malformed_tokens_are_none(token: str | None) -> None:
    assert decode(token, KEY, at(1)) is None


def test_a_correctly_signed_token_with_a_bad_body_is_none() -> None:
    import hashlib
    import hmac

    for body in ({"v": 1, "u": "x", "r": "viewer", "iat": 0, "exp": 2**40}, {"v": 2}, [1], {"v": 1, "u": 1}):
        payload = base64.urlsafe_b64encode(json.dumps(body).encode()).rstrip(b"=").decode()
        signature = base64.urlsafe_b64encode(hmac.new(KEY, payload.encode(), hashlib.sha256).digest()).rstrip(b"=")
        assert decode(f"{payload}.{signature.decode()}", KEY, at(1)) is None


@pytest.mark.parametrize(("target", "expected"), [
    ("/tru-bi", "/tru-bi"), ("/chot?lang=en", "/chot?lang=en"), (None, "/d"), ("", "/d"),
    ("//evil.example/", "/d"), ("/\\evil.example", "/d"), ("https://evil.example/", "/d"),
    ("javascript:alert(1)", "/d"), ("/a\r\nSet-Cookie: x=1", "/d"), ("tru-bi", "/d"),
])
def test_safe_next_keeps_only_paths_of_this_site(target: str | None, expected: str) -> None:
    assert safe_next(target, "/d") == expected


# --- the route, against a started server -----------------------------------------------------


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


_opener = urllib.request.build_opener(_NoRedirect)


def post(url: str, fields: dict[str, str], headers: dict[str, str] | None = None) -> tuple[int, dict, str]:
    """POST a form; (status, headers, body) without following a redirect."""
    request = urllib.request.Request(url, data=urllib.parse.urlencode(fields).encode(), method="POST",
                                     headers={"Content-Type": "application/x-www-form-urlencoded", **(headers or {})})
    try:
        with _opener.open(request, timeout=30) as answer:
            return answer.status, answer.headers, answer.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read().decode()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory):
    tmp = tmp_path_factory.mktemp("signin")
    config, _ = live_config(tmp, 15)
    secrets = tmp / "secrets.toml"
    secrets.write_text(f'[auth]\nsecretary = "{hash_passcode(PASSCODE)}"\nadmin = "{hash_passcode(ADMIN)}"\n'
                       'session_minutes = 90\ntrusted_proxies = ["127.0.0.1"]\n', encoding="utf-8")
    with dashboard(config, secrets=secrets, log=tmp / "streamlit.log",
                   env={"THIDUA_CACHE_DIR": str(tmp / "cache")}) as url:
        CACHES[url] = tmp / "cache"
        yield url


CACHES: dict[str, Path] = {}


def _cookie(headers) -> SimpleCookie:
    jar = SimpleCookie()
    for value in headers.get_all("set-cookie") or []:
        jar.load(value)
    return jar


def test_the_right_passcode_sets_a_signed_http_only_strict_cookie_and_sends_back(server: str) -> None:
    status, headers, _ = post(f"{server}/auth/sign-in", {"user": "Thư ký Cụm", "passcode": PASSCODE,
                                                        "next": "/tru-bi"}, {"X-Forwarded-For": "203.0.113.1"})
    assert status == 303 and headers["location"] == "/tru-bi"
    raw = headers["set-cookie"]
    assert "HttpOnly" in raw and "SameSite=strict" in raw.replace("Strict", "strict") and "Path=/" in raw
    assert "Secure" not in raw  # plain http here
    morsel = _cookie(headers)["thidua_grant"]
    assert morsel["max-age"] == str(90 * 60)
    body = json.loads(base64.urlsafe_b64decode(morsel.value.split(".")[0] + "=="))
    assert body["u"] == "Thư ký Cụm" and body["r"] == "secretary" and body["exp"] - body["iat"] == 90 * 60


def test_https_through_the_trusted_proxy_marks_the_cookie_secure(server: str) -> None:
    status, headers, _ = post(f"{server}/auth/sign-in", {"passcode": ADMIN},
                              {"X-Forwarded-For": "203.0.113.2", "X-Forwarded-Proto": "https"})
    assert status == 303 and headers["location"] == "/dang-nhap"  # no next: the sign-in page
    assert "Secure" in headers["set-cookie"]


def test_a_foreign_next_is_replaced_by_the_sign_in_page(server: str) -> None:
    status, headers, _ = post(f"{server}/auth/sign-in", {"passcode": PASSCODE, "next": "//evil.example/x"},
                              {"X-Forwarded-For": "203.0.113.3"})
    assert status == 303 and headers["location"] == "/dang-nhap"


def test_a_wrong_passcode_is_refused_without_a_cookie_and_then_throttled(server: str) -> None:
    me = {"X-Forwarded-For": "198.51.100.20"}
    status, headers, body = post(f"{server}/auth/sign-in", {"passcode": "sai-ma", "ui_lang": "en"}, me)
    assert status == 429 and "set-cookie" not in headers  # wrong, and the address now waits 1 s
    assert "Wrong passcode" in body and "Try again in 1 s" in body and headers["retry-after"] == "1"
    # "too soon, even if right" is clocked in process below: a second post here might come after the 1 s


def test_the_right_passcode_too_soon_after_a_wrong_one_is_throttled_and_admitted_once_the_delay_is_over(
        monkeypatch) -> None:
    """The throttle on the process's clock, held still by the test: no race with the 1 s delay."""
    import web.signin as signin
    from lib.core.auth import LoginGuard

    guard, failed = LoginGuard(), datetime(2026, 3, 1, 8, 0, tzinfo=UTC)
    guard.record_failure("198.51.100.9", failed)  # the address of ``_call``'s client
    body = urllib.parse.urlencode({"user": "tk", "passcode": PASSCODE}).encode()
    monkeypatch.setattr(signin, "now", lambda: failed + timedelta(milliseconds=999))
    status, headers, text, taken = _call([body], FORM, monkeypatch, guard)
    assert status == 429 and "set-cookie" not in headers and "Thử lại sau" in text and taken == 0
    monkeypatch.setattr(signin, "now", lambda: failed + timedelta(seconds=1))
    status, headers, _, _ = _call([body], FORM, monkeypatch, guard)
    assert status == 303 and "thidua_grant=" in headers["set-cookie"]


def test_sixty_wrong_passcodes_from_other_addresses_do_not_stop_the_right_one(server: str) -> None:
    for i in range(60):
        status, headers, _ = post(f"{server}/auth/sign-in", {"passcode": f"doan-{i}"},
                                  {"X-Forwarded-For": f"192.0.2.{i + 1}"})
        assert status in (401, 429) and "set-cookie" not in headers
    status, headers, _ = post(f"{server}/auth/sign-in", {"user": "Thư ký", "passcode": PASSCODE},
                              {"X-Forwarded-For": "203.0.113.77"})
    assert status == 303 and "thidua_grant=" in headers["set-cookie"]


def test_a_cross_site_post_is_refused(server: str) -> None:
    status, headers, _ = post(f"{server}/auth/sign-in", {"passcode": PASSCODE},
                              {"Origin": "https://evil.example", "X-Forwarded-For": "203.0.113.4"})
    assert status == 403 and "set-cookie" not in headers


def test_sign_out_clears_the_cookie(server: str) -> None:
    status, headers, _ = post(f"{server}/auth/sign-out", {"next": "/tru-bi"})
    assert status == 303 and headers["location"] == "/tru-bi"
    morsel = _cookie(headers)["thidua_grant"]
    assert morsel.value == "" and morsel["max-age"] == "0"
    assert morsel["httponly"] and morsel["samesite"].lower() == "strict"


def test_the_sign_in_page_is_served_alone(server: str) -> None:
    with urllib.request.urlopen(f"{server}/auth/sign-in?next=/chot&lang=en", timeout=10) as answer:
        body = answer.read().decode()
    assert 'action="/auth/sign-in"' in body and 'value="/chot"' in body and "Passcode" in body


def test_the_cookie_verifies_under_the_servers_key_as_the_pages_check_it(server: str) -> None:
    from lib.edge.secret import grant_key

    _, headers, _ = post(f"{server}/auth/sign-in", {"passcode": ADMIN}, {"X-Forwarded-For": "203.0.113.5"})
    token = _cookie(headers)["thidua_grant"].value
    grant = decode(token, grant_key(directory=CACHES[server]), datetime.now(UTC))
    assert isinstance(grant, Grant) and grant.role is Role.ADMIN and grant.user == "admin"
    assert decode(token, OTHER, datetime.now(UTC)) is None


# --- hostile bodies: refused before any work, read under a hard cap -----------------------------


class _Body:
    """An ASGI ``receive`` that hands out ``chunks`` one by one and counts what the app took."""

    def __init__(self, chunks: list[bytes]) -> None:
        self.chunks = chunks
        self.taken = 0

    async def __call__(self) -> dict:
        if self.taken >= len(self.chunks):
            return {"type": "http.disconnect"}
        self.taken += 1
        return {"type": "http.request", "body": self.chunks[self.taken - 1], "more_body": self.taken < len(self.chunks)}


def _call(chunks: list[bytes], headers: dict[str, str], monkeypatch, guard=None, path: str = "/auth/sign-in"):
    """POST ``chunks`` to ``web.signin``'s routes in this process; (status, headers, body, chunks taken)."""
    import asyncio

    import web.signin as signin
    from lib.core.auth import AuthSettings, LoginGuard

    settings = AuthSettings(admin=None, secretary=hash_passcode(PASSCODE), session_minutes=30, trusted_proxies=())
    monkeypatch.setattr(signin, "_settings", lambda: settings)
    monkeypatch.setattr(signin, "login_guard", lambda: guard or LoginGuard())
    monkeypatch.setattr(signin, "cookie_key", lambda: KEY)
    scope = {"type": "http", "method": "POST", "path": path, "raw_path": path.encode(), "query_string": b"",
             "headers": [(k.lower().encode(), v.encode()) for k, v in {"host": "x", **headers}.items()],
             "client": ("198.51.100.9", 5000), "server": ("x", 80), "scheme": "http", "http_version": "1.1"}
    body = _Body(chunks)
    sent: list[dict] = []

    async def send(message: dict) -> None:
        sent.append(message)

    route = signin.sign_in if path == "/auth/sign-in" else signin.sign_out
    from starlette.routing import request_response

    asyncio.run(request_response(route)(scope, body, send))
    start = next(m for m in sent if m["type"] == "http.response.start")
    text = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body").decode()
    return start["status"], {k.decode(): v.decode() for k, v in start["headers"]}, text, body.taken


FORM = {"content-type": "application/x-www-form-urlencoded"}


def test_a_chunked_body_past_the_cap_is_413_after_reading_no_more_than_the_cap(monkeypatch) -> None:
    from web.signin import MAX_FORM

    chunks = [b"user=" + b"x" * (1 << 20)] + [b"&f%d=" % i + b"y" * (1 << 20) for i in range(29)]  # 30 MB
    status, _, body, taken = _call(chunks, FORM, monkeypatch)
    assert status == 413 and str(MAX_FORM) in body
    assert taken == 1  # the first megabyte already passed the cap: the other 29 were never read
    small = [b"passcode=" + b"z" * 1000] * 9  # 9 KB in small pieces: stopped at the ninth
    status, _, _, taken = _call(small, FORM, monkeypatch)
    assert status == 413 and taken == 9


def test_a_declared_length_past_the_cap_is_413_without_reading(monkeypatch) -> None:
    status, _, _, taken = _call([b"passcode=x"], {**FORM, "content-length": "99999999"}, monkeypatch)
    assert status == 413 and taken == 0


@pytest.mark.parametrize("body", [b"passcode=x&extra=1", b"passcode=x&passcode=y", b"f1=&f2=&f3=&f4=&f5=",
                                  b"\xff\xfe=1", b"user=a&next=/&ui_lang=en&passcode=1&more=2"])
def test_fields_other_than_the_forms_own_are_400(monkeypatch, body: bytes) -> None:
    status, _, _, _ = _call([body], FORM, monkeypatch)
    assert status == 400


def test_a_body_that_is_not_a_form_is_415_unread(monkeypatch) -> None:
    status, _, _, taken = _call([b"--b\r\n" + b"x" * 100], {"content-type": "multipart/form-data; boundary=b"},
                                monkeypatch)
    assert status == 415 and taken == 0


def test_a_throttled_address_is_refused_before_its_body_is_read(monkeypatch) -> None:
    from lib.core.auth import LoginGuard
    from web.auth import now

    guard = LoginGuard()
    guard.record_failure("198.51.100.9", now())  # the address now waits
    status, headers, body, taken = _call([b"x" * (1 << 20)] * 30, FORM, monkeypatch, guard)
    assert status == 429 and taken == 0 and "retry-after" in headers and "set-cookie" not in headers


def test_the_right_passcode_still_signs_in_through_the_capped_reader(monkeypatch) -> None:
    body = urllib.parse.urlencode({"user": "tk", "passcode": PASSCODE, "next": "/tru-bi", "ui_lang": "vi"}).encode()
    status, headers, _, _ = _call([body[:10], body[10:]], FORM, monkeypatch)
    assert status == 303 and headers["location"] == "/tru-bi" and "thidua_grant=" in headers["set-cookie"]
    status, _, _, _ = _call([b"next=%2Ftru-bi&bogus=1"], FORM, monkeypatch, path="/auth/sign-out")
    assert status == 400


def test_the_server_answers_a_chunked_flood_with_413_before_the_flood_is_sent(server: str) -> None:
    import socket

    host, port = server.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=30) as sock:
        sock.sendall(b"POST /auth/sign-in HTTP/1.1\r\nHost: %s:%s\r\nTransfer-Encoding: chunked\r\n"
                     b"Content-Type: application/x-www-form-urlencoded\r\nX-Forwarded-For: 203.0.113.90\r\n\r\n"
                     % (host.encode(), port.encode()))
        sock.sendall(b"%x\r\n%s\r\n" % (1 << 20, b"user=" + b"x" * ((1 << 20) - 5)))  # one of the 30 MB, then wait
        answer = sock.recv(4096)
    assert answer.startswith(b"HTTP/1.1 413")
