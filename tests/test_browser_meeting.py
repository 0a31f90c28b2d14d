"""The preliminary meeting in real browsers: a secretary saves, a delegate's ranking follows."""

from __future__ import annotations

import pytest

from lib.core.auth import hash_passcode
from tests.servers import PATIENCE_MS, dashboard, live_config, sign_in_on_the_page

pytestmark = pytest.mark.browser
INTERVAL = 2
PASSCODE = "thu-ky-2020"
NEW_COLUMN, REASON_COLUMN = 5, 6  # positions in lib.core.review.EDITOR_COLUMNS


def edit_cell(page, row: int, column: int, text: str) -> None:
    """Type ``text`` into a cell of the review editor.

    The grid is a canvas; its hidden accessibility table has a focusable element per cell.
    Focusing the row's first cell selects it, and the arrow keys move the selection, so
    no pixel arithmetic is needed.
    """
    page.locator(f"[data-testid='stDataFrame'] #glide-cell-0-{row}").first.focus()
    for _ in range(column):
        page.keyboard.press("ArrowRight")
    page.wait_for_function(f"() => document.activeElement?.id === 'glide-cell-{column}-{row}'", timeout=PATIENCE_MS)
    page.keyboard.press("Enter")
    page.locator("#portal input, #portal textarea").first.wait_for(timeout=PATIENCE_MS)
    page.keyboard.press("Control+A")
    page.keyboard.type(text, delay=30)
    page.wait_for_timeout(300)  # let the grid's editor take the value before committing
    page.keyboard.press("Enter")


def edit_until(page, row: int, column: int, text: str, shown: str) -> None:
    """Edit a cell and wait for the page to show ``shown``; retry once if the grid was mid-render."""
    for attempt in range(3):
        edit_cell(page, row, column, text)
        try:
            page.get_by_text(shown).first.wait_for(timeout=30_000)  # then a retry
            return
        except Exception:  # noqa: BLE001 - the rerun after an edit may have swallowed the keystrokes
            if attempt == 2:
                raise


def chart_order(page) -> list[str]:
    return [t.strip() for t in page.locator(".ytick text").all_text_contents()]


def test_secretary_changes_a_score_sees_the_what_if_saves_and_the_ranking_follows(tmp_path, browser):
    config, _ = live_config(tmp_path, INTERVAL)
    secrets = tmp_path / "secrets.toml"
    secrets.write_text(f'[auth]\nsecretary = "{hash_passcode(PASSCODE)}"\n', encoding="utf-8")
    with dashboard(config, secrets=secrets, log=tmp_path / "streamlit.log",
                   env={"THIDUA_CACHE_DIR": str(tmp_path / "cache")}) as url:
        delegate = browser.new_page(viewport={"width": 1280, "height": 900})
        delegate.goto(url)
        delegate.locator(".ytick text").first.wait_for(timeout=PATIENCE_MS)
        assert chart_order(delegate)[:2] == ["1. Quảng Ngãi", "2. Khánh Hòa"]

        secretary = browser.new_page(viewport={"width": 1600, "height": 1100})
        sign_in_on_the_page(secretary, url, PASSCODE)
        secretary.get_by_role("link", name="Hội nghị trù bị").click()
        secretary.get_by_text("Tỉnh đang xem xét", exact=True).wait_for()
        secretary.get_by_role("button", name="Tỉnh sau ▶").click()  # Quảng Nam -> Quảng Ngãi
        secretary.wait_for_function("() => document.querySelector('[data-testid=stSelectbox] input')"
                                    "?.value === 'Quảng Ngãi (51)'", timeout=PATIENCE_MS)
        secretary.wait_for_timeout(1000)

        edit_until(secretary, 0, NEW_COLUMN, "5", "Nếu lưu các thay đổi này")
        secretary.get_by_text("cần ghi lý do điều chỉnh").wait_for()  # no reason yet: cannot save
        assert secretary.get_by_role("button", name="Lưu thay đổi").is_disabled()
        secretary.get_by_text("Quảng Ngãi: 98,75 → 96,25, hạng 1 → 2").wait_for()
        edit_until(secretary, 0, REASON_COLUMN, "Số liệu GRDP điều chỉnh theo Cục Thống kê", "Lưu thay đổi")
        save = secretary.get_by_role("button", name="Lưu thay đổi")
        secretary.wait_for_function("() => ![...document.querySelectorAll('button')].find("
                                    "b => b.innerText.includes('Lưu thay đổi')).disabled", timeout=PATIENCE_MS)
        secretary.screenshot(path=str(tmp_path / "what-if.png"))
        save.click()

        delegate.wait_for_function(
            "() => (document.querySelector('.ytick text') || {}).textContent?.startsWith('1. Khánh Hòa')",
            timeout=PATIENCE_MS,
        )
        assert chart_order(delegate)[:2] == ["1. Khánh Hòa ▲1", "2. Quảng Ngãi ▼1"]
        assert secretary.get_by_text("Traceback").count() == 0
