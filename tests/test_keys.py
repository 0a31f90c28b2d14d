"""The server's two keys: the records key and the cookie key, each rotated without touching the other."""

from __future__ import annotations

from pathlib import Path

import pytest

from lib.core.errors import ConfigError
from lib.edge.secret import COOKIE_FILE, SECRET_FILE, cookie_key, records_key, records_key_origin


def _secrets(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "secrets.toml"
    path.write_text("[auth]\n" + text, encoding="utf-8")
    return path


def test_records_secret_is_read_and_the_old_freeze_secret_name_still_works(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    new = _secrets(tmp_path, 'records_secret = "records-secret-0123456789"\n')
    assert records_key(new, cache) == b"records-secret-0123456789"
    old = _secrets(tmp_path, 'freeze_secret = "old-freeze-secret-0123456789"\n')
    assert records_key(old, cache) == b"old-freeze-secret-0123456789"  # a deployment from before the split
    both = _secrets(tmp_path, 'records_secret = "records-secret-0123456789"\nfreeze_secret = "old-freeze-secret-012"\n')
    assert records_key(both, cache) == b"records-secret-0123456789"
    assert "records_secret" in records_key_origin(both, cache)
    assert not cache.exists()  # configured: nothing generated


def test_the_generated_records_key_keeps_its_old_file_name_and_the_origin_names_it(tmp_path: Path) -> None:
    none, cache = tmp_path / "none.toml", tmp_path / "cache"
    key = records_key(none, cache)
    assert (cache / SECRET_FILE).read_text(encoding="ascii").encode("ascii") == key
    assert str(cache / SECRET_FILE) in records_key_origin(none, cache)


def test_rotating_the_cookie_key_leaves_the_records_key_and_the_other_way_round(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    one = _secrets(tmp_path, 'records_secret = "records-secret-0123456789"\nsignin_secret = "cookie-secret-one-012"\n')
    records, cookie = records_key(one, cache), cookie_key(one, cache)
    two = _secrets(tmp_path, 'records_secret = "records-secret-0123456789"\nsignin_secret = "cookie-secret-two-012"\n')
    assert records_key(two, cache) == records and cookie_key(two, cache) != cookie
    three = _secrets(tmp_path, 'records_secret = "records-secret-98765432"\nsignin_secret = "cookie-secret-two-012"\n')
    assert records_key(three, cache) != records and cookie_key(three, cache) == cookie_key(two, cache)


def test_without_configured_secrets_the_two_keys_are_two_generated_files(tmp_path: Path) -> None:
    none, cache = tmp_path / "none.toml", tmp_path / "cache"
    cookie = cookie_key(none, cache)
    assert (cache / COOKIE_FILE).exists() and not (cache / SECRET_FILE).exists()  # a sign-in makes no records key
    assert cookie != records_key(none, cache)
    (cache / COOKIE_FILE).unlink()  # a wiped cookie key signs everybody out; the records key stays
    records = records_key(none, cache)
    assert cookie_key(none, cache) != cookie and records_key(none, cache) == records


def test_a_same_text_for_both_secrets_still_gives_two_keys(tmp_path: Path) -> None:
    same = _secrets(tmp_path, 'records_secret = "one-secret-0123456789"\nsignin_secret = "one-secret-0123456789"\n')
    assert records_key(same) != cookie_key(same)


def test_a_short_signin_secret_is_refused_naming_it(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="signin_secret"):
        cookie_key(_secrets(tmp_path, 'signin_secret = "short"\n'), tmp_path / "cache")


def test_a_passcode_change_ends_that_roles_sign_ins_and_only_that_roles() -> None:
    from datetime import UTC, datetime

    from lib.core.auth import AuthSettings, hash_passcode, passcode_generation, signed_in
    from lib.core.grant_token import decode, encode
    from lib.core.model import Role

    key, when = b"k" * 32, datetime(2020, 5, 1, 8, tzinfo=UTC)
    old = AuthSettings(secretary=hash_passcode("thu-ky-cu"), admin=hash_passcode("quan-tri"))
    new = AuthSettings(secretary=hash_passcode("thu-ky-moi"), admin=old.admin)
    secretary, admin = (signed_in(r, "X", when, 240) for r in (Role.SECRETARY, Role.ADMIN))
    tokens = {g.role: encode(g, key, passcode_generation(old, g.role)) for g in (secretary, admin)}

    def check(settings: AuthSettings, role: Role):
        return decode(tokens[role], key, when, lambda r: passcode_generation(settings, r))

    assert check(old, Role.SECRETARY) == secretary and check(old, Role.ADMIN) == admin
    assert check(new, Role.SECRETARY) is None  # the secretary's passcode changed: signed out
    assert check(new, Role.ADMIN) == admin  # the admin's did not
    assert passcode_generation(old, Role.SECRETARY) != passcode_generation(new, Role.SECRETARY) != ""
