"""Who may write: passcode hashes, the login throttle, session grants (pure, clock injected).

Anyone with the link is a viewer. The secretary and the admin sign in with a passcode whose
salted hash lives in the ``[auth]`` table of ``.streamlit/secrets.toml`` (print one with
``python -m lib hash-passcode``); an e-mail allow-list serves Streamlit's OIDC ``st.login``.
Error messages never repeat a stored hash: it would allow guessing the passcode offline.
"""

from __future__ import annotations

import base64
import difflib
import hashlib
import hmac
import ipaddress
import math
import re
import secrets
import threading
import unicodedata
from collections import deque
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Protocol

from lib.core.errors import ConfigError
from lib.core.model import VN_TIME, Params, Role

DEFAULT_PARAMS = {"scrypt": (2**14, 8, 1), "pbkdf2_sha256": (600_000,)}  # (n, r, p) and (iterations,)
_PARAMS_TEXT = {"scrypt": "n={},r={},p={}", "pbkdf2_sha256": "i={}"}
_PARAMS_RE = {"scrypt": re.compile(r"n=(\d{1,8}),r=(\d{1,3}),p=(\d{1,3})", re.ASCII),
              "pbkdf2_sha256": re.compile(r"i=(\d{1,9})", re.ASCII)}
SALT_BYTES, MAX_PASSCODE = 16, 1024
SECRETS_FILE = ".streamlit/secrets.toml"


@dataclass(frozen=True)
class ParsedHash:
    """A stored hash split into its scheme, cost parameters, salt and digest."""

    scheme: str
    params: tuple[int, ...]
    salt: bytes
    digest: bytes


def _derive(passcode: str, scheme: str, params: tuple[int, ...], salt: bytes, length: int) -> bytes:
    data = unicodedata.normalize("NFC", passcode).encode("utf-8")  # "ệ" typed either way is one passcode
    if scheme == "scrypt":
        n, r, p = params
        return hashlib.scrypt(data, salt=salt, n=n, r=r, p=p, maxmem=128 * r * (n + p + 2) + 2**20, dklen=length)
    return hashlib.pbkdf2_hmac("sha256", data, salt, params[0], dklen=length)


def hash_passcode(passcode: str, salt: bytes | None = None, *, scheme: str | None = None) -> str:
    """A self-describing salted hash: ``scrypt$n=16384,r=8,p=1$<salt b64>$<hash b64>``."""
    scheme = scheme or ("scrypt" if hasattr(hashlib, "scrypt") else "pbkdf2_sha256")
    salt = secrets.token_bytes(SALT_BYTES) if salt is None else salt
    if not passcode or len(passcode) > MAX_PASSCODE or len(salt) < SALT_BYTES or scheme not in DEFAULT_PARAMS:
        raise ValueError(f"need a passcode of 1-{MAX_PASSCODE} characters, a salt of ≥ {SALT_BYTES} bytes "
                         f"and a scheme in {list(DEFAULT_PARAMS)}")
    params = DEFAULT_PARAMS[scheme]
    digest = _derive(passcode, scheme, params, salt, 32)
    b64 = base64.b64encode
    return f"{scheme}${_PARAMS_TEXT[scheme].format(*params)}${b64(salt).decode()}${b64(digest).decode()}"


