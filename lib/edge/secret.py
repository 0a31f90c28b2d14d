"""The server's two keys: the records key (signs ``Chot``, ``BieuQuyet``, ``DeCu`` rows) and the cookie key.

Two separate secrets, so rotating one never touches the other (a new cookie key signs
everybody out and leaves every signed record valid; a records key is never rotated while a
signed freeze stands):

- the records key: ``[auth] records_secret`` in ``.streamlit/secrets.toml`` (``$THIDUA_SECRETS``),
  else the old name ``[auth] freeze_secret`` (so a deployment configured before the split
  keeps verifying its rows), else 32 random bytes written once to ``freeze.secret`` in the
  cache directory (``$THIDUA_CACHE_DIR``, else ``.cache/``; the old file name, for the same
  reason);
- the cookie key: ``[auth] signin_secret``, else generated once into ``cookie.secret`` there.

The records key never signs a row itself: each workbook signs with its own key derived from it
(``workbook_key``, over the workbook's id: a Google Sheet's key, a local file's resolved path), so
a row signed in a copy of the sheet ("Make a copy", a rehearsal file) never verifies in another.
``bound_key`` chooses it, keeping the plain records key for a workbook whose rows were all signed
with it before this (legacy).

A generated file has mode 0600 and is created exclusively so that two processes starting at
once agree on one secret. Every process of one host then signs and checks with the same keys;
a second host needs the same ``records_secret`` in its secrets. ``records_key_origin`` says
where the records key comes from, for the message that refuses writes when it cannot verify
a signed freeze.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import time
import tomllib
from pathlib import Path

from lib.core.errors import ConfigError
from lib.core.freeze import NOMINATIONS_SIGNED, VOTES_SIGNED
from lib.core.grammar import NOMINATIONS, VOTES, find_tab
from lib.core.model import RawWorkbook
from lib.core.records import parse_freeze, signed_rows

CACHE_DIR_ENV = "THIDUA_CACHE_DIR"
SECRETS_ENV = "THIDUA_SECRETS"
ROOT = Path(__file__).resolve().parents[2]
SECRET_FILE = "freeze.secret"  # the records key's generated file (its name from before the split)
COOKIE_FILE = "cookie.secret"
RECORDS_NAMES = ("records_secret", "freeze_secret")  # the new name first; the old one still read
COOKIE_NAME = "signin_secret"  # not "cookie_secret": that is Streamlit's own st.login key
MIN_LENGTH = 16


def cache_dir() -> Path:
    """Where the last good data, the state database and the generated secret live."""
    return Path(os.environ.get(CACHE_DIR_ENV) or ROOT / ".cache")


def secrets_file() -> Path:
    """The secrets file in use ($THIDUA_SECRETS, else .streamlit/secrets.toml)."""
    return Path(os.environ.get(SECRETS_ENV) or ROOT / ".streamlit" / "secrets.toml")


def records_key(secrets_path: Path | None = None, directory: Path | None = None) -> bytes:
    """The key that signs ``Chot``, ``BieuQuyet`` and ``DeCu`` rows (``ConfigError``: the configured one is bad)."""
    configured = _configured(secrets_path or secrets_file(), RECORDS_NAMES)
    if configured is not None:
        return configured
    return _generated(directory or cache_dir(), SECRET_FILE)


freeze_key = records_key
"""The records key's name before the cookie key was split off (kept for callers not yet renamed)."""


def records_key_origin(secrets_path: Path | None = None, directory: Path | None = None) -> str:
    """Where the records key is read from now, in words: the secrets file's entry or the generated cache file."""
    path = secrets_path or secrets_file()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    except (OSError, tomllib.TOMLDecodeError):
        data = {}
    table = data.get("auth") if isinstance(data.get("auth"), dict) else {}
    name = next((n for n in RECORDS_NAMES if n in table), None)
    if name is not None:
        return f"[auth] {name} trong {path}"
    return f"tệp {(directory or cache_dir()) / SECRET_FILE} (không có [auth] records_secret trong {path})"


def cookie_key(secrets_path: Path | None = None, directory: Path | None = None) -> bytes:
    """The key that signs the sign-in cookie: ``[auth] signin_secret``, else generated once; never the records key.

    Hashed with a fixed label, so even a configured value equal to the records secret never
    makes a signed record pass for a cookie or the other way round.
    """
    configured = _configured(secrets_path or secrets_file(), (COOKIE_NAME,))
    raw = configured if configured is not None else _generated(directory or cache_dir(), COOKIE_FILE)
    return hmac.new(raw, b"thidua sign-in cookie v2", hashlib.sha256).digest()


