"""Issue 21 in Chromium: the secretary's save lands on her own page; click+type+Enter/Tab records; the hall
screen (``/?view=meeting``) follows her province and unsaved what-if, and nothing on it edits.

The delays measured (save seen on her page, the hall following) are printed (``pytest -s``) and
checked against a generous deadline; the one-second goal is reported, not asserted, because this
machine is shared.
"""

from __future__ import annotations

import time

import pytest

from lib.core.auth import hash_passcode
from lib.present.review_editor import EDITOR_COLUMNS, column_widths
from tests.servers import ROOT, dashboard, live_config, sign_in_on_the_page

pytestmark = pytest.mark.browser
PASSCODE = "thu-ky-2020"
ART = ROOT / "test-artifacts" / "issue21"
ROW_PX, HEADER_PX = 68, 36  # pages/review.py's ROW_HEIGHT; the grid's header
AGREED, NEW, REASON = (EDITOR_COLUMNS.index(c) for c in ("agreed", "new", "reason"))


def click_cell(page, row: int, column: int) -> None:
    """One real mouse click in the middle of a grid cell (the grid is a canvas: its column widths are ours)."""
    box = page.locator("[data-testid='stDataFrame']").bounding_box()
    widths = column_widths("vi")
    x = box["x"] + sum(widths[c] for c in EDITOR_COLUMNS[:column]) + widths[EDITOR_COLUMNS[column]] / 2
    page.mouse.click(x, box["y"] + HEADER_PX + ROW_PX * row + ROW_PX / 2)


def cell(page, row: int, column: int) -> str:
    return page.locator(f"[data-testid='stDataFrame'] #glide-cell-{column}-{row}").first.text_content() or ""


def timed(page, condition: str, deadline_s: float) -> float:
    """Seconds until ``condition`` holds in ``page`` (polled every 50 ms); a screenshot if it never does."""
    start = time.monotonic()
    try:
        page.wait_for_function(condition, timeout=deadline_s * 1000, polling=50)
    except Exception:
        page.screenshot(path=str(ART / "failed.png"))
        raise
    return time.monotonic() - start


