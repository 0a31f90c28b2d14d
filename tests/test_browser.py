"""What only a browser shows: the live ranking refreshing itself in headless Chromium."""

from __future__ import annotations

from pathlib import Path

import pytest

from lib.edge.sources import WriteBatch
from lib.edge.sources.xlsx import XlsxSource
from tests.servers import PATIENCE_MS, dashboard, live_config

pytestmark = pytest.mark.browser
INTERVAL = 2


@pytest.fixture
def live_demo(tmp_path) -> tuple[Path, Path]:
    return live_config(tmp_path, INTERVAL)


def chart_order(page) -> list[str]:
    """The province labels on the ranking chart's axis, top to bottom."""
    return [t.strip() for t in page.locator(".ytick text").all_text_contents()]


def test_ranking_refreshes_itself_after_an_edit_in_the_workbook(live_demo, browser, tmp_path):
    config, workbook = live_demo
    with dashboard(config, log=tmp_path / "streamlit.log") as url:
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(url)
        page.locator(".ytick text").first.wait_for(timeout=PATIENCE_MS)
        assert chart_order(page)[0] == "1. Quảng Ngãi"
        page.screenshot(path=str(tmp_path / "before.png"))
        # An organiser lowers Quảng Ngãi's agreed score for criterion 1.1 in the workbook.
        sheet = XlsxSource(workbook).read()["ThongNhat"]
        header = next(i for i, row in enumerate(sheet) if row and row[0] == "Mã")
        column = next(i for i, cell in enumerate(sheet[header]) if str(cell).strip() in {"51", "Quảng Ngãi"}) + 1
        row = next(i for i, r in enumerate(sheet) if r and str(r[0]) == "1.1") + 1
        XlsxSource(workbook).write(WriteBatch(cells={("ThongNhat", row, column): 0}))
        page.wait_for_function(
            "() => document.querySelector('.ytick text') &&"
            " !document.querySelector('.ytick text').textContent.includes('Quảng Ngãi')",
            timeout=PATIENCE_MS,
        )
        assert chart_order(page)[0] == "1. Khánh Hòa ▲1"  # with what moved since the last version
        assert "Quảng Ngãi" in " ".join(chart_order(page))
        assert page.get_by_text("Traceback").count() == 0
