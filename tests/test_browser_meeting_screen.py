"""Issue 21 in Chromium: the secretary's save lands on her own page; click+type+Enter/Tab records; the hall
screen (``/?view=meeting``) follows her province and unsaved what-if, and nothing on it edits.

Every action waits for the page to be idle first (Streamlit's script not running, no element marked
stale), so a click never lands on a grid a rerun is about to replace. The delays are measured in the
pages themselves: a 50 ms poll in each page notes the first moment a condition holds (``Date.now()``,
one clock for every page of this browser), measured from just before the action. They are printed
(``pytest -s``) and checked against a generous deadline; the one-second goal is reported, not
asserted, because this machine is shared with other jobs.
"""

from __future__ import annotations

import json
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
DEADLINE_MS = 30_000  # generous: the machine is shared; the figures are what count
IDLE = """() => {
  const app = document.querySelector('[data-testid=stApp]');
  return !!app && app.getAttribute('data-test-script-state') !== 'running'
    && !document.querySelector('[data-stale=true]') && !document.querySelector('[data-testid=stSkeleton]');
}"""


def idle(page) -> None:
    """Wait until Streamlit has finished its run and nothing on the page is stale."""
    page.wait_for_function(IDLE, timeout=DEADLINE_MS, polling=50)


def grid_cell(column: int, row: int) -> str:
    """JS expression: the text of a grid cell (the grid's accessibility table mirrors its canvas)."""
    return f"document.querySelector(\"[data-testid='stDataFrame'] #glide-cell-{column}-{row}\")?.textContent"


def click_cell(page, row: int, column: int) -> None:
    """One real mouse click in the middle of a grid cell (the grid is a canvas: its column widths are ours)."""
    idle(page)
    box = page.get_by_test_id("stDataFrame").bounding_box()
    widths = column_widths("vi")
    x = box["x"] + sum(widths[c] for c in EDITOR_COLUMNS[:column]) + widths[EDITOR_COLUMNS[column]] / 2
    page.mouse.click(x, box["y"] + HEADER_PX + ROW_PX * row + ROW_PX / 2)
    # a person types once the grid has taken the click; a key sent before the grid holds the focus went
    # nowhere (one run in six on a loaded machine): wait for the focus, not for a time
    page.wait_for_function("() => { const f = document.querySelector('[data-testid=stDataFrame]');"
                           " return !!f && f.contains(document.activeElement); }", timeout=DEADLINE_MS, polling=20)


def type_in_cell(page, row: int, column: int, text: str, commit: str) -> None:
    """Click a cell once, type ``text``, press ``commit`` (Enter or Tab): the way the secretary is told to."""
    click_cell(page, row, column)
    page.keyboard.type(text, delay=30)
    page.keyboard.press(commit)


def grid_shows(page, row: int, column: int, text: str, name: str) -> None:
    """Wait until the grid's cell reads ``text``; on failure a screenshot and where the focus was."""
    try:
        page.wait_for_function(f"() => {grid_cell(column, row)} === {json.dumps(text)}", timeout=DEADLINE_MS,
                               polling=50)
    except Exception:
        page.screenshot(path=str(ART / f"failed-{name}.png"))
        print(name, page.evaluate(f"() => {grid_cell(column, row)}"), page.evaluate(
            "() => { const a = document.activeElement; const b = document.querySelector("
            "'#portal textarea, #portal input'); return [a && a.outerHTML.slice(0, 150), "
            "b && b.outerHTML.slice(0, 150), b && b.value, a === b]; }"),
              page.evaluate("() => window.__thiduaTypingTrail"))
        raise


def watch(page, name: str, condition: str) -> None:
    """Note in ``page`` the first moment (its ``Date.now()``) ``condition`` holds, polled every 50 ms."""
    page.evaluate("""([name, source]) => {
      const seen = window.__seen || (window.__seen = {});
      delete seen[name];
      const test = new Function('return (' + source + ')');
      const timer = setInterval(() => {
        let ok = false;
        try { ok = !!test(); } catch (e) { ok = false; }
        if (ok) { seen[name] = Date.now(); clearInterval(timer); }
      }, 50);
    }""", [name, condition])


def seen(page, name: str, since_ms: float) -> float:
    """Seconds from ``since_ms`` (this machine's clock) to the moment ``watch`` saw its condition."""
    try:
        page.wait_for_function(f"() => window.__seen && window.__seen[{json.dumps(name)}] !== undefined",
                               timeout=DEADLINE_MS, polling=50)
    except Exception:
        page.screenshot(path=str(ART / f"failed-{name}.png"), full_page=True)
        print(name, page.evaluate("() => window.__thiduaTypingTrail"))
        raise
    return (page.evaluate(f"() => window.__seen[{json.dumps(name)}]") - since_ms) / 1000


