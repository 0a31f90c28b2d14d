"""Issue 15 end to end in a real browser: download a province's form from the tracker, fill it like a
province would (a text number with a decimal comma, an evidence link), sign in as the secretary,
upload it, see the diff, import it, and see the tracker say when that province's form came in."""

from __future__ import annotations

from decimal import Decimal

import openpyxl
import pytest

from lib.core.auth import hash_passcode
from lib.core.config import load_config
from lib.core.forms import FORM_TAB, IMPORT_REASON
from lib.core.parse import parse_workbook
from lib.edge.sources.xlsx import XlsxSource
from lib.present.forms_xlsx import HEADER_ROW
from tests.servers import PATIENCE_MS, dashboard, dismiss_page_not_found, live_config
from tests.test_browser_signin import PASSCODE, sign_in

pytestmark = pytest.mark.browser
LINK = "https://drive.example/kon-tum/1.4"


def test_download_fill_upload_and_the_tracker_shows_the_import(tmp_path, browser):
    config, workbook = live_config(tmp_path, 15)
    secrets = tmp_path / "secrets.toml"
    secrets.write_text(f'[auth]\nsecretary = "{hash_passcode(PASSCODE)}"\n', encoding="utf-8")
    with dashboard(config, secrets=secrets, log=tmp_path / "streamlit.log",
                   env={"THIDUA_CACHE_DIR": str(tmp_path / "cache")}) as url:
        page = browser.new_page(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
        page.goto(f"{url}/tien-do")
        page.get_by_text("Biểu mẫu tự chấm").wait_for(timeout=PATIENCE_MS)
        dismiss_page_not_found(page)
        page.get_by_text("Chỉ thư ký đã đăng nhập").wait_for(timeout=PATIENCE_MS)  # the page may still be drawing
        assert page.get_by_text("Chỉ thư ký đã đăng nhập").count() == 1  # a viewer downloads, never uploads

        # one province's form, through the browser's own download
        page.get_by_label("Tải biểu mẫu của một tỉnh").click()
        page.get_by_role("option", name="62 – Kon Tum").click()
        button = page.get_by_role("button", name="Tải biểu mẫu Kon Tum")
        button.wait_for(timeout=PATIENCE_MS)
        with page.expect_download(timeout=PATIENCE_MS) as download:
            button.click()
        assert download.value.suggested_filename == "62-Kon-Tum.xlsx"
        form = tmp_path / "62-Kon-Tum.xlsx"
        download.value.save_as(form)

        # the province types a text number with a decimal comma and pastes an evidence link
        wb = openpyxl.load_workbook(form)
        ws = wb[FORM_TAB]
        rows = {str(ws.cell(r, 1).value): r for r in range(HEADER_ROW + 1, ws.max_row + 1)}
        assert ws.cell(rows["1.1"], 6).value == 7 and ws.cell(rows["1.1"], 4).value == 8
        ws.cell(rows["1.1"], 6).value = "7,5"  # 1.1's max is 8: no criterion of the demo takes 8,5
        ws.cell(rows["1.4"], 7).value = LINK
        ws.cell(rows["1.4"], 7).hyperlink = LINK
        wb.save(form)

        page.goto(f"{url}/dang-nhap")
        page.get_by_label("Mã đăng nhập").wait_for(timeout=PATIENCE_MS)
        sign_in(page, "Thư ký Cụm")
        page.get_by_text("Đã đăng nhập: Thư ký Cụm (thư ký)").wait_for(timeout=PATIENCE_MS)

        page.goto(f"{url}/tien-do")
        page.locator("[data-testid='stFileUploaderDropzoneInput']").set_input_files(str(form))
        page.get_by_text("1 ô mới, 1 ô thay đổi", exact=False).wait_for(timeout=PATIENCE_MS)
        page.get_by_text("Biểu mẫu của Kon Tum", exact=False).wait_for()
        page.get_by_role("button", name="Nhập 2 ô vào bảng tính").click()
        page.get_by_text("Đã nhập 2 ô của Kon Tum").wait_for(timeout=PATIENCE_MS)

        raw = XlsxSource(workbook).read()
        log = [row for row in raw["NhatKy"] if row and IMPORT_REASON in str(row)]
        assert len(log) == 2 and all("Thư ký Cụm" in row for row in log)
        when = str(log[-1][0])

        page.reload()  # a fresh run of the page reads the sheet the import wrote
        rows_of = "[data-testid='stDataFrame'] [role='row']"  # the grid's accessible table (hidden, not absent)
        page.locator(rows_of, has_text="Kon Tum").first.wait_for(state="attached", timeout=PATIENCE_MS)
        page.wait_for_function("([sel, when]) => [...document.querySelectorAll(sel)]"
                               ".some(r => r.textContent.includes('Kon Tum') && r.textContent.includes(when))",
                               arg=[rows_of, when], timeout=PATIENCE_MS)
        page.screenshot(path=str(tmp_path / "tracker-after-import.png"))

    sheet = parse_workbook(XlsxSource(workbook).read(), load_config(config).provinces).sheet
    assert sheet.self_scores[("1.1", "62")] == Decimal("7.5")
    assert sheet.evidence[("1.4", "62")] == LINK
