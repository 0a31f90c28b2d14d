"""The server's secret that signs freeze records and sign-in cookies: from secrets.toml, else generated once.

``[auth] freeze_secret`` in ``.streamlit/secrets.toml`` (``$THIDUA_SECRETS``) when it is set;
otherwise 32 random bytes written once to ``freeze.secret`` in the cache directory
(``$THIDUA_CACHE_DIR``, else ``.cache/``) with mode 0600, created exclusively so that two
processes starting at once agree on one secret. Every process of one host then signs and
checks with the same key; a second host needs the same ``freeze_secret`` in its secrets.
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
from lib.core.grammar import find_tab
from lib.core.model import RawWorkbook

CACHE_DIR_ENV = "THIDUA_CACHE_DIR"
SECRETS_ENV = "THIDUA_SECRETS"
ROOT = Path(__file__).resolve().parents[2]
SECRET_FILE = "freeze.secret"
MIN_LENGTH = 16


def cache_dir() -> Path:
    """Where the last good data, the state database and the generated secret live."""
    return Path(os.environ.get(CACHE_DIR_ENV) or ROOT / ".cache")


def secrets_file() -> Path:
    """The secrets file in use ($THIDUA_SECRETS, else .streamlit/secrets.toml)."""
    return Path(os.environ.get(SECRETS_ENV) or ROOT / ".streamlit" / "secrets.toml")


def freeze_key(secrets_path: Path | None = None, directory: Path | None = None) -> bytes:
    """The key that signs ``Chot`` rows (raises ``ConfigError`` when the configured one is unusable)."""
    configured = _configured(secrets_path or secrets_file())
    if configured is not None:
        return configured
    return _generated(directory or cache_dir())


def grant_key(secrets_path: Path | None = None, directory: Path | None = None) -> bytes:
    """The key that signs the sign-in cookie: derived from the freeze key, so one secret serves both.

    Derived (HMAC-SHA256 with a fixed label) rather than reused, so a signed ``Chot`` row can
    never pass for a cookie or the other way round.
    """
    return hmac.new(freeze_key(secrets_path, directory), b"thidua sign-in cookie v1", hashlib.sha256).digest()


def _configured(path: Path) -> bytes | None:
    if not path.exists():
        return None
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(str(path), "", f"không đọc được tệp bí mật: {exc}") from exc
    value = data.get("auth", {}).get("freeze_secret") if isinstance(data.get("auth"), dict) else None
    if value is None:
        return None
    if not isinstance(value, str) or len(value.strip()) < MIN_LENGTH:
        raise ConfigError(str(path), "[auth] freeze_secret", f"cần là một chuỗi ít nhất {MIN_LENGTH} ký tự")
    return value.strip().encode("utf-8")


def _generated(directory: Path) -> bytes:
    path = directory / SECRET_FILE
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


def key_for(raw: RawWorkbook, given: bytes | None = None) -> bytes | None:
    """``given``, else the server's key when ``raw`` holds a freeze record to check (None: nothing to check).

    So a workbook never frozen costs no secret (a tool on another host makes none).
    """
    if given is not None:
        return given
    return freeze_key() if find_tab(raw, "Chot") is not None else None
