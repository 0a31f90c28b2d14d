"""Eight visible tabs of one Chromium over HTTP/2 (nginx from ``deploy/``, TLS) all follow an edit.

Over HTTP/1.1 Chromium keeps at most six connections per host and every ranking, delegates' or
projector tab on screen holds one ``/api/events`` stream, so a seventh tab of the origin waited
(the old strict-xfail ``test_a_seventh_tab_of_the_dashboard_opens``). Over HTTP/2 every tab's
stream is one more stream of the one connection.
"""

from __future__ import annotations

import pytest

from tests.deploying import apps, certificate, deploy_config, nginx
from tests.servers import free_port
from tests.test_browser_screens import lower_quang_ngai

pytestmark = pytest.mark.browser
TABS = 8


def test_eight_tabs_over_http2_all_open_and_follow_an_edit(tmp_path, browser):
    cert, key = certificate(tmp_path)
    https = free_port()
    config, workbook = deploy_config(tmp_path, 15, public_url=f"https://localhost:{https}")
    with apps(config, tmp_path / "cache", tmp_path, 1) as (app,), nginx(tmp_path / "nginx", [app.port], cert, key,
                                                                       https) as port:
        url = f"https://localhost:{port}"
        context = browser.new_context(viewport={"width": 1280, "height": 800}, ignore_https_errors=True)
        pages = []
        for index in range(TABS):
            page = context.new_page()
            page.goto(f"{url}/?view=projector" if index % 2 else f"{url}/?view=delegate", timeout=30_000)
            page.locator(".rk-label, .ytick text").first.wait_for(timeout=60_000)
            pages.append(page)
        for page in pages:  # each holds its own open stream, all on one HTTP/2 connection
            page.wait_for_function("() => performance.getEntriesByType('navigation')[0].nextHopProtocol === 'h2'",
                                   timeout=5_000)
            page.wait_for_function("() => [(window.__thiduaProjector || {}).source, "
                                   "...Object.values(window.__thiduaFollow || {}).map(f => f.source)]"
                                   ".some(s => s && s.readyState === 1)", timeout=30_000)
        shown = "() => Object.values(window.__thiduaFollow || {}).map(f => f.shown.id).join()"
        before = [page.evaluate(shown) for page in pages]
        lower_quang_ngai(workbook)  # Quảng Ngãi 98,75 → 96,25
        for index, page in enumerate(pages):
            if index % 2:  # the projector swaps its bars in: the new total is on screen
                page.locator(".rk-row").filter(has_text="Quảng Ngãi").filter(has_text="96,25").wait_for(timeout=60_000)
            else:  # the delegates' page reran for the new version
                page.wait_for_function(f"(before) => ({shown})() !== before", arg=before[index], timeout=60_000)
        context.close()
