"""OAuth2 for the fake Sheets API: the token endpoint and the check of ``Bearer`` tokens.

``POST /token`` takes the JWT-bearer grant google-auth's service-account credentials send
(``grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer&assertion=<JWT>``) and answers
``{"access_token", "expires_in", "token_type"}``. When the JWT's issuer (the service
account's e-mail) has a registered public key, the RS256 signature is checked; an unknown
issuer is accepted unless ``accept_unknown`` is False. Failures are answered as Google's
token endpoint does: 400 ``{"error": "invalid_grant", "error_description": ...}``.
"""

from __future__ import annotations

import base64
import json
import secrets
import threading
import time
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from .errors import ApiError

__all__ = ["JWT_GRANT", "TOKEN_SECONDS", "Tokens"]

JWT_GRANT = "urn:ietf:params:oauth:grant-type:jwt-bearer"
TOKEN_SECONDS = 3599
_BAD_TIME = (
    "Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe. "
    "Check your iat and exp values in the JWT claim."
)


def _b64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class Tokens:
    """Registered service accounts and the access tokens issued to them; thread-safe."""

    def __init__(self, accept_unknown: bool = True) -> None:
        self.accept_unknown = accept_unknown
        self._lock = threading.Lock()
        self._tokens: dict[str, float] = {}
        self._accounts: dict[str, rsa.RSAPublicKey] = {}

    def register(self, email: str, public_key_pem: bytes | str) -> None:
        data = public_key_pem.encode() if isinstance(public_key_pem, str) else public_key_pem
        key = serialization.load_pem_public_key(data)
        if not isinstance(key, rsa.RSAPublicKey):
            raise TypeError("an RSA public key is required")
        with self._lock:
            self._accounts[email] = key

    def expire(self) -> None:
        with self._lock:
            self._tokens.clear()

    def check(self, header: str) -> None:
        """Raise a 401 ``ApiError`` unless ``header`` is ``Bearer <a live token>``."""
        if not header.startswith("Bearer "):
            raise ApiError.unauthenticated(missing=True)
        with self._lock:
            expiry = self._tokens.get(header[len("Bearer ") :], 0.0)
        if expiry < time.time():
            raise ApiError.unauthenticated(missing=False)

    def grant(self, form: dict[str, str]) -> tuple[int, dict[str, Any]]:
        """Answer a token request given as its decoded form fields."""

        def bad(error: str, description: str) -> tuple[int, dict[str, Any]]:
            return 400, {"error": error, "error_description": description}

        if form.get("grant_type") != JWT_GRANT:
            return bad("unsupported_grant_type", f"Invalid grant_type: {form.get('grant_type', '')}")
        try:
            head, claims_b64, sig = form.get("assertion", "").split(".")
            claims = json.loads(_b64(claims_b64))
            iat, exp = float(claims.get("iat", 0)), float(claims.get("exp", 0))
        except (ValueError, AttributeError):
            return bad("invalid_grant", "Invalid JWT: could not be decoded.")
        with self._lock:
            key = self._accounts.get(str(claims.get("iss", "")))
        if key is None and not self.accept_unknown:
            return bad("invalid_grant", "Invalid grant: account not found")
        if key is not None:
            try:
                key.verify(_b64(sig), f"{head}.{claims_b64}".encode(), padding.PKCS1v15(), hashes.SHA256())
            except (InvalidSignature, ValueError):
                return bad("invalid_grant", "Invalid JWT Signature.")
        now = time.time()
        if not iat - 300 <= now <= exp + 300:
            return bad("invalid_grant", _BAD_TIME)
        token = "ya29.fake." + secrets.token_urlsafe(24)
        with self._lock:
            self._tokens[token] = now + TOKEN_SECONDS
        return 200, {"access_token": token, "expires_in": TOKEN_SECONDS, "token_type": "Bearer"}
