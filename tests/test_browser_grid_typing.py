"""Trying to break the review grid's typing script (``lib/present/grid_typing.py``) in Chromium.

Keys are sent at machine speed (30 ms apart, as ``/tmp/exp_race.py`` did), faster than any secretary,
so every key lands while the script still holds the first ones: Backspace, Escape, and a Tab or Enter
followed by more typing (the natural "score, Tab, reason, Enter"). Each case reloads the page and works
on its own row; a value recorded in the wrong cell, merged, or with keys lost is a defect.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from lib.core.auth import hash_passcode
from tests.servers import dashboard, launched_chromium, live_config, sign_in_on_the_page
from tests.test_browser_meeting_screen import DEADLINE_MS, EDITOR_COLUMNS, NEW, click_cell, grid_cell, idle

pytestmark = pytest.mark.browser
PASSCODE = "thu-ky-2020"
REASON, CRITERION = EDITOR_COLUMNS.index("reason"), EDITOR_COLUMNS.index("criterion")


@pytest.fixture(scope="module")
def chromium() -> Iterator[object]:
    """One Chromium for the module (the shared ``browser`` fixture is per test; a server per case is slow)."""
    with launched_chromium() as browser:
        yield browser


@pytest.fixture(scope="module")
def review(tmp_path_factory, chromium) -> Iterator[object]:
    """The review page of a signed-in secretary, tall enough that every row of the grid is on screen."""
    tmp = tmp_path_factory.mktemp("typing")
    config, _ = live_config(tmp, 15)
    secrets = tmp / "secrets.toml"
    secrets.write_text(f'[auth]\nsecretary = "{hash_passcode(PASSCODE)}"\n', encoding="utf-8")
    with dashboard(config, secrets=secrets, env={"THIDUA_CACHE_DIR": str(tmp / "cache")}) as url:
        page = chromium.new_page(viewport={"width": 1920, "height": 2600})
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        sign_in_on_the_page(page, url, PASSCODE)
        page.get_by_role("link", name="Hội nghị trù bị").click()
        page.get_by_role("combobox", name="Tỉnh đang xem xét").wait_for(timeout=DEADLINE_MS)
        page.review_url = page.url  # type: ignore[attr-defined]
        yield page
        assert not errors, errors
        page.close()


def fresh(page) -> object:
    """The review page as opened anew: no cell selected, no edit pending, no key held."""
    page.goto(page.review_url)
    page.get_by_role("combobox", name="Tỉnh đang xem xét").wait_for(timeout=DEADLINE_MS)
    idle(page)
    page.wait_for_function(f"() => {grid_cell(NEW, 14)} != null", timeout=DEADLINE_MS)
    return page


def cell(page, column: int, row: int) -> str | None:
    return page.evaluate(f"() => {grid_cell(column, row)}")


def shows(page, column: int, row: int, text: str) -> None:
    """Wait (generously) for the cell to show ``text``; the script's trail is in the message if it does not."""
    try:
        page.wait_for_function(f"() => {grid_cell(column, row)} === {json.dumps(text)}", timeout=DEADLINE_MS)
    except Exception as exc:  # noqa: BLE001 - re-raised with what the cell shows and what the script did
        trail = page.evaluate("() => window.__thiduaTypingTrail && window.__thiduaTypingTrail.slice(-6)")
        raise AssertionError(f"cell {column},{row} shows {cell(page, column, row)!r}, not {text!r}; {trail}") from exc


def settled(page) -> None:
    """The script holds nothing and the grid's editor is closed (a cancelled or finished edit)."""
    page.wait_for_function("() => !document.querySelector('#portal textarea, #portal input')", timeout=DEADLINE_MS)
    idle(page)


def test_a_backspace_while_the_keys_are_held_takes_the_letter_before_it(review):
    page = fresh(review)
    click_cell(page, 0, NEW)
    page.keyboard.type("8,", delay=30)
    page.keyboard.press("Backspace")  # went to the grid, not the held text: "8,5" was recorded
    page.keyboard.type("5", delay=30)
    page.keyboard.press("Enter")
    shows(page, NEW, 0, "85")


def test_an_escape_while_the_keys_are_held_cancels_the_edit(review):
    page = fresh(review)
    before = cell(page, NEW, 1)
    click_cell(page, 1, NEW)
    page.keyboard.type("9", delay=30)
    page.keyboard.press("Escape")  # went nowhere: the editor stayed open with "9", a click elsewhere kept it
    settled(page)
    assert cell(page, NEW, 1) == before


def test_score_tab_reason_enter_typed_fast_records_both_cells(review):
    page = fresh(review)
    click_cell(page, 2, NEW)
    page.keyboard.type("5", delay=30)
    page.keyboard.press("Tab")  # the reason is the next column
    page.keyboard.type("ly do", delay=30)
    page.keyboard.press("Enter")
    shows(page, REASON, 2, "ly do")
    shows(page, NEW, 2, "5")