def parse_hash(stored: object) -> ParsedHash:
    """Split and check a stored hash; ``ValueError`` says what is wrong (without echoing it).

    >>> parse_hash("scrypt$n=16384,r=8,p=1$AAAA") # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ValueError: a passcode hash has 4 parts separated by '$' (scheme$params$salt$hash), not 3...
    """
    if not isinstance(stored, str):
        raise ValueError(f"a passcode hash is text, not {type(stored).__name__}")
    parts = stored.strip().split("$")
    if len(parts) != 4:
        raise ValueError(f"a passcode hash has 4 parts separated by '$' (scheme$params$salt$hash), not {len(parts)}"
                         "; print one with: python -m lib hash-passcode")
    scheme, text, salt_b64, digest_b64 = parts
    if scheme not in _PARAMS_RE:
        raise ValueError(f"unknown hash scheme {scheme[:20]!r}; expected 'scrypt' or 'pbkdf2_sha256'")
    match = _PARAMS_RE[scheme].fullmatch(text)
    if not match:
        example = _PARAMS_TEXT[scheme].format(*DEFAULT_PARAMS[scheme])
        raise ValueError(f"bad {scheme} parameters; expected like {example!r}")
    params = tuple(int(g) for g in match.groups())
    if scheme == "scrypt":
        n, r, p = params
        if n < 2**14 or n & (n - 1) or not 1 <= r <= 32 or not 1 <= p <= 16 or 128 * n * r > 64 * 2**20:
            raise ValueError("scrypt parameters out of range (n a power of 2 from 16384, r 1-32, p 1-16, ≤ 64 MiB)")
    elif not 600_000 <= params[0] <= 10_000_000:
        raise ValueError("pbkdf2_sha256 iterations must be 600000 to 10000000")
    try:
        salt, digest = base64.b64decode(salt_b64, validate=True), base64.b64decode(digest_b64, validate=True)
    except ValueError:
        raise ValueError("the salt or the hash of a passcode hash is not valid base64") from None
    if len(salt) < SALT_BYTES or not 16 <= len(digest) <= 64:
        raise ValueError(f"a passcode hash needs a salt of ≥ {SALT_BYTES} bytes and a hash of 16-64 bytes")
    return ParsedHash(scheme, params, salt, digest)


def verify_passcode(passcode: str, stored: str) -> bool:
    """Whether ``passcode`` matches ``stored``, compared in constant time; a malformed hash is False."""
    try:
        parsed = parse_hash(stored)
    except ValueError:
        return False
    if not 0 < len(passcode) <= MAX_PASSCODE:
        return False
    candidate = _derive(passcode, parsed.scheme, parsed.params, parsed.salt, len(parsed.digest))
    return hmac.compare_digest(candidate, parsed.digest)


@dataclass(frozen=True)
class AuthSettings:
    """The ``[auth]`` table of secrets.toml, checked."""

    secretary: str | None = field(default=None, repr=False)
    admin: str | None = field(default=None, repr=False)
    session_minutes: int = 240
    allowed_emails: frozenset[str] = frozenset()
    admin_emails: frozenset[str] = frozenset()
    trusted_proxies: tuple[str, ...] = ()


def passcode_generation(settings: AuthSettings, role: Role) -> str:
    """A short digest of ``role``'s stored passcode hash, carried in its sign-in cookie.

    A changed passcode gives another generation, so every cookie issued under the old one stops
    counting (``lib.core.grant_token.decode``): changing a passcode ends that role's sign-ins.
    Empty for a role with no passcode (an e-mail sign-in). Not secret: a hash of a salted hash.
    """
    stored = {Role.ADMIN: settings.admin, Role.SECRETARY: settings.secretary}.get(role)
    if not stored:
        return ""
    return hashlib.sha256(b"thidua passcode generation v1\0" + stored.encode("utf-8")).hexdigest()[:16]


