"""Issue 21 in a real browser: a delegate's one tap, deep links without Streamlit's box, the language kept.

Screenshots go to ``test-artifacts/issue21/`` (gitignored): the delegates' view after a tap and the
ranking on a 390×844 phone, the English ranking at 1366×768.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.servers import PATIENCE_MS, ROOT, dashboard, live_config

ARTIFACTS = ROOT / "test-artifacts" / "issue21"
PHONE = {"viewport": {"width": 390, "height": 844}, "has_touch": True, "is_mobile": True, "device_scale_factor": 2}
PAGES = ["/bang-diem", "/xep-hang", "/tru-bi", "/chot", "/dieu-hanh", "/tien-do", "/binh-xet", "/ket-qua",
         "/lich-su", "/nguon", "/dang-nhap", "/", "/?view=delegate", "/?view=projector", "/?view=print"]

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """A fresh server: its first session is a cold deep link."""
    config, _ = live_config(tmp_path_factory.mktemp("phone"), 15)
    with dashboard(config) as url:
        yield url


def shot(page, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / name
    page.screenshot(path=str(path), full_page=False)
    return path


def ran(page) -> None:
    """Wait until the page's script has drawn something of its own (a Streamlit box would come before)."""
    page.locator("[data-testid=stMain] h1, [data-testid=stMain] h2, .proj-qr, [data-testid=stMain] table"
                 ).first.wait_for(timeout=90_000)
    page.wait_for_function("!document.querySelector('[data-testid=stStatusWidget]')", timeout=90_000)


def test_no_page_not_found_on_a_cold_deep_link_to_every_page(server, browser):
    for path in PAGES:  # /bang-diem first: the server's very first session
        context = browser.new_context()
        page = context.new_page()
        page.goto(server + path)
        ran(page)
        assert page.get_by_text("Page not found").count() == 0, path
        page.reload()
        ran(page)
        assert page.get_by_text("Page not found").count() == 0, f"{path} after a reload"
        context.close()


def test_one_tap_on_a_phone_opens_the_right_breakdown_in_view(server, browser):
    context = browser.new_context(**PHONE)
    page = context.new_page()
    page.goto(server + "/?view=delegate")
    page.locator(".st-key-delegate-chart g.point path").nth(10).wait_for(timeout=90_000)
    names = page.locator(".st-key-delegate-chart .ytick text").all_text_contents()
    bar = page.locator(".st-key-delegate-chart g.point path").nth(2)  # the third row: "3. <name>"
    bar.scroll_into_view_if_needed()
    box = bar.bounding_box()
    page.touchscreen.tap(box["x"] + box["width"] - 30, box["y"] + box["height"] / 2)  # once
    dialog = page.get_by_role("dialog")
    dialog.wait_for(timeout=60_000)
    third = next(n for n in names if n.startswith("3. ")).removeprefix("3. ").split(" ⚖")[0]
    heading = dialog.get_by_text(third, exact=False).first
    heading.wait_for(timeout=30_000)
    top = heading.bounding_box()
    assert top["y"] >= 0 and top["y"] + top["height"] <= 844, f"the breakdown's heading is off-screen: {top}"
    frame = dialog.bounding_box()
    assert frame["x"] >= 0 and frame["x"] + frame["width"] <= 390, "nothing cut at 390 px"
    page.wait_for_timeout(500)  # let Plotly finish drawing before the picture (the assertions are above)
    shot(page, "delegate-after-tap-390.png")
    context.close()


def test_ranking_on_a_phone_is_pictured(server, browser):
    context = browser.new_context(**PHONE)
    page = context.new_page()
    page.goto(server + "/")
    page.locator(".st-key-ranking-chart g.point path").nth(10).wait_for(timeout=90_000)
    texts = page.locator(".st-key-ranking-chart text.bartext").all_text_contents()
    assert any(t.startswith("80,00") for t in texts), texts
    page.locator(".st-key-ranking-chart").scroll_into_view_if_needed()
    page.wait_for_timeout(500)  # let Plotly finish drawing before the picture (the assertions are above)
    shot(page, "ranking-chart-390.png")
    page.locator("[data-testid=stDataFrame]").first.scroll_into_view_if_needed()
    shot(page, "ranking-390.png")
    context.close()


def test_ranking_bar_texts_start_inside_the_plot_on_a_phone(server, browser):
    context = browser.new_context(**PHONE)
    page = context.new_page()
    page.goto(server + "/")
    page.locator(".st-key-ranking-chart g.point path").nth(10).wait_for(timeout=90_000)
    left = page.locator(".st-key-ranking-chart .nsewdrag").first.bounding_box()["x"]
    starts = [page.locator(".st-key-ranking-chart text.bartext").nth(i).bounding_box()["x"] for i in range(11)]
    context.close()
    assert min(starts) >= left - 1, (left, starts)


def test_english_is_kept_after_a_reload_and_on_another_page(server, browser):
    context = browser.new_context(viewport={"width": 1366, "height": 768})
    page = context.new_page()
    page.goto(server + "/")
    ran(page)
    page.get_by_text("English", exact=True).click()
    page.get_by_text("Data as of", exact=False).first.wait_for(timeout=60_000)
    assert "lang=en" in page.url
    page.reload()
    ran(page)
    page.get_by_text("Data as of", exact=False).first.wait_for(timeout=60_000)
    page.locator(".st-key-ranking-chart .legendtext").first.wait_for(timeout=PATIENCE_MS)  # the chart draws after
    legend = page.locator(".st-key-ranking-chart .legendtext").all_text_contents()
    assert "Government Emulation Flag" in legend, legend
    page.locator(".st-key-ranking-chart").scroll_into_view_if_needed()
    shot(page, "ranking-en-1366.png")
    page.goto(server + "/ket-qua")  # no ?lang: the cookie keeps it
    page.get_by_role("heading", name="Results").first.wait_for(timeout=60_000)
    context.close()