def test_enter_then_the_next_row_s_value_typed_fast_records_both(review):
    page = fresh(review)
    click_cell(page, 3, NEW)
    page.keyboard.type("5", delay=30)
    page.keyboard.press("Enter")  # the grid moves to the row below
    page.keyboard.type("6", delay=30)
    page.keyboard.press("Enter")
    shows(page, NEW, 3, "5")
    shows(page, NEW, 4, "6")


def test_a_key_on_a_read_only_column_changes_no_cell(review):
    page = fresh(review)
    before = [cell(page, c, r) for c in (CRITERION, NEW) for r in (5, 6)]
    click_cell(page, 5, CRITERION)
    page.keyboard.type("77", delay=30)
    page.keyboard.press("Enter")
    settled(page)
    assert [cell(page, c, r) for c in (CRITERION, NEW) for r in (5, 6)] == before


def test_a_key_typed_into_the_correction_form_just_after_a_grid_click_stays_there(review):
    page = fresh(review)
    before = cell(page, NEW, 7)
    click_cell(page, 7, NEW)
    field = page.get_by_label("Giá trị mới (như ô bảng tính, ví dụ 7,5)")
    field.click()
    page.keyboard.type("12,5", delay=30)
    page.wait_for_function("() => !window.__thiduaTypingTrail.length || true")
    assert field.input_value() == "12,5"
    settled(page)
    assert cell(page, NEW, 7) == before


def test_a_second_click_before_typing_puts_the_value_in_the_second_cell(review):
    page = fresh(review)
    before = cell(page, NEW, 8)
    click_cell(page, 8, NEW)
    click_cell(page, 9, NEW)
    page.keyboard.type("3,5", delay=30)
    page.keyboard.press("Enter")
    shows(page, NEW, 9, "3,5")
    assert cell(page, NEW, 8) == before


def test_shift_tab_after_a_replayed_tab_goes_back_a_column(review):
    page = fresh(review)
    click_cell(page, 10, NEW)
    page.keyboard.type("5", delay=30)
    page.keyboard.press("Tab")  # to the reason
    page.keyboard.type("x", delay=30)
    page.keyboard.press("Shift+Tab")  # back to the new score: was replayed as a Tab, to the evidence
    page.keyboard.type("6", delay=30)
    page.keyboard.press("Enter")
    shows(page, REASON, 10, "x")
    shows(page, NEW, 10, "6")


def test_an_arrow_after_a_replayed_enter_moves_from_the_row_the_enter_went_to(review):
    page = fresh(review)
    before = cell(page, NEW, 12)
    click_cell(page, 11, NEW)
    page.keyboard.type("5", delay=30)
    page.keyboard.press("Enter")  # to row 12
    page.keyboard.press("ArrowDown")  # to row 13: went to the open editor, and the 6 landed in row 12
    page.keyboard.type("6", delay=30)
    page.keyboard.press("Enter")
    shows(page, NEW, 11, "5")
    shows(page, NEW, 13, "6")
    assert cell(page, NEW, 12) == before


def test_keys_typed_into_the_correction_form_right_after_an_enter_stay_there(review):
    page = fresh(review)
    click_cell(page, 15, NEW)
    page.keyboard.type("5", delay=30)
    page.keyboard.press("Enter")
    field = page.get_by_label("Giá trị mới (như ô bảng tính, ví dụ 7,5)")
    field.click()  # while the grid still held the 5 and its Enter: the keys below were taken, then lost
    page.keyboard.type("12,5", delay=30)
    shows(page, NEW, 15, "5")
    settled(page)
    assert field.input_value() == "12,5"


def test_keys_typed_into_the_province_selector_right_after_an_enter_stay_there(review):
    page = fresh(review)
    click_cell(page, 17, NEW)
    page.keyboard.type("5", delay=30)
    page.keyboard.press("Enter")
    selector = page.get_by_role("combobox", name="Tỉnh đang xem xét")
    selector.click()
    page.keyboard.type("Phú", delay=30)
    page.wait_for_function("() => document.activeElement && document.activeElement.value === 'Phú'",
                           timeout=DEADLINE_MS)
    page.keyboard.press("Escape")


def test_keys_typed_then_a_click_on_another_cell_stay_in_the_first(review):
    page = fresh(review)
    click_cell(page, 19, NEW)
    page.keyboard.type("4,5", delay=30)
    click_cell(page, 21, NEW)  # "4,5" and then "7" were recorded together in row 21: "4,57"
    page.keyboard.type("7", delay=30)
    page.keyboard.press("Enter")
    shows(page, NEW, 21, "7")
    shows(page, NEW, 19, "4,5")