def load_auth_settings(table: Mapping[str, object], file: str = SECRETS_FILE) -> AuthSettings:
    """Check the ``[auth]`` table; a mistake is a ``ConfigError`` naming ``auth.<key>``.

    Streamlit's own ``st.login`` keys (``cookie_secret``, provider tables …) share the table and
    are ignored; a key that looks like a misspelling of ours is refused.
    """
    ours = ("secretary", "admin", "session_minutes", "allowed_emails", "admin_emails", "trusted_proxies",
            "freeze_secret", "records_secret", "signin_secret")
    for key in table:
        guess = difflib.get_close_matches(str(key), ours, n=1, cutoff=0.8)
        if key not in ours and guess:
            raise ConfigError(file, f"auth.{key}", f"unknown key; did you mean {guess[0]!r}?")
    hashes = {}
    for key in ("secretary", "admin"):
        if table.get(key) is not None:
            try:
                parse_hash(table[key])
            except ValueError as exc:
                raise ConfigError(file, f"auth.{key}", str(exc)) from None
            hashes[key] = str(table[key]).strip()
    minutes = table.get("session_minutes", 240)
    if isinstance(minutes, bool) or not isinstance(minutes, int) or not 1 <= minutes <= 7 * 24 * 60:
        raise ConfigError(file, "auth.session_minutes", f"expected whole minutes from 1 to 10080, got {minutes!r}")
    emails = {}
    for key in ("allowed_emails", "admin_emails"):
        value = table.get(key, [])
        if not isinstance(value, list | tuple) or not all(isinstance(e, str) and "@" in e for e in value):
            raise ConfigError(file, f"auth.{key}", f'expected a list of addresses like ["a@x.vn"], got {value!r}')
        emails[key] = frozenset(e.strip().lower() for e in value)
    proxies = table.get("trusted_proxies", [])
    try:
        if not isinstance(proxies, list | tuple) or not all(isinstance(p, str) for p in proxies):
            raise ValueError
        _networks(proxies)
    except ValueError:
        raise ConfigError(file, "auth.trusted_proxies",
                          f'expected a list of addresses or networks like ["127.0.0.1", "10.0.0.0/8"], got {proxies!r}'
                          ) from None
    return AuthSettings(session_minutes=minutes, **hashes, **emails, trusted_proxies=tuple(p.strip() for p in proxies))


def role_for_email(email: str | None, settings: AuthSettings) -> Role | None:
    """The role of an OIDC-verified e-mail: admin, secretary (allow-listed) or None (viewer only)."""
    email = (email or "").strip().lower()
    if email and email in settings.admin_emails:
        return Role.ADMIN
    return Role.SECRETARY if email and email in settings.allowed_emails else None


@dataclass(frozen=True)
class Refusal:
    """Why a sign-in is refused (``delay``, ``locked``, ``busy``, ``wrong``, ``empty``, ``unset``) and until when.

    ``code`` and ``params`` are worded by the UI catalogue (``lib.present.catalogue.word``);
    times in the params are in Vietnam time.
    """

    reason: str
    code: str
    params: Params = ()
    until: datetime | None = None


@dataclass(frozen=True)
class Grant:
    """A signed-in session: who, as what, until when."""

    role: Role
    user: str
    issued_at: datetime
    expires_at: datetime


def signed_in(role: Role, user: str, now: datetime, minutes: int) -> Grant:
    """A grant for ``role`` lasting ``minutes`` from ``now``."""
    return Grant(role, user, now, now + timedelta(minutes=minutes))


def grant_valid(grant: Grant | None, now: datetime) -> bool:
    """Whether the grant exists and has not expired at ``now``."""
    return grant is not None and grant.issued_at <= now < grant.expires_at


def allows(grant: Grant | None, needed: Role, now: datetime) -> bool:
    """Whether the session may act as ``needed`` now; check it on the server at every write."""
    order = list(Role)  # VIEWER < SECRETARY < ADMIN
    return needed is Role.VIEWER or grant_valid(grant, now) and order.index(grant.role) >= order.index(needed)


class Throttle(Protocol):
    """What ``authenticate`` and the sign-in routes need of a sign-in throttle (``LoginGuard``, or a shared one)."""

    def check(self, key: str, now: datetime) -> Refusal | None:
        """Why an attempt from ``key`` must be refused now; else None."""

    def admit(self, key: str, now: datetime, reserve: bool = True) -> Refusal | None:
        """Like ``check``; if admitted, refuse other attempts from ``key`` until its result is recorded."""

    def record_failure(self, key: str, now: datetime) -> None:
        """Count a wrong passcode from ``key``."""

    def record_success(self, key: str, now: datetime) -> None:
        """Forget the key's failures."""

    def locked(self, now: datetime) -> dict[str, datetime]:
        """Every address locked out now, with the end of its lock-out."""

    def clear(self) -> int:
        """Forget every delay and lock-out; how many addresses."""


