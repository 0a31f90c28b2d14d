"""Tests of ``lib.core.auth``: passcode hashes, the login throttle on an injected clock, grants,
the ``[auth]`` settings and e-mail allow-list, and ``python -m lib hash-passcode``."""

from __future__ import annotations

import hmac
import subprocess
import sys
import threading
import tomllib
import unicodedata
from datetime import UTC, datetime, timedelta, timezone
from io import StringIO
from pathlib import Path

import pytest

import lib.core.auth as auth
from lib.cli import EXIT_OK, EXIT_UNREADABLE, main
from lib.core.auth import (
    AuthSettings,
    Grant,
    LoginGuard,
    Refusal,
    Role,
    allows,
    authenticate,
    client_address,
    grant_valid,
    hash_passcode,
    load_auth_settings,
    parse_hash,
    role_for_email,
    signed_in,
    verify_passcode,
)
from lib.core.errors import ConfigError
from tests.wording import said

ROOT = Path(__file__).resolve().parents[1]
VN = timezone(timedelta(hours=7))
T0 = datetime(2026, 5, 17, 10, 30, tzinfo=VN)
SECRETARY, ADMIN = "thư ký hội nghị 2026", "quản trị chốt điểm"
SALT = bytes(range(16))


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


@pytest.fixture(scope="module")
def settings() -> AuthSettings:
    return AuthSettings(secretary=hash_passcode(SECRETARY), admin=hash_passcode(ADMIN), session_minutes=240)


