"""A sign-in that lasts, in a real browser: the cookie survives a reload, sign-out ends it, and a
viewer on a restricted page's URL is told to sign in first, never shown a "Page not found" modal."""

from __future__ import annotations

import urllib.parse
import urllib.request

import pytest

from lib.core.auth import hash_passcode
from tests.servers import PATIENCE_MS, dashboard, dismiss_page_not_found, live_config

pytestmark = pytest.mark.browser
PASSCODE = "thu-ky-2020"
EDITOR = "Tỉnh đang xem xét"  # the review page's province picker, shown above its editor
FIRST = "Trang này cần đăng nhập trước (thư ký hoặc quản trị)."


def wrong_from(url: str, address: str) -> int:
    """A wrong passcode posted through the trusted proxy on behalf of ``address``; the status."""
    request = urllib.request.Request(f"{url}/auth/sign-in", method="POST",
                                     data=urllib.parse.urlencode({"passcode": "doan-bua"}).encode(),
                                     headers={"X-Forwarded-For": address})
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            return answer.status
    except urllib.error.HTTPError as error:
        return error.code


def sign_in(page, name: str) -> None:
    page.get_by_label("Họ tên (ghi vào nhật ký)").fill(name)
    page.get_by_label("Mã đăng nhập").fill(PASSCODE)
    page.get_by_role("button", name="Đăng nhập").click()


def test_sign_in_lasts_over_a_reload_sign_out_ends_it_and_a_viewer_is_told_to_sign_in(tmp_path, browser):
    config, _ = live_config(tmp_path, 15)
    secrets = tmp_path / "secrets.toml"
    secrets.write_text(f'[auth]\nsecretary = "{hash_passcode(PASSCODE)}"\ntrusted_proxies = ["127.0.0.1"]\n',
                       encoding="utf-8")
    with dashboard(config, secrets=secrets, log=tmp_path / "streamlit.log",
                   env={"THIDUA_CACHE_DIR": str(tmp_path / "cache")}) as url:
        # 60 wrong passcodes from other addresses (the proxy reports them) before the secretary comes
        assert {wrong_from(url, f"192.0.2.{i + 1}") for i in range(60)} <= {401, 429}

        secretary = browser.new_page(viewport={"width": 1400, "height": 1000})
        secretary.goto(f"{url}/dang-nhap")
        secretary.get_by_label("Mã đăng nhập").wait_for(timeout=PATIENCE_MS)
        dismiss_page_not_found(secretary)
        sign_in(secretary, "Thư ký Cụm")
        secretary.get_by_text("Đã đăng nhập: Thư ký Cụm (thư ký)").wait_for(timeout=PATIENCE_MS)
        cookie = next(c for c in secretary.context.cookies() if c["name"] == "thidua_grant")
        assert cookie["httpOnly"] and cookie["sameSite"] == "Strict" and cookie["path"] == "/"
        assert secretary.evaluate("document.cookie").find("thidua_grant") == -1  # no script can read it

        secretary.goto(f"{url}/tru-bi")
        secretary.get_by_text(EDITOR, exact=True).wait_for(timeout=PATIENCE_MS)
        secretary.reload()
        secretary.get_by_text(EDITOR, exact=True).wait_for(timeout=PATIENCE_MS)  # a reload keeps one signed in
        secretary.locator("[data-testid='stDataFrame']").first.wait_for(timeout=PATIENCE_MS)
        assert secretary.get_by_text("Page not found").count() == 0
        secretary.screenshot(path=str(tmp_path / "after-reload.png"))

        secretary.goto(f"{url}/dang-nhap")
        secretary.get_by_role("button", name="Đăng xuất").click()
        secretary.get_by_label("Mã đăng nhập").wait_for(timeout=PATIENCE_MS)  # signed out: the form again
        assert not [c for c in secretary.context.cookies() if c["name"] == "thidua_grant"]
        secretary.goto(f"{url}/tru-bi")
        secretary.get_by_text(FIRST).wait_for(timeout=PATIENCE_MS)
        assert secretary.get_by_text(EDITOR, exact=True).count() == 0

        viewer = browser.new_page(viewport={"width": 1280, "height": 900})
        viewer.goto(f"{url}/tru-bi")
        viewer.get_by_text(FIRST).wait_for(timeout=PATIENCE_MS)
        viewer.wait_for_timeout(1500)
        assert viewer.get_by_text("Page not found").count() == 0
        assert viewer.get_by_text(EDITOR, exact=True).count() == 0 and viewer.get_by_text("Traceback").count() == 0
        viewer.screenshot(path=str(tmp_path / "sign-in-first.png"))

        # the link leads to the sign-in page, which sends the browser back to the review page
        viewer.get_by_role("link", name="Đến trang đăng nhập").click()
        viewer.get_by_label("Mã đăng nhập").wait_for(timeout=PATIENCE_MS)
        sign_in(viewer, "Phó thư ký")
        viewer.get_by_text(EDITOR, exact=True).wait_for(timeout=PATIENCE_MS)
        assert urllib.parse.urlsplit(viewer.url).path == "/tru-bi"