@dataclass
class _Streak:
    failures: int = 0
    last: datetime | None = None
    not_before: datetime | None = None
    locked_until: datetime | None = None


class LoginGuard:
    """A process-wide, thread-safe throttle of sign-in attempts, per client address.

    After the k-th consecutive failure an address waits ``base_delay * 2**(k-1)`` (capped); after
    ``max_failures`` within ``window`` it is locked for ``lockout``; a success resets it. Only the
    failing address is ever delayed or locked: an address with no failures is always admitted, so
    nobody can keep the secretary out by failing from elsewhere. ``global_failures`` failures of all
    addresses within ``window`` mean an attack from many addresses: while it lasts, an address is
    locked at its first failure instead of its ``max_failures``-th (None: no such mode).
    """

    def __init__(self, max_failures: int = 5, window: timedelta = timedelta(minutes=15),
                 lockout: timedelta = timedelta(minutes=15), base_delay: timedelta = timedelta(seconds=1),
                 max_delay: timedelta = timedelta(seconds=30), global_failures: int | None = 50) -> None:
        self.max_failures, self.window, self.lockout = max_failures, window, lockout
        self.base_delay, self.max_delay, self.global_failures = base_delay, max_delay, global_failures
        self._lock = threading.Lock()
        self._streaks: dict[str, _Streak] = {}
        self._busy: set[str] = set()
        self._recent: deque[datetime] = deque(maxlen=global_failures)  # failures of all keys, for attack mode

    def check(self, key: str, now: datetime) -> Refusal | None:
        """Why an attempt from ``key`` must be refused now, without checking any passcode; else None."""
        return self.admit(key, now, reserve=False)

    def admit(self, key: str, now: datetime, reserve: bool = True) -> Refusal | None:
        """Like ``check``; if admitted, refuse other attempts from ``key`` until its result is recorded."""
        with self._lock:
            refusal = self._refusal(key, now)
            if refusal is None and reserve:
                self._busy.add(key)
            return refusal

    def under_attack(self, now: datetime) -> bool:
        """True while the failures of all addresses within the window reach ``global_failures``."""
        with self._lock:
            return self._attack(now)

    def record_failure(self, key: str, now: datetime) -> None:
        """Count a wrong passcode from ``key``: start its next delay, or its lock-out."""
        with self._lock:
            self._busy.discard(key)
            attack = self._attack(now)
            streak = self._streaks.setdefault(key, _Streak())
            if streak.last is not None and now - streak.last > self.window:
                streak.failures = 0
            streak.failures, streak.last = streak.failures + 1, now
            if streak.failures >= self.max_failures or (attack and streak.failures > 1):
                streak.failures, streak.locked_until, streak.not_before = 0, now + self.lockout, None
            else:
                streak.not_before = now + min(self.base_delay * 2 ** min(streak.failures - 1, 30), self.max_delay)
            self._recent.append(now)
            if len(self._streaks) > 10_000:  # forget keys that no longer restrict anything
                keep = max(self.window, self.lockout)
                self._streaks = {k: s for k, s in self._streaks.items() if now - (s.last or now) <= keep}

    def record_success(self, key: str, now: datetime) -> None:
        """Forget the key's failures."""
        with self._lock:
            self._busy.discard(key)
            self._streaks.pop(key, None)

    def locked(self, now: datetime) -> dict[str, datetime]:
        """Every address locked out now, with the end of its lock-out."""
        with self._lock:
            return {k: s.locked_until for k, s in self._streaks.items() if s.locked_until and now < s.locked_until}

    def clear(self) -> int:
        """Forget every delay, lock-out and failure (the admin's "clear lock-outs"); returns how many addresses."""
        with self._lock:
            count = len(self._streaks)
            self._streaks.clear()
            self._recent.clear()
            return count

    def _attack(self, now: datetime) -> bool:
        while self._recent and now - self._recent[0] > self.window:
            self._recent.popleft()
        return bool(self.global_failures) and len(self._recent) >= (self.global_failures or 0)

    def _refusal(self, key: str, now: datetime) -> Refusal | None:
        streak = self._streaks.get(key, _Streak())
        return throttle_refusal(key in self._busy, streak.not_before, streak.locked_until, now)