def now_ms() -> float:
    return time.time() * 1000


HALL_PROVINCE = "document.querySelector('[data-testid=meet-province]')?.textContent.includes({name})"
HALL_WHATIF = "document.querySelector('[data-testid=meet-whatif]')?.textContent.includes({text})"


def test_save_lands_typing_records_and_the_hall_screen_follows(tmp_path, browser):
    ART.mkdir(parents=True, exist_ok=True)
    config, _ = live_config(tmp_path, 15)  # a long interval: only the save's own read can show it at once
    secrets = tmp_path / "secrets.toml"
    secrets.write_text(f'[auth]\nsecretary = "{hash_passcode(PASSCODE)}"\n', encoding="utf-8")
    figures: dict[str, float] = {}
    with dashboard(config, secrets=secrets, log=tmp_path / "streamlit.log",
                   env={"THIDUA_CACHE_DIR": str(tmp_path / "cache")}) as url:
        hall = browser.new_page(viewport={"width": 1920, "height": 1080})
        hall.goto(f"{url}/?view=meeting")
        hall.get_by_test_id("meet-province").wait_for(timeout=60_000)

        me = browser.new_page(viewport={"width": 1920, "height": 1080})
        sign_in_on_the_page(me, url, PASSCODE)
        me.get_by_role("link", name="Hội nghị trù bị").click()
        me.get_by_role("combobox", name="Tỉnh đang xem xét").wait_for(timeout=DEADLINE_MS)
        idle(me)
        hall.get_by_text("Quảng Nam (49)").wait_for(timeout=DEADLINE_MS)  # the page's first run shares its province
        # nothing pending: the chart is the ranking as saved, not a what-if
        assert me.get_by_text("Nếu lưu các thay đổi này").count() == 0

        # the next province: her page and the hall's
        watch(hall, "province", HALL_PROVINCE.format(name=json.dumps("Quảng Ngãi")))
        watch(me, "province", grid_cell(AGREED, 0) + " === '7,50'")  # Quảng Ngãi's grid, not Quảng Nam's
        start = now_ms()
        me.get_by_role("button", name="Tỉnh sau ▶").click()  # Quảng Nam -> Quảng Ngãi
        figures["her page showed the next province"] = seen(me, "province", start)
        figures["hall followed the province"] = seen(hall, "province", start)
        assert me.get_by_role("combobox", name="Tỉnh đang xem xét").input_value() == "Quảng Ngãi (51)"

        # one click, type, Enter: the what-if appears on her page and, marked "chưa lưu", on the hall's
        click_cell(me, 0, NEW)
        me.keyboard.type("5", delay=30)
        watch(me, "whatif", "document.body.innerText.includes('Quảng Ngãi: 98,75 → 96,25, hạng 1 → 2')")
        watch(hall, "whatif", HALL_WHATIF.format(text=json.dumps("96,25")))
        start = now_ms()
        me.keyboard.press("Enter")
        figures["her page showed the what-if"] = seen(me, "whatif", start)
        figures["hall showed the what-if"] = seen(hall, "whatif", start)
        assert "chưa lưu" in hall.get_by_test_id("meet-whatif").text_content().lower()
        assert me.get_by_text("Nếu lưu các thay đổi này").count() >= 1

        # one click, type, Tab: the reason is recorded (the save button becomes usable)
        type_in_cell(me, 0, REASON, "Số liệu GRDP điều chỉnh", "Tab")
        grid_shows(me, 0, REASON, "Số liệu GRDP điều chỉnh", "reason")
        save = me.get_by_role("button", name="Lưu thay đổi")
        me.wait_for_function("() => [...document.querySelectorAll('button')].some("
                             "b => b.innerText.includes('Lưu thay đổi') && !b.disabled)", timeout=DEADLINE_MS)
        idle(me)

        grid_top = me.get_by_test_id("stDataFrame").bounding_box()["y"]
        as_of = me.get_by_text("Dữ liệu lúc").first.text_content()
        watch(me, "saved", grid_cell(AGREED, 0) + " === '5,00'")
        watch(me, "note", "document.body.innerText.includes('Đã lưu lúc')")
        watch(hall, "saved", "document.querySelector('[data-testid=meet-last]')?.textContent.includes('GRDP')")
        start = now_ms()
        save.click()
        figures["her page showed the saved value"] = seen(me, "saved", start)
        figures["her page showed the save note"] = seen(me, "note", start)
        figures["hall showed the saved change"] = seen(hall, "saved", start)
        idle(me)
        note = me.get_by_text("Đã lưu lúc").first.text_content()
        assert "Quảng Ngãi" in note and "1.1: 7,50 → 5,00" in note and "Bảng dưới đây đã cập nhật" in note
        assert me.get_by_text("Dữ liệu lúc").first.text_content() != as_of
        assert me.get_by_role("combobox", name="Tỉnh đang xem xét").input_value() == "Quảng Ngãi (51)"
        assert me.get_by_test_id("stDataFrame").bounding_box()["y"] == pytest.approx(grid_top, abs=2)
        hall.wait_for_function("() => !document.querySelector('[data-testid=meet-whatif]')", timeout=DEADLINE_MS)
        assert me.get_by_text("Nếu lưu các thay đổi này").count() == 0  # nothing pending any more

        # every column of the grid within the page at 1920 px (no sideways scrolling to read the working)
        frame = me.get_by_test_id("stDataFrame").bounding_box()
        assert sum(column_widths("vi").values()) <= frame["width"] + 1, frame
        me.screenshot(path=str(ART / "review-after-save-1920x1080.png"))
        me.screenshot(path=str(ART / "review-after-save-1920-full.png"), full_page=True)
        me.set_viewport_size({"width": 1366, "height": 768})
        idle(me)
        me.wait_for_timeout(500)  # a resize has no event to wait on: the grid redraws its canvas
        me.screenshot(path=str(ART / "review-after-save-1366x768.png"))
        me.set_viewport_size({"width": 1920, "height": 1080})
        idle(me)

        # click, type, Tab on another row records too
        type_in_cell(me, 1, NEW, "4,5", "Tab")
        grid_shows(me, 1, NEW, "4,5", "second-row")
        hall.get_by_test_id("meet-whatif").wait_for(timeout=DEADLINE_MS)

        # nothing to edit or follow (Streamlit's own "skip to main content" link for keyboards aside)
        editors = hall.evaluate("() => [...document.querySelectorAll('input, textarea, select, button, "
                                "[contenteditable=true], a[href]')].filter(e => e.offsetParent !== null"
                                " && e.dataset.testid !== 'stSkipToContent')"
                                ".map(e => e.outerHTML.slice(0, 200))")
        assert editors == []
        hall.screenshot(path=str(ART / "meeting-followed-1920x1080.png"))
        hall.set_viewport_size({"width": 1280, "height": 720})
        hall.wait_for_timeout(500)  # a resize has no event to wait on: the layout reflows
        hall.screenshot(path=str(ART / "meeting-followed-1280x720.png"))
        assert me.get_by_text("Traceback").count() == 0 and hall.get_by_text("Traceback").count() == 0
    print("\n" + "\n".join(f"{what}: {secs:.2f} s" for what, secs in figures.items()))
    (ART / "meeting-figures.txt").write_text(
        "\n".join(f"{what}: {secs:.2f} s" for what, secs in figures.items()) + "\n", encoding="utf-8")
    assert all(secs < 15 for secs in figures.values()), figures  # generous: the goal (1 s) is reported above


