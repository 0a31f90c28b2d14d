"""The sign-in cookie: a grant (user, role, issue and expiry time) signed with a server key (pure).

A token is ``<payload>.<signature>``: the payload is the grant as compact JSON in URL-safe
base64 without padding, the signature HMAC-SHA256 of the payload's text under the key, also
base64. ``decode`` answers None for anything it cannot vouch for — a wrong signature (compared
in constant time), another key, a malformed token, an unknown role, a grant not yet valid or
expired — so a page treats it like no cookie at all. The token is not encrypted: it carries
nothing secret (a name and a role), only nothing forgeable.

``safe_next`` keeps the page to return to after signing in to a relative path of this site.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from lib.core.auth import Grant
from lib.core.model import Role

VERSION = 1
MAX_TOKEN = 4096  # a browser keeps about 4 KiB per cookie; anything longer is not ours
MAX_USER = 200
CLOCK_SKEW = timedelta(minutes=2)  # another process's clock may run a little ahead


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _sign(payload: str, key: bytes) -> str:
    return _b64(hmac.new(key, payload.encode("ascii"), hashlib.sha256).digest())


def encode(grant: Grant, key: bytes, generation: str = "") -> str:
    """The signed token of ``grant`` (times kept to the second), bound to the role's passcode ``generation``.

    >>> from lib.core.auth import signed_in
    >>> g = signed_in(Role.SECRETARY, "Thư ký", datetime(2020, 5, 1, 8, tzinfo=UTC), 240)
    >>> decode(encode(g, b"k" * 32), b"k" * 32, datetime(2020, 5, 1, 9, tzinfo=UTC)) == g
    True
    """
    if not key:
        raise ValueError("a grant token needs a key")
    body = {"v": VERSION, "u": grant.user[:MAX_USER], "r": grant.role.value,
            "iat": int(grant.issued_at.timestamp()), "exp": int(grant.expires_at.timestamp()), "g": generation}
    payload = _b64(json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))
    return f"{payload}.{_sign(payload, key)}"


def decode(token: str | None, key: bytes, now: datetime, generation: Callable[[Role], str] | None = None,
           ) -> Grant | None:
    """The grant ``token`` carries, if it is signed with ``key`` and valid at ``now``; else None.

    With ``generation`` (the role's passcode generation now, ``lib.core.auth.passcode_generation``),
    a token issued under another passcode is None too: a changed passcode ends that role's sign-ins.
    """
    if not token or not key or len(token) > MAX_TOKEN or token.count(".") != 1:
        return None
    payload, signature = token.split(".")
    try:
        expected = _sign(payload, key)
    except UnicodeEncodeError:
        return None
    if not hmac.compare_digest(expected.encode("ascii"), signature.encode("utf-8", "replace")):
        return None
    try:
        body = json.loads(_unb64(payload).decode("utf-8"))
        if not isinstance(body, dict) or body.get("v") != VERSION:
            return None
        user, role, issued, expires = body["u"], Role(body["r"]), body["iat"], body["exp"]
        if generation is not None and not hmac.compare_digest(str(body.get("g", "")), generation(role)):
            return None
        if not isinstance(user, str) or not all(type(x) is int for x in (issued, expires)):
            return None
        issued_at = datetime.fromtimestamp(issued, UTC)
        expires_at = datetime.fromtimestamp(expires, UTC)
    except (ValueError, KeyError, TypeError, OverflowError, OSError, binascii.Error):
        return None
    if role is Role.VIEWER or not issued_at - CLOCK_SKEW <= now < expires_at:
        return None
    return Grant(role, user, issued_at, expires_at)


def safe_next(target: str | None, default: str = "/") -> str:
    """``target`` when it is a path of this site (``/…``, not ``//host`` nor ``/\\host``), else ``default``.

    >>> safe_next("/tru-bi?lang=en"), safe_next("//evil.example/x"), safe_next("https://evil.example")
    ('/tru-bi?lang=en', '/', '/')
    """
    if not target or len(target) > 1000 or not target.startswith("/") or target.startswith(("//", "/\\")):
        return default
    if any(ord(c) < 0x20 or c in "\\\x7f" for c in target):
        return default
    return target