def throttle_refusal(busy: bool, not_before: datetime | None, locked_until: datetime | None,
                     now: datetime) -> Refusal | None:
    """The refusal of an address in this state (an attempt in flight, a delay, a lock-out), else None.

    One wording for every throttle: the process's ``LoginGuard`` and the shared one in Redis.
    """
    if busy:
        return Refusal("busy", "login.busy")
    if locked_until and now < locked_until:
        return Refusal("locked", "login.locked", (("until", locked_until.astimezone(VN_TIME)),), locked_until)
    if not_before and now < not_before:
        seconds = math.ceil((not_before - now).total_seconds())
        return Refusal("delay", "login.delay", (("seconds", seconds),), not_before)
    return None


def client_address(peer: str | None, forwarded_for: str | None, trusted: Sequence[str]) -> str:
    """The client's address: from ``X-Forwarded-For`` when ``peer`` is a trusted proxy, else ``peer``.

    The header is read from the right, skipping trusted proxies: entries further left were
    written by the client and could be anything.

    >>> client_address("10.0.0.2", "203.0.113.9, 10.0.0.1", ["10.0.0.0/8"])
    '203.0.113.9'
    >>> client_address("198.51.100.7", "1.2.3.4", ["10.0.0.0/8"])  # not through the proxy: the header is ignored
    '198.51.100.7'
    """
    peer = (peer or "").strip()
    networks = _networks(trusted)
    if not peer or not _within(peer, networks) or not forwarded_for:
        return peer or "unknown"
    hops = [h.strip() for h in forwarded_for.split(",") if h.strip()]
    for hop in reversed(hops):
        if not _within(hop, networks):
            return hop
    return hops[0] if hops else peer


def trusted_peer(peer: str | None, trusted: Sequence[str]) -> bool:
    """Whether ``peer`` is one of the trusted proxies (so its ``X-Forwarded-*`` headers count)."""
    return bool(peer) and _within((peer or "").strip(), _networks(trusted))


def _networks(trusted: Sequence[str]) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    return [ipaddress.ip_network(t.strip(), strict=False) for t in trusted]


def _within(address: str, networks: Sequence[ipaddress.IPv4Network | ipaddress.IPv6Network]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in net for net in networks if net.version == ip.version)


def authenticate(passcode: str, settings: AuthSettings, guard: Throttle, key: str, now: datetime,
                 user: str | None = None) -> Grant | Refusal:
    """Sign in with a passcode: admin or secretary grant, or a refusal (every hash is always checked)."""
    if settings.admin is None and settings.secretary is None:
        return Refusal("unset", "login.unset", (("file", SECRETS_FILE),))
    if not passcode:
        return Refusal("empty", "login.empty")
    refusal = guard.admit(key, now)
    if refusal is not None:
        return refusal
    try:
        is_admin = settings.admin is not None and verify_passcode(passcode, settings.admin)
        is_secretary = settings.secretary is not None and verify_passcode(passcode, settings.secretary)
    except BaseException:
        guard.record_failure(key, now)
        raise
    if not (is_admin or is_secretary):
        guard.record_failure(key, now)
        later = guard.check(key, now)
        then = (later.code, later.params) if later else ("login.try_again", ())
        return Refusal("wrong", "login.wrong", (("then", then),), later.until if later else None)
    guard.record_success(key, now)
    role = Role.ADMIN if is_admin else Role.SECRETARY
    return signed_in(role, user or role.value, now, settings.session_minutes)