def test_a_click_and_keys_typed_at_once_record_even_before_the_grid_has_the_focus(tmp_path, browser):
    """Keys typed the moment the mouse is released (no wait for the grid's focus, focus elsewhere before)."""
    config, _ = live_config(tmp_path, 15)
    secrets = tmp_path / "secrets.toml"
    secrets.write_text(f'[auth]\nsecretary = "{hash_passcode(PASSCODE)}"\n', encoding="utf-8")
    with dashboard(config, secrets=secrets, env={"THIDUA_CACHE_DIR": str(tmp_path / "cache")}) as url:
        me = browser.new_page(viewport={"width": 1920, "height": 1080})
        sign_in_on_the_page(me, url, PASSCODE)
        me.get_by_role("link", name="Hội nghị trù bị").click()
        me.get_by_role("combobox", name="Tỉnh đang xem xét").wait_for(timeout=DEADLINE_MS)
        widths = column_widths("vi")
        typed = [(0, NEW, "3,5", "Enter"), (1, REASON, "lý do một", "Tab"), (2, NEW, "2", "Tab"),
                 (3, REASON, "lý do ba", "Enter"), (4, NEW, "1,5", "Enter"), (0, REASON, "GRDP", "Tab")]
        for row, column, text, commit in typed:
            idle(me)
            me.evaluate("() => document.querySelector('[data-testid=stSidebarNavLink]').focus()")  # not the grid
            box = me.get_by_test_id("stDataFrame").bounding_box()
            x = box["x"] + sum(widths[c] for c in EDITOR_COLUMNS[:column]) + widths[EDITOR_COLUMNS[column]] / 2
            me.mouse.click(x, box["y"] + HEADER_PX + ROW_PX * row + ROW_PX / 2)
            me.keyboard.type(text, delay=30)  # at once: no wait for the focus
            me.keyboard.press(commit)
            grid_shows(me, row, column, text, f"at-once-{row}-{column}")
        assert me.get_by_text("Traceback").count() == 0
