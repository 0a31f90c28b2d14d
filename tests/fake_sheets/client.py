"""Real gspread and google-auth clients pointed at a ``FakeSheetsServer``, with no patching.

- ``service_account_info(server)``: a service-account JSON dict with a throwaway RSA key
  (made once per process) whose ``token_uri`` is the server's ``/token``; the key is
  registered with the server, which checks the JWT signature.
- ``rewrite_session(server)`` / ``mount_fake(session, server)``: a ``requests.Session``
  whose adapter sends ``https://sheets.googleapis.com/...`` (and ``www.googleapis.com``,
  ``oauth2.googleapis.com``) to the server instead; give it to production code that takes a
  session, or mount it on the ``AuthorizedSession`` production code builds.
- ``authorized_session(server)``: google-auth's ``AuthorizedSession`` over those credentials,
  its token refreshes routed the same way.
- ``make_client(server)``: ``gspread.Client(auth=None, session=authorized_session(...))``,
  the same object production code gets from gspread, talking to 127.0.0.1 only.
"""

from __future__ import annotations

import functools
import json
import secrets
from collections.abc import Iterable, Mapping
from typing import Any, TypeVar
from urllib.parse import urlsplit, urlunsplit

import gspread
import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from google.auth.transport.requests import AuthorizedSession, Request
from google.oauth2 import service_account
from requests.adapters import HTTPAdapter

from .server import FakeSheetsServer

__all__ = [
    "GOOGLE_HOSTS",
    "RewriteAdapter",
    "authorized_session",
    "credentials",
    "make_client",
    "mount_fake",
    "rewrite_session",
    "secrets_toml",
    "service_account_info",
    "sheet_settings",
]

GOOGLE_HOSTS = ("sheets.googleapis.com", "www.googleapis.com", "oauth2.googleapis.com")
SCOPES = tuple(gspread.auth.DEFAULT_SCOPES)
EMAIL = "thidua-test@fake-project.iam.gserviceaccount.com"
S = TypeVar("S", bound=requests.Session)


@functools.cache
def _key_pem() -> tuple[str, bytes]:
    """(private key PEM, public key PEM) of the process's throwaway RSA key."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    public = key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    return private, public


def service_account_info(server: FakeSheetsServer, *, email: str = EMAIL, register: bool = True) -> dict[str, str]:
    """A service-account key dict for the fake (``register=False``: the server does not know the key)."""
    private, public = _key_pem()
    if register:
        server.register_service_account(email, public)
    return {
        "type": "service_account",
        "project_id": "fake-project",
        "private_key_id": secrets.token_hex(20),
        "private_key": private,
        "client_email": email,
        "client_id": "100000000000000000001",
        "auth_uri": "https://accounts.google.com/o/oauth2/auth",
        "token_uri": server.token_uri,
        "auth_provider_x509_cert_url": "https://www.googleapis.com/oauth2/v1/certs",
        "client_x509_cert_url": "https://www.googleapis.com/robot/v1/metadata/x509/" + email.replace("@", "%40"),
        "universe_domain": "googleapis.com",
    }


def sheet_settings(server: FakeSheetsServer, spreadsheet: str, **extra: Any) -> dict[str, Any]:
    """A ``[connections.gsheets]`` table for the project's settings-driven code path: the sheet,
    ``api_endpoint`` = the fake's URL and the fields of ``service_account_info(server)``."""
    return {"spreadsheet": spreadsheet, "api_endpoint": server.url, **service_account_info(server), **extra}


def secrets_toml(sections: Mapping[str, Mapping[str, Any]]) -> str:
    """A secrets.toml text with one ``[dotted.name]`` table per entry (values: str, numbers, lists, tables).

    >>> print(secrets_toml({"connections.gsheets": {"spreadsheet": "1x", "retry": {"attempts": 2}}}), end="")
    [connections.gsheets]
    spreadsheet = "1x"
    retry = {attempts = 2}
    """

    def value(v: Any) -> str:
        if isinstance(v, Mapping):
            return "{" + ", ".join(f"{k} = {value(x)}" for k, x in v.items()) + "}"
        if isinstance(v, list | tuple):
            return "[" + ", ".join(value(x) for x in v) + "]"
        if isinstance(v, bool):
            return "true" if v else "false"
        return json.dumps(v)  # a JSON string or number is a valid TOML basic string or number

    lines = []
    for name, table in sections.items():
        lines.append(f"[{name}]")
        lines += [f"{k} = {value(v)}" for k, v in table.items()]
    return "\n".join(lines) + "\n"


class RewriteAdapter(HTTPAdapter):
    """Sends requests for Google's API hosts to ``base_url`` (scheme, host and port replaced)."""

    def __init__(self, base_url: str, hosts: Iterable[str] = GOOGLE_HOSTS, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.base = urlsplit(base_url)
        self.hosts = frozenset(hosts)

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        parts = urlsplit(request.url or "")
        if parts.hostname in self.hosts:
            request = request.copy()
            request.url = urlunsplit((self.base.scheme, self.base.netloc, parts.path, parts.query, ""))
        return super().send(request, **kwargs)


def mount_fake(session: S, server: FakeSheetsServer | str) -> S:
    """Mount the rewriting adapter on ``session`` for every Google host; returns ``session``."""
    adapter = RewriteAdapter(server if isinstance(server, str) else server.url)
    for host in GOOGLE_HOSTS:
        session.mount(f"https://{host}/", adapter)
    session.trust_env = False  # never send test traffic through a proxy from the environment
    return session


def rewrite_session(server: FakeSheetsServer, creds: service_account.Credentials | None = None) -> requests.Session:
    """A session routed to the fake: plain (no auth) or, with ``creds``, an ``AuthorizedSession``."""
    if creds is None:
        return mount_fake(requests.Session(), server)
    return authorized_session(server, creds)


def credentials(
    server: FakeSheetsServer, info: Mapping[str, str] | None = None, scopes: Iterable[str] = SCOPES
) -> service_account.Credentials:
    """google-auth service-account credentials whose token endpoint is the fake's."""
    return service_account.Credentials.from_service_account_info(
        dict(info or service_account_info(server)), scopes=list(scopes)
    )


def authorized_session(server: FakeSheetsServer, creds: service_account.Credentials | None = None) -> AuthorizedSession:
    """google-auth's ``AuthorizedSession`` (refreshes tokens, retries once on 401), routed to the fake."""
    auth_request = Request(mount_fake(requests.Session(), server))
    session = AuthorizedSession(creds or credentials(server), auth_request=auth_request)
    return mount_fake(session, server)


def make_client(
    server: FakeSheetsServer,
    *,
    creds: service_account.Credentials | None = None,
    timeout: float | tuple[float, float] | None = None,
    http_client: gspread.http_client.HTTPClientType = gspread.HTTPClient,
) -> gspread.Client:
    """A real ``gspread.Client`` talking to the fake through an authorised, rewritten session."""
    client = gspread.Client(auth=None, session=authorized_session(server, creds), http_client=http_client)  # type: ignore[arg-type]
    if timeout is not None:
        client.set_timeout(timeout)
    return client
