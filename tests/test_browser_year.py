"""Issue 22 in a real browser: the Results page's report and proposal downloaded and read again, and the
ranking page with last year's rank column (``[history]``) and "vươn lên mạnh nhất".

The server reads a copy of the demo with a previous year made as ``tests/test_year.py`` makes it (Kon
Tum not yet a member, criterion 1.3 renamed, Quảng Ngãi 10 points lower, so it rose the most).
Screenshot: ``test-artifacts/issue22/ranking-last-year.png``.
"""

from __future__ import annotations

import pytest

from lib.core.config import load_config
from lib.core.evaluation import evaluate
from lib.edge.sources.xlsx import XlsxSource
from lib.present.formatting import vn_number
from tests.servers import ROOT, dashboard, dismiss_page_not_found, live_config
from tests.test_year import opened, previous_year, table_after

pytestmark = pytest.mark.browser
ARTIFACTS = ROOT / "test-artifacts" / "issue22"


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    folder = tmp_path_factory.mktemp("year")
    config, workbook = live_config(folder, 15)
    old = previous_year(folder)
    config.write_text(config.read_text(encoding="utf-8") + f'\n[history]\nworkbook = "{old.name}"\n',
                      encoding="utf-8")
    evaluation = evaluate(XlsxSource(workbook).read(), load_config(config))
    with dashboard(config, log=folder / "streamlit.log", env={"THIDUA_CACHE_DIR": str(folder / "cache")}) as url:
        yield url, evaluation, folder


def download(page, label: str, folder):
    button = page.get_by_role("button", name=label)
    button.wait_for(timeout=60_000)
    with page.expect_download(timeout=30_000) as caught:
        button.click()
    path = folder / caught.value.suggested_filename
    caught.value.save_as(path)
    return caught.value.suggested_filename, opened(path.read_bytes())


def test_the_report_and_the_proposal_download_from_the_results_page(served, browser):
    url, evaluation, folder = served
    page = browser.new_page(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page.goto(f"{url}/ket-qua")
    page.get_by_role("heading", name="Kết quả").first.wait_for(timeout=60_000)
    dismiss_page_not_found(page)

    name, (document, text) = download(page, "Báo cáo kết quả gửi Trung ương (.docx)", folder)
    assert name == "bao-cao-ket-qua-thi-dua-2019-du-thao.docx"  # not frozen: a draft, and named so
    assert "DỰ THẢO" in document.sections[0].header.paragraphs[0].text
    rows = table_after(document, "Hạng")[1:]
    assert [(r[1], r[2], r[3].removesuffix(" (tạm tính)")) for r in rows] == [
        (s.province.name, vn_number(s.self_total), vn_number(s.agreed_total)) for s in evaluation.standings]
    assert "Quảng Ngãi" in text and "lên hạng 1" in text  # the rise, from last year's workbook

    name, (document, text) = download(page, "Tờ trình đề nghị khen thưởng (.docx)", folder)
    assert name == "to-trinh-khen-thuong-2019-du-thao.docx"
    listed = [r for t in document.tables if t.rows[0].cells[0].text == "TT" for r in t.rows[1:]]
    holders = [s for s in evaluation.standings if s.award is not None and s.award_final]
    assert [(r.cells[1].text.split(" (")[0], r.cells[2].text, r.cells[3].text) for r in listed] == [
        (s.province.name, str(s.rank), vn_number(s.agreed_total)) for s in holders]
    page.close()


def test_the_ranking_shows_last_years_rank_and_who_rose_the_most(served, browser):
    url, _, _ = served
    page = browser.new_page(viewport={"width": 1366, "height": 900})
    page.goto(url + "/")
    heading = page.get_by_role("heading", name="So với năm trước")
    heading.wait_for(timeout=90_000)
    grid = page.locator("[data-testid=stDataFrame]", has_text="Hạng năm trước")  # last year's table
    rows = grid.locator("[role='row']")  # the grid's accessible table (hidden, not absent)
    rows.filter(has_text="Quảng Ngãi").first.wait_for(state="attached", timeout=30_000)
    quang_ngai = rows.filter(has_text="Quảng Ngãi").first.text_content()
    assert "vươn lên mạnh nhất" in quang_ngai, quang_ngai
    assert "mới vào Cụm" in rows.filter(has_text="Kon Tum").first.text_content()
    heading.scroll_into_view_if_needed()
    page.wait_for_timeout(500)  # the picture only; the assertions are above
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "ranking-last-year.png"))
    page.close()
