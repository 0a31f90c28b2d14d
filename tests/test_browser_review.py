"""Defects found in review: two processes behind the proxy, and many tabs of one browser."""

from __future__ import annotations

import shutil

import pytest

from tests.servers import PATIENCE_MS, ROOT, dashboard, live_config
from tests.test_browser_screens import lower_quang_ngai

pytestmark = pytest.mark.browser
KHANH_HOA_ON_TOP = ("() => [...document.querySelectorAll('.ytick text')]"
                    ".some(t => t.textContent.startsWith('1. Khánh Hòa'))")


def _config(tmp_path, name):
    workbook = tmp_path / f"{name}.xlsx"
    shutil.copy(ROOT / "config" / "demo.xlsx", workbook)
    text = (ROOT / "config" / "tn-dhmt-2019.toml").read_text(encoding="utf-8")
    text = text.replace('path = "demo.xlsx"', f'path = "{workbook}"').replace("interval_seconds = 15",
                                                                            "interval_seconds = 2")
    config = tmp_path / f"{name}.toml"
    config.write_text(text, encoding="utf-8")
    return config, workbook


def test_a_delegate_whose_stream_is_on_the_other_process_sees_an_edit_that_process_read_first(tmp_path, browser):
    """Two processes behind the per-connection balancer: the session on A, /api/events on B.
    B reads an edit first (its probe came round first, or the save was made on B), the page
    reruns on A before A has read it, and when A reads it no frame comes: stale until the next edit.
    (Two workbooks stand for the two processes' reads of one sheet, 3 s apart.)"""
    config_a, book_a = _config(tmp_path, "a")
    config_b, book_b = _config(tmp_path, "b")
    env = {"THIDUA_CACHE_DIR": str(tmp_path / "cache")}
    with dashboard(config_a, env=env) as a, dashboard(config_b, env=env) as b:
        page = browser.new_page(viewport={"width": 390, "height": 844})
        page.route("**/api/events*", lambda route: route.continue_(url=route.request.url.replace(a, b)))
        page.goto(f"{a}/?view=delegate")
        page.locator(".ytick text").first.wait_for(timeout=PATIENCE_MS)
        page.wait_for_timeout(2_000)
        lower_quang_ngai(book_b)  # B has the edit ...
        page.wait_for_timeout(3_000)
        lower_quang_ngai(book_a)  # ... and A 3 s later
        page.wait_for_function(KHANH_HOA_ON_TOP, timeout=PATIENCE_MS)


# A seventh (and eighth) visible tab: over HTTP/2 behind deploy/'s nginx, tests/test_browser_deploy.py.


def test_leaving_the_ranking_for_another_page_closes_its_stream(tmp_path, browser):
    config, _ = live_config(tmp_path, 15)
    with dashboard(config, env={"THIDUA_CACHE_DIR": str(tmp_path / "cache")}) as url:
        page = browser.new_page(viewport={"width": 1280, "height": 800})
        page.goto(f"{url}/")
        page.locator(".ytick text").first.wait_for(timeout=PATIENCE_MS)
        page.wait_for_function("() => (window.__thiduaFollow || {}).follow?.source?.readyState === 1",
                               timeout=PATIENCE_MS)
        page.get_by_test_id("stSidebarNavItems").get_by_role("link", name="Bảng điểm").click()
        page.wait_for_function("() => !(window.__thiduaFollow || {}).follow", timeout=PATIENCE_MS)