def test_save_lands_typing_records_and_the_hall_screen_follows(tmp_path, browser):
    ART.mkdir(parents=True, exist_ok=True)
    config, _ = live_config(tmp_path, 15)  # a long interval: only the save's own read can show it at once
    secrets = tmp_path / "secrets.toml"
    secrets.write_text(f'[auth]\nsecretary = "{hash_passcode(PASSCODE)}"\n', encoding="utf-8")
    with dashboard(config, secrets=secrets, log=tmp_path / "streamlit.log",
                   env={"THIDUA_CACHE_DIR": str(tmp_path / "cache")}) as url:
        hall = browser.new_page(viewport={"width": 1920, "height": 1080})
        hall.goto(f"{url}/?view=meeting")
        hall.locator("[data-testid='meet-province']").wait_for(timeout=60_000)

        me = browser.new_page(viewport={"width": 1920, "height": 1080})
        sign_in_on_the_page(me, url, PASSCODE)
        me.get_by_role("link", name="Hội nghị trù bị").click()
        me.get_by_text("Tỉnh đang xem xét", exact=True).wait_for(timeout=30_000)
        hall.get_by_text("Quảng Nam (49)").wait_for(timeout=20_000)  # the page's first run shares its province

        me.get_by_role("button", name="Tỉnh sau ▶").click()  # Quảng Nam -> Quảng Ngãi
        followed = timed(hall, "() => document.querySelector('[data-testid=meet-province]')"
                               "?.textContent.includes('Quảng Ngãi')", 20)
        me.wait_for_function("() => document.querySelector('[data-testid=stSelectbox] input')?.value"
                             " === 'Quảng Ngãi (51)'", timeout=20_000)
        me.wait_for_function(f"() => document.querySelector(\"[data-testid='stDataFrame'] #glide-cell-{AGREED}-0\")"
                             "?.textContent === '7,50'", timeout=20_000)  # Quảng Ngãi's grid, not Quảng Nam's
        me.wait_for_timeout(800)  # its canvas drawn (a click before lands on the old one)

        # one click, type, Enter: the what-if appears on her page and, marked "chưa lưu", on the hall's
        click_cell(me, 0, NEW)
        me.keyboard.type("5", delay=40)
        me.keyboard.press("Enter")
        me.get_by_text("Quảng Ngãi: 98,75 → 96,25, hạng 1 → 2").wait_for(timeout=20_000)
        what_if = timed(hall, "() => document.querySelector('[data-testid=meet-whatif]')"
                              "?.textContent.includes('96,25')", 20)
        assert "chưa lưu" in hall.locator("[data-testid='meet-whatif']").text_content().lower()
        # one click, type, Tab: the reason is recorded (the save button becomes usable)
        click_cell(me, 0, REASON)
        me.keyboard.type("Số liệu GRDP điều chỉnh", delay=20)
        me.keyboard.press("Tab")
        save = me.get_by_role("button", name="Lưu thay đổi")
        me.wait_for_function("() => [...document.querySelectorAll('button')].some("
                             "b => b.innerText.includes('Lưu thay đổi') && !b.disabled)", timeout=20_000)
        assert cell(me, 0, REASON) == "Số liệu GRDP điều chỉnh"

        grid_top = me.locator("[data-testid='stDataFrame']").bounding_box()["y"]
        as_of = me.get_by_text("Dữ liệu lúc").first.text_content()
        save.click()
        landed = timed(me, f"() => document.querySelector(\"[data-testid='stDataFrame'] #glide-cell-{AGREED}-0\")"
                           "?.textContent === '5,00'", 20)
        me.get_by_text("Đã lưu lúc").wait_for(timeout=5_000)
        note = me.get_by_text("Đã lưu lúc").first.text_content()
        assert "Quảng Ngãi" in note and "1.1: 7,50 → 5,00" in note and "Bảng dưới đây đã cập nhật" in note
        assert me.get_by_text("Dữ liệu lúc").first.text_content() != as_of
        assert me.locator("[data-testid='stSelectbox'] input").input_value() == "Quảng Ngãi (51)"
        assert me.locator("[data-testid='stDataFrame']").bounding_box()["y"] == pytest.approx(grid_top, abs=2)
        me.screenshot(path=str(ART / "review-after-save-1920x1080.png"))
        me.set_viewport_size({"width": 1366, "height": 768})
        me.wait_for_timeout(800)
        me.screenshot(path=str(ART / "review-after-save-1366x768.png"))
        me.set_viewport_size({"width": 1920, "height": 1080})

        hall.locator("[data-testid='meet-last']").get_by_text("Số liệu GRDP").wait_for(timeout=20_000)
        hall.wait_for_function("() => !document.querySelector('[data-testid=meet-whatif]')", timeout=20_000)

        # click, type, Tab on another row records too
        click_cell(me, 1, NEW)
        me.keyboard.type("4,5", delay=40)
        me.keyboard.press("Tab")
        me.wait_for_function(f"() => document.querySelector(\"[data-testid='stDataFrame'] #glide-cell-{NEW}-1\")"
                             "?.textContent === '4,5'", timeout=20_000)
        hall.locator("[data-testid='meet-whatif']").wait_for(timeout=20_000)

        editors = hall.evaluate("() => [...document.querySelectorAll('input, textarea, select, button, "
                                "[contenteditable=true], a[href]')].filter(e => e.offsetParent !== null).length")
        assert editors == 0
        hall.screenshot(path=str(ART / "meeting-1920x1080.png"))
        hall.set_viewport_size({"width": 1280, "height": 720})
        hall.wait_for_timeout(500)
        hall.screenshot(path=str(ART / "meeting-1280x720.png"))
        assert me.get_by_text("Traceback").count() == 0 and hall.get_by_text("Traceback").count() == 0
        print(f"\nhall followed the province in {followed:.2f} s (from the click), the what-if in {what_if:.2f} s"
              f" (after her page showed it); her save was on her page in {landed:.2f} s (from the click)")
        assert landed < 10 and followed < 10 and what_if < 10  # generous: the goal (1 s) is reported above