grant_key = cookie_key
"""The cookie key's old name (kept for callers not yet renamed)."""


def _configured(path: Path, names: tuple[str, ...]) -> bytes | None:
    if not path.exists():
        return None
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(str(path), "", f"không đọc được tệp bí mật: {exc}") from exc
    table = data.get("auth") if isinstance(data.get("auth"), dict) else {}
    name = next((n for n in names if n in table), None)
    if name is None:
        return None
    value = table[name]
    if not isinstance(value, str) or len(value.strip()) < MIN_LENGTH:
        raise ConfigError(str(path), f"[auth] {name}", f"cần là một chuỗi ít nhất {MIN_LENGTH} ký tự")
    return value.strip().encode("utf-8")


def _generated(directory: Path, name: str) -> bytes:
    path = directory / name
    try:
        directory.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(fd, "w", encoding="ascii") as out:
                out.write(secrets.token_hex(32))
                out.flush()
                os.fsync(out.fileno())
        for _ in range(50):  # another process may be between creating the file and writing it
            text = path.read_text(encoding="ascii").strip()
            if text:
                return text.encode("ascii")
            time.sleep(0.02)
    except OSError as exc:
        raise ConfigError(str(path), "", f"không tạo hay đọc được khóa ký bản chốt: {exc}") from exc
    raise ConfigError(str(path), "", "tệp khóa ký bản chốt trống")


SIGNED_TABS = ("Chot", "BieuQuyet", "DeCu")
"""The tabs whose rows carry a signature made with the records key."""


def key_for(raw: RawWorkbook, given: bytes | None = None) -> bytes | None:
    """``given``, else the records key when ``raw`` holds a signed record to check (None: nothing to check).

    So a workbook with no freeze, vote or nomination costs no secret (a tool on another host makes none).
    """
    if given is not None:
        return given
    return records_key() if any(find_tab(raw, tab) is not None for tab in SIGNED_TABS) else None


WORKBOOK_LABEL = b"thidua workbook v1:"


def workbook_key(server_key: bytes, workbook_id: str) -> bytes:
    """The key that signs one workbook's records: HMAC-SHA256(records key, label + the workbook's id).

    >>> workbook_key(b"k", "gsheet:A") != workbook_key(b"k", "gsheet:B")
    True
    """
    return hmac.new(server_key, WORKBOOK_LABEL + workbook_id.encode("utf-8"), hashlib.sha256).digest()


def bound_key(raw: RawWorkbook, server_key: bytes, workbook: str | None) -> bytes:
    """The key ``raw``'s records are signed and checked with: ``workbook``'s own key, or (legacy) the records key.

    The plain records key is kept only when it verifies a signed row of ``Chot``, ``BieuQuyet`` or
    ``DeCu`` and the workbook's key verifies none (rows signed before workbooks had their own key);
    such a workbook goes on signing with it, so its chains stay whole. Without ``workbook`` (nothing
    to bind to: a blank sheet being written) the records key itself.
    """
    if workbook is None:
        return server_key
    bound = workbook_key(server_key, workbook)
    if _verifies_any(raw, bound) or not _verifies_any(raw, server_key):
        return bound
    return server_key


def _verifies_any(raw: RawWorkbook, key: bytes) -> bool:
    """True when ``key`` verifies at least one signed row of ``raw``'s ``Chot``, ``BieuQuyet`` or ``DeCu``."""
    if parse_freeze(find_tab(raw, "Chot"), None, (), key, []).events:
        return True
    return any(signed_rows(find_tab(raw, tab), headers, domain, key, [])[0]
               for tab, headers, domain in (("BieuQuyet", VOTES, VOTES_SIGNED),
                                            ("DeCu", NOMINATIONS, NOMINATIONS_SIGNED)))


def read_key(raw: RawWorkbook, workbook: str | None, given: bytes | None = None) -> bytes | None:
    """The key a tool checks ``raw`` with: ``key_for``'s records key bound to ``workbook`` (None: nothing to check)."""
    server = key_for(raw, given)
    return None if server is None else bound_key(raw, server, workbook)
