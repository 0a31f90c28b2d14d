"""The official session's screens in Debian's Chromium: projector and delegates' view."""

from __future__ import annotations

import dataclasses
import time
from decimal import Decimal

import pytest

from lib.core.auth import Role
from lib.core.config import load_config
from lib.core.model import Adjustment, ChangeSet
from lib.edge import ceremony
from lib.edge.sources.xlsx import XlsxSource
from lib.edge.state import DB_NAME
from lib.edge.store import save
from tests.fake_sheets import FakeSheetsServer
from tests.fake_sheets.client import secrets_toml, sheet_settings
from tests.servers import PATIENCE, PATIENCE_MS, ROOT, dashboard, live_config

pytestmark = pytest.mark.browser
INTERVAL = 2
CHROME = ["stHeader", "stToolbar", "stSidebar", "stSidebarCollapsedControl", "stDecoration", "stStatusWidget"]


def chart_order(page) -> list[str]:
    """Province labels of the delegates' Plotly chart, top to bottom."""
    return [t.strip() for t in page.locator(".ytick text").all_text_contents()]


def projector_order(page) -> list[str]:
    """Province labels of the projector's HTML bars, top to bottom."""
    return [t.strip() for t in page.locator(".rk-label").all_text_contents()]


def wait_for_top(page, label: str, timeout_s: float) -> None:
    page.wait_for_function(f"() => (document.querySelector('.rk-label') || {{}}).textContent?.startsWith({label!r})",
                           timeout=timeout_s * 1000)


def lower_quang_ngai(workbook) -> None:
    """A secretary's save through the store: Quảng Ngãi 1.1 from 7.5 to 5 (98,75 → 96,25)."""
    members = load_config(ROOT / "config" / "tn-dhmt-2019.toml").provinces
    change = Adjustment("1.1", "51", Decimal("7.5"), Decimal("5"), "Điều chỉnh theo số liệu thống kê")
    save(XlsxSource(workbook), ChangeSet("Thư ký", Role.SECRETARY, (change,)), members)


def test_projector_has_no_chrome_fits_the_screen_and_reorders_after_a_save(tmp_path, browser):
    config, workbook = live_config(tmp_path, INTERVAL)
    with dashboard(config, log=tmp_path / "streamlit.log") as url:
        page = browser.new_page(viewport={"width": 1920, "height": 1080})
        page.goto(f"{url}/?view=projector")
        page.locator(".rk-label").first.wait_for(timeout=PATIENCE_MS)
        assert projector_order(page)[0] == "1. Quảng Ngãi"
        for testid in CHROME:
            assert not page.locator(f"[data-testid='{testid}']").is_visible(), testid
        visible = [e for e in page.get_by_role("link").all() + page.get_by_role("button").all()
                   if e.is_visible() and e.text_content() != "Skip to main content"]  # (keyboard a11y link)
        assert visible == [], [e.text_content() for e in visible]  # nothing to click on the projector
        body = page.inner_text("body")
        assert "Cụm thi đua Tây Nguyên – Duyên hải miền Trung" in body and "TẠM TÍNH" in body
        assert "Cần biểu quyết: Bình Định, Đắk Lắk" in body
        page.screenshot(path=str(tmp_path / "projector-1920.png"))

        lower_quang_ngai(workbook)
        wait_for_top(page, "1. Khánh Hòa", PATIENCE)
        assert projector_order(page)[:2] == ["1. Khánh Hòa ▲1", "2. Quảng Ngãi ▼1"]
        assert "96,25 (−2,25)" in " ".join(page.locator(".rk-bar").all_text_contents())  # Khánh Hòa 98,50
        assert page.locator(".rk-moved").count() == 2  # what moved is outlined
        page.screenshot(path=str(tmp_path / "projector-after.png"))

        small = browser.new_page(viewport={"width": 1280, "height": 720})
        small.goto(f"{url}/?view=projector")
        small.locator(".rk-label").first.wait_for(timeout=PATIENCE_MS)
        last = small.locator(".rk-label").last
        assert last.text_content().startswith("11. ")
        assert last.bounding_box()["y"] + last.bounding_box()["height"] <= 720  # every place is on screen
        small.screenshot(path=str(tmp_path / "projector-1280.png"))


