"""The official session in Debian's Chromium: the secretary steps the reveal, the projector follows."""

from __future__ import annotations

import time

import pytest

from lib.core.auth import Role, hash_passcode
from lib.core.config import load_config
from lib.edge.sources.xlsx import XlsxSource
from lib.edge.store import set_frozen
from tests.servers import PATIENCE, PATIENCE_MS, dashboard, live_config, sign_in_on_the_page

pytestmark = pytest.mark.browser
INTERVAL = 2
PASSCODE = "thu-ky-hoi-nghi"
SHOTS = "/tmp/shots"


def covered_count(page) -> int:
    return page.locator(".rk-hidden").count()


def wait_covered(page, count: int, seconds: float) -> float:
    """Wait until the projector shows ``count`` covered places; the seconds it took."""
    start = time.monotonic()
    page.wait_for_function(f"() => document.querySelectorAll('.rk-hidden').length === {count}",
                           timeout=seconds * 1000)
    return time.monotonic() - start


def test_the_secretary_steps_the_reveal_and_the_agenda_and_the_projector_follows(tmp_path, browser, monkeypatch):
    monkeypatch.setenv("THIDUA_CACHE_DIR", str(tmp_path / "cache"))  # sign the freeze with the server's key
    config, workbook = live_config(tmp_path, INTERVAL)
    cluster = load_config(config)
    set_frozen(XlsxSource(workbook), cluster.provinces, "Quản trị", Role.ADMIN, True)  # the official session
    secrets = tmp_path / "secrets.toml"
    secrets.write_text(f'[auth]\nsecretary = "{hash_passcode(PASSCODE)}"\n', encoding="utf-8")
    with dashboard(config, secrets=secrets, log=tmp_path / "streamlit.log",
                   env={"THIDUA_CACHE_DIR": str(tmp_path / "cache")}) as url:
        projector = browser.new_page(viewport={"width": 1920, "height": 1080})
        projector.goto(f"{url}/?view=projector")
        projector.locator(".rk-label").first.wait_for(timeout=PATIENCE_MS)
        assert covered_count(projector) == 0  # the ceremony is off: the whole ranking

        secretary = browser.new_page(viewport={"width": 1280, "height": 900})
        sign_in_on_the_page(secretary, url, PASSCODE)
        secretary.get_by_role("link", name="Điều hành hội nghị").click()
        secretary.get_by_role("button", name="Bật chế độ công bố").click()
        wait_covered(projector, 5, PATIENCE)  # ranks 4 (two tied), 3, 2, 1 covered: rows kept
        assert "CÔNG BỐ KẾT QUẢ" in projector.inner_text("body")
        assert "DIỄN TẬP" not in projector.inner_text("body")
        secretary.get_by_text("Đã công bố 0/4").wait_for()

        # 4 → 1 with the → key on the control screen, the projector following each step (how fast: the benchmarks)
        for covered in (3, 2, 1, 0):
            secretary.get_by_role("heading", name="Công bố kết quả").click()  # focus the page, not an input
            secretary.keyboard.press("ArrowRight")
            wait_covered(projector, covered, PATIENCE)
        news = projector.get_by_test_id("proj-news").inner_text()
        assert news.startswith("Hạng 1: Quảng Ngãi — Cờ thi đua của Chính phủ"), news
        assert secretary.get_by_role("button", name="Công bố tiếp").is_disabled()
        # and back, with the ← key
        for covered in (1, 2):
            secretary.keyboard.press("ArrowLeft")
            wait_covered(projector, covered, PATIENCE)
        assert projector.get_by_test_id("proj-news").inner_text().startswith("Hạng 3: Quảng Nam")
        projector.screenshot(path=f"{SHOTS}/ceremony-projector-1920.png")

        # the agenda: two items on, shown as the projector's header line
        secretary.get_by_role("button", name="Mục tiếp").click()
        secretary.get_by_text("Đang diễn ra: 08:00 · Khai mạc hội nghị").first.wait_for()
        secretary.keyboard.press("PageDown")
        projector.get_by_text("08:15 · Báo cáo tổng kết").wait_for(timeout=PATIENCE_MS)
        secretary.screenshot(path=f"{SHOTS}/ceremony-control-1280.png", full_page=True)

        small = browser.new_page(viewport={"width": 1280, "height": 720})
        small.goto(f"{url}/?view=projector")
        small.locator(".rk-label").first.wait_for(timeout=PATIENCE_MS)
        assert covered_count(small) == 2  # a new screen starts where the ceremony is
        last = small.locator(".rk-label").last
        assert last.bounding_box()["y"] + last.bounding_box()["height"] <= 720
        small.screenshot(path=f"{SHOTS}/ceremony-projector-1280.png")

        phone = browser.new_page(viewport={"width": 390, "height": 844})
        phone.goto(f"{url}/?view=delegate")
        phone.get_by_text("Đang diễn ra: 08:15").wait_for(timeout=PATIENCE_MS)
        phone.screenshot(path=f"{SHOTS}/ceremony-delegate-390.png")

        live = browser.new_page(viewport={"width": 390, "height": 844})
        live.goto(f"{url}/live")
        live.get_by_text("Đang diễn ra: 08:15").wait_for(timeout=PATIENCE_MS)

        secretary.get_by_role("button", name="Bắt đầu lại (che hết)").click()
        wait_covered(projector, 5, PATIENCE)
        secretary.get_by_role("button", name="Tắt chế độ công bố (hiện toàn bộ)").click()
        wait_covered(projector, 0, PATIENCE)
        assert secretary.get_by_text("Traceback").count() == 0
        assert projector.get_by_text("Traceback").count() == 0