@pytest.fixture
def verifications(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Record every stored hash that ``authenticate`` verifies against."""
    seen: list[str] = []
    real = auth.verify_passcode

    def spy(passcode: str, stored: str) -> bool:
        seen.append(stored)
        return real(passcode, stored)

    monkeypatch.setattr(auth, "verify_passcode", spy)
    return seen


# --- hashing -----------------------------------------------------------------------------


@pytest.mark.parametrize("scheme", ["scrypt", "pbkdf2_sha256"])
def test_hash_round_trip(scheme: str) -> None:
    stored = hash_passcode(SECRETARY, scheme=scheme)
    assert stored.startswith(f"{scheme}$")
    assert parse_hash(stored).scheme == scheme
    assert verify_passcode(SECRETARY, stored)
    assert not verify_passcode(SECRETARY + " ", stored)
    assert not verify_passcode("", stored)


def test_default_is_scrypt_with_documented_parameters() -> None:
    stored = hash_passcode("x" * 12, SALT)
    assert stored.startswith("scrypt$n=16384,r=8,p=1$AAECAwQFBgcICQoLDA0ODw==$")
    assert stored == hash_passcode("x" * 12, SALT)  # same salt, same hash


@pytest.mark.parametrize("wrong", ["thư ký hội nghị 2025", "THƯ KÝ HỘI NGHỊ 2026", "thu ky hoi nghi 2026", ADMIN])
def test_wrong_passcode_fails(settings: AuthSettings, wrong: str) -> None:
    assert not verify_passcode(wrong, settings.secretary or "")


def test_different_salts_give_different_hashes() -> None:
    first, second = hash_passcode(SECRETARY), hash_passcode(SECRETARY)
    assert first != second
    assert parse_hash(first).salt != parse_hash(second).salt
    assert verify_passcode(SECRETARY, first) and verify_passcode(SECRETARY, second)
    assert hash_passcode(SECRETARY, SALT) != hash_passcode(SECRETARY, bytes(reversed(SALT)))


def test_composed_and_decomposed_vietnamese_are_one_passcode() -> None:
    stored = hash_passcode(unicodedata.normalize("NFC", SECRETARY))
    assert verify_passcode(unicodedata.normalize("NFD", SECRETARY), stored)


@pytest.mark.parametrize("bad", [
    {"passcode": ""},
    {"passcode": "x" * 1025},
    {"passcode": "ok", "salt": b"short"},
    {"passcode": "ok", "scheme": "md5"},
])
def test_hash_passcode_refuses_bad_input(bad: dict) -> None:
    with pytest.raises(ValueError):
        hash_passcode(**bad)


GOOD = hash_passcode("mã tốt", SALT)
_, _, GOOD_SALT, GOOD_DIGEST = GOOD.split("$")


@pytest.mark.parametrize(("stored", "message"), [
    ("", "4 parts"),
    ("plaintext-passcode", "4 parts"),
    ("scrypt$n=16384,r=8,p=1$" + GOOD_SALT, "4 parts"),
    (GOOD + "$extra", "4 parts"),
    (f"bcrypt$n=16384,r=8,p=1${GOOD_SALT}${GOOD_DIGEST}", "unknown hash scheme"),
    (f"scrypt$r=8,n=16384,p=1${GOOD_SALT}${GOOD_DIGEST}", "bad scrypt parameters"),
    (f"scrypt$n=１６３８４,r=8,p=1${GOOD_SALT}${GOOD_DIGEST}", "bad scrypt parameters"),  # full-width digits
    (f"scrypt$n=1024,r=8,p=1${GOOD_SALT}${GOOD_DIGEST}", "out of range"),  # too cheap
    (f"scrypt$n=20000,r=8,p=1${GOOD_SALT}${GOOD_DIGEST}", "out of range"),  # not a power of 2
    (f"scrypt$n=1048576,r=8,p=1${GOOD_SALT}${GOOD_DIGEST}", "out of range"),  # 1 GiB
    (f"pbkdf2_sha256$i=1000${GOOD_SALT}${GOOD_DIGEST}", "iterations"),
    (f"scrypt$n=16384,r=8,p=1$not base64!${GOOD_DIGEST}", "base64"),
    (f"scrypt$n=16384,r=8,p=1$AAAA${GOOD_DIGEST}", "salt of ≥ 16 bytes"),
    (f"scrypt$n=16384,r=8,p=1${GOOD_SALT}$AAAA", "hash of 16-64 bytes"),
])
def test_malformed_hash_is_rejected_and_detectable(stored: str, message: str) -> None:
    with pytest.raises(ValueError, match=message) as caught:
        parse_hash(stored)
    assert GOOD_DIGEST not in str(caught.value)  # never echo a stored hash
    assert not verify_passcode("mã tốt", stored)


@pytest.mark.parametrize("stored", [None, 42, b"scrypt$..."])
def test_a_hash_that_is_not_text_is_rejected(stored: object) -> None:
    with pytest.raises(ValueError, match="is text"):
        parse_hash(stored)
    assert not verify_passcode("mã tốt", stored)  # type: ignore[arg-type]


def test_verification_compares_with_hmac_compare_digest(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[bytes, bytes]] = []
    real = hmac.compare_digest

    def spy(a: bytes, b: bytes) -> bool:
        calls.append((a, b))
        return real(a, b)

    monkeypatch.setattr(hmac, "compare_digest", spy)
    assert verify_passcode("mã tốt", GOOD)
    assert not verify_passcode("mã xấu", GOOD)
    assert len(calls) == 2 and all(len(a) == len(b) == 32 for a, b in calls)


# --- the throttle --------------------------------------------------------------------------


def test_growing_delay_then_lock_out_then_unlock(settings: AuthSettings, verifications: list[str]) -> None:
    guard = LoginGuard()
    steps = [(0, "Thử lại sau 1 giây"), (1, "Thử lại sau 2 giây"), (3, "Thử lại sau 4 giây"),
             (7, "Thử lại sau 8 giây")]
    for second, message in steps:
        result = authenticate("sai", settings, guard, "phiên-1", at(second))
        assert isinstance(result, Refusal) and result.reason == "wrong"
        assert said(result) == "Mã đăng nhập không đúng. " + message
        refusal = guard.check("phiên-1", at(second + 0.5))
        assert refusal is not None and refusal.reason == "delay"
        # an attempt during the delay is refused without checking, even with the right passcode
        checked = len(verifications)
        during = authenticate(SECRETARY, settings, guard, "phiên-1", at(second + 0.5))
        assert isinstance(during, Refusal) and during.reason == "delay" and len(verifications) == checked
    # 5th consecutive failure (at +15 s): locked for 15 minutes
    locked = authenticate("sai", settings, guard, "phiên-1", at(15))
    assert isinstance(locked, Refusal) and locked.until == at(15) + timedelta(minutes=15)
    assert "Tạm khóa đăng nhập đến 10:45" in said(locked)
    checked = len(verifications)
    for second in (16, 60, 15 + 15 * 60 - 1):
        refusal = authenticate(SECRETARY, settings, guard, "phiên-1", at(second))
        assert isinstance(refusal, Refusal) and refusal.reason == "locked"
        assert said(refusal) == "Sai mã nhiều lần. Tạm khóa đăng nhập đến 10:45"
    assert len(verifications) == checked
    # another key is not affected
    assert isinstance(authenticate(SECRETARY, settings, guard, "phiên-2", at(16)), Grant)
    # after the lock-out the right passcode works
    assert guard.check("phiên-1", at(15 + 15 * 60)) is None
    assert isinstance(authenticate(SECRETARY, settings, guard, "phiên-1", at(15 + 15 * 60)), Grant)


def test_success_resets_the_streak() -> None:
    guard = LoginGuard()
    for second in (0, 1, 3, 7):
        assert guard.check("k", at(second)) is None
        guard.record_failure("k", at(second))
    guard.record_success("k", at(15))
    guard.record_failure("k", at(16))
    refusal = guard.check("k", at(16))
    assert refusal is not None and said(refusal) == "Thử lại sau 1 giây"  # back to the first delay
    assert guard.check("k", at(17)) is None


def test_the_streak_is_forgotten_after_the_window() -> None:
    guard = LoginGuard(window=timedelta(minutes=15))
    for second in (0, 1, 3, 7):
        guard.record_failure("k", at(second))
    guard.record_failure("k", at(7 + 15 * 60 + 1))  # counts as the first failure again, not the fifth
    refusal = guard.check("k", at(7 + 15 * 60 + 1))
    assert refusal is not None and refusal.reason == "delay" and said(refusal) == "Thử lại sau 1 giây"


def test_the_delay_is_capped() -> None:
    guard = LoginGuard(max_failures=20, max_delay=timedelta(seconds=30))
    now = T0
    for _ in range(10):
        guard.record_failure("k", now)
        refusal = guard.check("k", now)
        assert refusal is not None and refusal.until is not None and refusal.until - now <= timedelta(seconds=30)
        now = refusal.until
    assert said(refusal) == "Thử lại sau 30 giây"


def test_many_failing_addresses_never_lock_out_a_new_one_but_tighten_the_failing_ones() -> None:
    guard = LoginGuard(global_failures=3)
    for i in range(3):
        assert guard.check(f"phiên-{i}", at(i)) is None
        guard.record_failure(f"phiên-{i}", at(i))
    assert guard.under_attack(at(10))
    assert guard.check("phiên-mới", at(10)) is None  # an address that never failed is always admitted
    # during the attack, an address that fails again is locked at once (not at its 5th failure)
    guard.record_failure("phiên-0", at(10))
    refusal = guard.check("phiên-0", at(11))
    assert refusal is not None and refusal.reason == "locked" and refusal.until == at(10) + timedelta(minutes=15)
    assert not guard.under_attack(at(15 * 60 + 11))  # the failures have left the window
    assert LoginGuard(global_failures=None).check("k", T0) is None


def test_sixty_wrong_passcodes_from_other_addresses_do_not_stop_the_right_one(settings: AuthSettings) -> None:
    guard = LoginGuard()  # the shipped limits: 5 per address, attack mode from 50 failures overall
    wrong = 0
    for i in range(60):  # 60 wrong passcodes, each really checked, from 60 other addresses
        result = authenticate("sai", settings, guard, f"203.0.113.{i}", at(i * 0.5))
        assert isinstance(result, Refusal)
        wrong += result.reason == "wrong"
    assert wrong == 60 and guard.under_attack(at(30))
    grant = authenticate(SECRETARY, settings, guard, "198.51.100.7", at(30))
    assert isinstance(grant, Grant) and grant.role is Role.SECRETARY
    assert isinstance(authenticate(ADMIN, settings, guard, "198.51.100.8", at(31)), Grant)
    # the failing addresses stay throttled: one of them trying again is locked at once
    assert authenticate("sai", settings, guard, "203.0.113.0", at(40)).reason == "wrong"  # type: ignore[union-attr]
    assert guard.check("203.0.113.0", at(41)).reason == "locked"  # type: ignore[union-attr]


def test_lock_out_times_are_in_vietnam_time_in_both_languages(settings: AuthSettings) -> None:
    guard = LoginGuard(max_failures=1)
    utc = datetime(2026, 5, 17, 3, 30, tzinfo=UTC)  # 10:30 in Hà Nội
    authenticate("sai", settings, guard, "k", utc)
    refusal = guard.check("k", utc)
    assert refusal is not None
    assert said(refusal) == "Sai mã nhiều lần. Tạm khóa đăng nhập đến 10:45"
    assert said(refusal, "en") == "Too many wrong passcodes. Sign-in from this address is locked until 10:45"
    assert said(authenticate("", settings, guard, "k2", utc), "en") == "Enter the passcode"


def test_the_admin_clears_every_lock_out() -> None:
    guard = LoginGuard(max_failures=1)
    guard.record_failure("a", T0)
    guard.record_failure("b", T0)
    assert set(guard.locked(at(1))) == {"a", "b"}
    assert guard.clear() == 2 and guard.locked(at(1)) == {} and guard.check("a", at(1)) is None


@pytest.mark.parametrize(("peer", "forwarded", "trusted", "client"), [
    ("127.0.0.1", "203.0.113.9", ["127.0.0.1"], "203.0.113.9"),
    ("127.0.0.1", "6.6.6.6, 203.0.113.9", ["127.0.0.1"], "203.0.113.9"),  # a forged left part is ignored
    ("10.1.2.3", "203.0.113.9, 10.0.0.5", ["10.0.0.0/8"], "203.0.113.9"),  # two trusted hops
    ("198.51.100.7", "203.0.113.9", ["127.0.0.1"], "198.51.100.7"),  # not from the proxy: header ignored
    ("127.0.0.1", None, ["127.0.0.1"], "127.0.0.1"),
    ("127.0.0.1", "203.0.113.9", [], "127.0.0.1"),  # no trusted proxy configured
    ("::1", "2001:db8::5", ["::1"], "2001:db8::5"),
    (None, None, [], "unknown"),
])
def test_client_address(peer: str | None, forwarded: str | None, trusted: list[str], client: str) -> None:
    assert client_address(peer, forwarded, trusted) == client


def test_trusted_proxies_are_checked_at_load() -> None:
    assert load_auth_settings({"trusted_proxies": ["127.0.0.1", "10.0.0.0/8"]}).trusted_proxies == (
        "127.0.0.1", "10.0.0.0/8")
    with pytest.raises(ConfigError, match="auth.trusted_proxies"):
        load_auth_settings({"trusted_proxies": ["không phải địa chỉ"]})


def test_a_key_being_checked_refuses_a_concurrent_attempt() -> None:
    guard = LoginGuard()
    assert guard.admit("k", T0) is None
    busy = guard.admit("k", T0)
    assert busy is not None and busy.reason == "busy"
    assert guard.admit("other", T0) is None
    guard.record_success("k", T0)
    assert guard.admit("k", T0) is None


def test_guard_counts_failures_from_many_threads() -> None:
    guard = LoginGuard(max_failures=1000, global_failures=None)
    threads = [threading.Thread(target=lambda: [guard.record_failure("k", T0) for _ in range(50)]) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert guard._streaks["k"].failures == 400


# --- authenticate and grants ------------------------------------------------------------


@pytest.mark.parametrize(("passcode", "role"), [(ADMIN, Role.ADMIN), (SECRETARY, Role.SECRETARY), ("sai", None)])
def test_authenticate_verifies_both_hashes(settings: AuthSettings, verifications: list[str], passcode: str,
                                           role: Role | None) -> None:
    result = authenticate(passcode, settings, LoginGuard(), "k", T0)
    assert verifications == [settings.admin, settings.secretary]
    if role is None:
        assert isinstance(result, Refusal) and result.reason == "wrong"
    else:
        assert result == Grant(role, role.value, T0, T0 + timedelta(minutes=240))


def test_authenticate_names_the_user_and_uses_session_minutes(settings: AuthSettings) -> None:
    short = AuthSettings(secretary=settings.secretary, session_minutes=30)
    grant = authenticate(SECRETARY, short, LoginGuard(), "k", T0, user="Nguyễn Văn A")
    assert isinstance(grant, Grant) and grant.user == "Nguyễn Văn A" and grant.expires_at == at(30 * 60)


def test_authenticate_without_configured_passcodes_or_with_an_empty_one(settings: AuthSettings) -> None:
    guard = LoginGuard()
    unset = authenticate(SECRETARY, AuthSettings(), guard, "k", T0)
    assert isinstance(unset, Refusal) and unset.reason == "unset" and "[auth]" in said(unset)
    empty = authenticate("", settings, guard, "k", T0)
    assert isinstance(empty, Refusal) and empty.reason == "empty"
    assert guard.check("k", T0) is None  # neither counts as a failure


def test_grant_expires() -> None:
    grant = signed_in(Role.SECRETARY, "thư ký", T0, 240)
    assert grant.expires_at == T0 + timedelta(hours=4)
    assert grant_valid(grant, T0) and grant_valid(grant, at(4 * 3600 - 1))
    assert not grant_valid(grant, at(4 * 3600)) and not grant_valid(grant, at(-1)) and not grant_valid(None, T0)


@pytest.mark.parametrize(("role", "needed", "expected"), [
    (Role.SECRETARY, Role.SECRETARY, True),
    (Role.SECRETARY, Role.ADMIN, False),
    (Role.ADMIN, Role.SECRETARY, True),
    (Role.ADMIN, Role.ADMIN, True),
    (Role.VIEWER, Role.SECRETARY, False),
])
def test_allows_by_role(role: Role, needed: Role, expected: bool) -> None:
    grant = signed_in(role, "u", T0, 10)
    assert allows(grant, needed, at(60)) is expected
    assert not allows(grant, needed, at(600))  # expired
    assert allows(None, Role.VIEWER, T0) and not allows(None, Role.SECRETARY, T0)


# --- settings and e-mails -------------------------------------------------------------------


def test_load_auth_settings_from_a_secrets_table(settings: AuthSettings) -> None:
    text = f"""
[auth]
secretary = "{settings.secretary}"
admin = "{settings.admin}"
session_minutes = 120
allowed_emails = ["Thu.Ky@QuangNam.gov.vn"]
admin_emails = ["admin@x.vn"]
redirect_uri = "http://localhost:8501/oauth2callback"
cookie_secret = "s3cret"
[auth.google]
client_id = "id"
"""
    loaded = load_auth_settings(tomllib.loads(text)["auth"])
    assert loaded == AuthSettings(settings.secretary, settings.admin, 120, frozenset({"thu.ky@quangnam.gov.vn"}),
                                  frozenset({"admin@x.vn"}))
    assert settings.secretary not in repr(loaded)
    assert load_auth_settings({}) == AuthSettings()


@pytest.mark.parametrize(("table", "key"), [
    ({"secretary": "plaintext"}, "auth.secretary"),
    ({"admin": "scrypt$n=16384,r=8,p=1$AAAA"}, "auth.admin"),
    ({"secretery": GOOD}, "auth.secretery"),
    ({"session_minutes": "240"}, "auth.session_minutes"),
    ({"session_minutes": 0}, "auth.session_minutes"),
    ({"session_minutes": True}, "auth.session_minutes"),
    ({"allowed_emails": "a@x.vn"}, "auth.allowed_emails"),
    ({"admin_emails": ["không phải email"]}, "auth.admin_emails"),
])
def test_bad_auth_settings_name_the_key(table: dict, key: str) -> None:
    with pytest.raises(ConfigError, match=key.replace(".", r"\.")) as caught:
        load_auth_settings(table)
    assert caught.value.key == key and caught.value.file == ".streamlit/secrets.toml"


@pytest.mark.parametrize(("email", "role"), [
    ("thu.ky@quangnam.gov.vn", Role.SECRETARY),
    ("  THU.KY@QuangNam.Gov.VN ", Role.SECRETARY),
    ("Admin@X.vn", Role.ADMIN),
    ("both@x.vn", Role.ADMIN),
    ("la@x.vn", None),
    ("", None),
    (None, None),
])
def test_role_for_email(email: str | None, role: Role | None) -> None:
    settings = load_auth_settings({"allowed_emails": ["Thu.Ky@QuangNam.gov.vn", "both@x.vn"],
                                   "admin_emails": ["admin@x.vn", "Both@x.vn"]})
    assert role_for_email(email, settings) is role


# --- the command ------------------------------------------------------------------------


def test_hash_passcode_command_reads_stdin(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture) -> None:
    monkeypatch.setattr(sys, "stdin", StringIO(SECRETARY + "\n"))
    out = StringIO()
    assert main(["hash-passcode", "--stdin"], out=out) == EXIT_OK
    text = out.getvalue()
    stored = text.splitlines()[0]
    assert verify_passcode(SECRETARY, stored)
    assert SECRETARY not in text and SECRETARY not in capsys.readouterr().err
    snippet = text[text.index("[auth]"):]
    assert load_auth_settings(tomllib.loads(snippet)["auth"]).secretary == stored


def test_hash_passcode_command_as_a_process_for_the_admin() -> None:
    done = subprocess.run([sys.executable, "-m", "lib", "hash-passcode", "--stdin", "--role", "admin"], cwd=ROOT,
                          input=ADMIN + "\r\n", capture_output=True, text=True, encoding="utf-8", check=True)
    assert verify_passcode(ADMIN, done.stdout.splitlines()[0])
    assert 'admin = "scrypt$' in done.stdout and ADMIN not in done.stdout + done.stderr


def test_hash_passcode_command_warns_on_short_and_refuses_empty(monkeypatch: pytest.MonkeyPatch,
                                                                capsys: pytest.CaptureFixture) -> None:
    monkeypatch.setattr(sys, "stdin", StringIO("1234\n"))
    assert main(["hash-passcode", "--stdin"], out=StringIO()) == EXIT_OK
    assert "Cảnh báo" in capsys.readouterr().err
    monkeypatch.setattr(sys, "stdin", StringIO("\n"))
    out = StringIO()
    assert main(["hash-passcode", "--stdin"], out=out) == EXIT_UNREADABLE and out.getvalue() == ""


def test_hash_passcode_command_asks_twice_without_echo(monkeypatch: pytest.MonkeyPatch) -> None:
    answers = iter([SECRETARY, SECRETARY + "x", SECRETARY, SECRETARY])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    mismatch = StringIO()
    assert main(["hash-passcode"], out=mismatch) == EXIT_UNREADABLE and mismatch.getvalue() == ""
    out = StringIO()
    assert main(["hash-passcode"], out=out) == EXIT_OK
    assert verify_passcode(SECRETARY, out.getvalue().splitlines()[0])