def test_projector_follows_an_edit_by_the_stream_without_a_rerun_and_says_when_the_server_is_gone(tmp_path, browser):
    config, workbook = live_config(tmp_path, INTERVAL)
    page = browser.new_page(viewport={"width": 1920, "height": 1080})
    sent: list[bytes | str] = []
    page.on("websocket", lambda ws: ws.on("framesent", lambda frame: sent.append(frame)))  # BackMsgs: reruns
    with dashboard(config, log=tmp_path / "streamlit.log") as url:
        page.goto(f"{url}/?view=projector")
        page.locator("#proj-live .rk-label").first.wait_for(timeout=PATIENCE_MS)
        page.wait_for_timeout(INTERVAL * 1000 * 2)  # two of the old ticks: no rerun asked for any more
        before = len(sent)
        with page.expect_response(lambda r: "/api/projector" in r.url and r.status == 200, timeout=PATIENCE_MS):
            lower_quang_ngai(workbook)
        wait_for_top(page, "1. Khánh Hòa", PATIENCE)
        assert len(sent) == before, "the projector asked Streamlit for a rerun"
        assert page.locator(".rk-moved").count() == 2
        # the next safety poll brings a newer "as of" time: the badges change, the bars (and the
        # "moved" flash) are kept as they are, not drawn and flashed again
        page.evaluate("document.querySelector('#proj-live .rk').kept = true")
        with page.expect_response(lambda r: "/api/projector" in r.url and r.status == 200, timeout=PATIENCE_MS):
            pass
        page.wait_for_timeout(300)
        assert page.evaluate("document.querySelector('#proj-live .rk').kept === true")
    # the server is gone: the last ranking stays on the screen, and a line says the link is lost
    page.get_by_test_id("proj-lost").wait_for(timeout=PATIENCE_MS)
    assert "Mất kết nối máy chủ" in page.get_by_test_id("proj-lost").inner_text()
    assert projector_order(page)[0] == "1. Khánh Hòa ▲1" and len(projector_order(page)) == 11
    page.screenshot(path=str(tmp_path / "projector-server-gone.png"))


def test_delegates_view_on_a_phone_reads_and_offers_no_way_to_edit(tmp_path, browser):
    config, _ = live_config(tmp_path, INTERVAL)
    with dashboard(config, log=tmp_path / "streamlit.log") as url:
        page = browser.new_page(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
        page.goto(f"{url}/?view=delegate")
        page.locator(".ytick text").first.wait_for(timeout=PATIENCE_MS)
        body = page.inner_text("body")
        assert "Năm 2019" in body and "DỮ LIỆU MINH HỌA" in body
        assert chart_order(page)[0] == "1. Quảng Ngãi"
        assert page.locator("[data-testid='stDataFrameGlideDataEditor'], [data-testid='stDataEditor']").count() == 0
        assert page.get_by_text("Đăng nhập").count() == 0 and page.get_by_text("Lưu thay đổi").count() == 0
        assert page.locator("[data-testid='stSidebar']").count() == 0 or not page.locator(
            "[data-testid='stSidebar']").is_visible()
        page.get_by_text("Điểm theo nhóm — Quảng Ngãi").wait_for()
        page.screenshot(path=str(tmp_path / "delegate-390.png"), full_page=True)
        page.get_by_text("English", exact=True).click()
        page.get_by_text("Points by group — Quảng Ngãi").wait_for(timeout=PATIENCE_MS)


def test_delegates_view_reruns_when_an_edit_or_the_agenda_arrives_not_every_tick(tmp_path, browser):
    config, workbook = live_config(tmp_path, INTERVAL)
    cache = tmp_path / "cache"
    page = browser.new_page(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    sent: list[bytes | str] = []
    page.on("websocket", lambda ws: ws.on("framesent", lambda frame: sent.append(frame)))
    with dashboard(config, env={"THIDUA_CACHE_DIR": str(cache)}, log=tmp_path / "streamlit.log") as url:
        page.goto(f"{url}/?view=delegate")
        page.locator(".ytick text").first.wait_for(timeout=PATIENCE_MS)
        page.wait_for_function("() => (window.__thiduaFollow || {}).follow?.source?.readyState === 1",
                               timeout=PATIENCE_MS)  # the listener's stream is open (an event, not a guess)
        page.wait_for_timeout(1_500)  # its first frame (the version it was drawn with) and the load's echoes settle
        idle = len(sent)
        page.wait_for_timeout(INTERVAL * 1000 * 3)  # three of the old ticks
        assert len(sent) == idle, "the delegates' view reran with nothing new"

        lower_quang_ngai(workbook)
        page.wait_for_function("() => document.querySelector('.ytick text') && [...document.querySelectorAll("
                               "'.ytick text')].some(t => t.textContent.startsWith('1. Khánh Hòa'))",
                               timeout=PATIENCE_MS)
        assert 1 <= len(sent) - idle <= 3  # the one rerun the new version asked for (and its widget echo)

        ceremony.update(cache / DB_NAME, "cluster", lambda state: dataclasses.replace(state, agenda=1),
                        "Thư ký Cụm", Role.SECRETARY)
        page.get_by_text("▶ Đang diễn ra").wait_for(timeout=PATIENCE_MS)


def test_projector_keeps_the_last_standings_through_a_two_minute_outage(tmp_path, browser):
    _, workbook = live_config(tmp_path, INTERVAL)
    content = XlsxSource(workbook).read()
    with FakeSheetsServer() as server:
        key = server.create_spreadsheet("Chấm điểm thi đua 2019", content)
        config = tmp_path / "gsheet.toml"
        text = (tmp_path / "cluster.toml").read_text(encoding="utf-8")
        config.write_text(text.replace('kind = "xlsx"', f'kind = "gsheet"\nkey = "{key}"')
                          .replace(f'path = "{workbook}"\n', ""), encoding="utf-8")
        secrets = tmp_path / "secrets.toml"
        settings = sheet_settings(server, key, retry={"attempts": 2, "first_wait": 0.05, "max_wait": 0.2})
        secrets.write_text(secrets_toml({"connections.gsheets": settings}), encoding="utf-8")
        with dashboard(config, secrets=secrets, log=tmp_path / "streamlit.log",
                       env={"THIDUA_CACHE_DIR": str(tmp_path / "cache")}) as url:
            page = browser.new_page(viewport={"width": 1920, "height": 1080})
            page.goto(f"{url}/?view=projector")
            page.locator(".rk-label").first.wait_for(timeout=PATIENCE_MS)
            before = projector_order(page)

            server.stop()
            page.get_by_text("đang mất kết nối, đang thử lại").wait_for(timeout=PATIENCE_MS)
            started = time.monotonic()
            while time.monotonic() - started < 120:  # two minutes without the sheet
                assert projector_order(page) == before, "the projector lost the standings"
                page.wait_for_timeout(5_000)
            page.screenshot(path=str(tmp_path / "projector-outage.png"))

            server.start()
            row = next(i for i, r in enumerate(content["ThongNhat"]) if r and str(r[0]) == "1.1") + 1
            header = next(r for r in content["ThongNhat"] if r and r[0] == "Mã")
            column = next(i for i, h in enumerate(header) if str(h).strip() in {"51", "Quảng Ngãi"}) + 1
            server.set_cell(key, "ThongNhat", row, column, 5)
            wait_for_top(page, "1. Khánh Hòa", PATIENCE)
            assert page.get_by_text("đang mất kết nối").count() == 0


def test_screens_opened_before_the_first_read_show_the_data_once_it_comes(tmp_path, browser):
    """"No data yet. Retrying…" must retry: no screen reruns on a timer any more, so one drawn
    before the first good read (the sheet away at start-up, no copy on disk) stayed on the note."""
    config, workbook = live_config(tmp_path, INTERVAL)
    later = workbook.with_name("later.xlsx")
    workbook.rename(later)
    with dashboard(config, env={"THIDUA_CACHE_DIR": str(tmp_path / "cache")}, log=tmp_path / "streamlit.log") as url:
        projector = browser.new_page(viewport={"width": 1920, "height": 1080})
        projector.goto(f"{url}/?view=projector")
        delegate = browser.new_page(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
        delegate.goto(f"{url}/?view=delegate")
        for page in (projector, delegate):
            page.get_by_text("Chưa đọc được dữ liệu").first.wait_for(timeout=PATIENCE_MS)
        later.rename(workbook)  # the workbook is back
        projector.locator("#proj-live .rk-label").first.wait_for(timeout=PATIENCE_MS)
        delegate.locator(".ytick text").first.wait_for(timeout=PATIENCE_MS)
        assert projector_order(projector)[0] == "1. Quảng Ngãi"


def test_projector_gets_past_a_fetch_that_never_answers(tmp_path, browser):
    """One /api/projector request that hangs (a connection dropped without a reset, a stalled
    proxy) must not keep the screen on old figures for good: the script waited for it forever,
    every later event only queued behind it, and no "lost connection" line said so."""
    config, workbook = live_config(tmp_path, INTERVAL)
    page = browser.new_page(viewport={"width": 1920, "height": 1080})
    asked: list[str] = []

    def first_hangs(route):
        asked.append(route.request.url)
        if len(asked) > 1:
            route.continue_()  # the first request is left unanswered

    page.route("**/api/projector*", first_hangs)
    with dashboard(config, log=tmp_path / "streamlit.log") as url:
        page.goto(f"{url}/?view=projector")
        page.locator("#proj-live .rk-label").first.wait_for(timeout=PATIENCE_MS)
        deadline = time.monotonic() + PATIENCE
        while not asked and time.monotonic() < deadline:
            page.wait_for_timeout(200)  # the stream opened: the script asked (and hangs)
        assert asked
        lower_quang_ngai(workbook)
        wait_for_top(page, "1. Khánh Hòa", PATIENCE)
