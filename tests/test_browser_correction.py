"""Correcting a result in a real browser: the secretary makes Lâm Đồng the leader on a relative criterion,
sees Gia Lai's score fall in the what-if, saves, and a delegate's ranking follows."""

from __future__ import annotations

import pytest

from lib.core.auth import hash_passcode
from tests.servers import PATIENCE_MS, dashboard, live_config, sign_in_on_the_page
from tests.test_browser_meeting import chart_order

pytestmark = pytest.mark.browser
INTERVAL = 2
PASSCODE = "thu-ky-2020"
VALUE, REASON = "Giá trị mới (như ô bảng tính, ví dụ 7,5)", "Lý do sửa"


def test_secretary_corrects_a_result_sees_another_province_move_saves_and_the_ranking_follows(tmp_path, browser):
    config, _ = live_config(tmp_path, INTERVAL)
    secrets = tmp_path / "secrets.toml"
    secrets.write_text(f'[auth]\nsecretary = "{hash_passcode(PASSCODE)}"\n', encoding="utf-8")
    with dashboard(config, secrets=secrets, log=tmp_path / "streamlit.log",
                   env={"THIDUA_CACHE_DIR": str(tmp_path / "cache")}) as url:
        delegate = browser.new_page(viewport={"width": 1280, "height": 900})
        delegate.goto(url)
        delegate.locator(".ytick text").first.wait_for(timeout=PATIENCE_MS)
        assert {"6. Gia Lai", "7. Lâm Đồng"} <= set(chart_order(delegate))

        secretary = browser.new_page(viewport={"width": 1600, "height": 1100})
        sign_in_on_the_page(secretary, url, PASSCODE)
        secretary.get_by_role("link", name="Hội nghị trù bị").click()
        secretary.get_by_text("Tỉnh đang xem xét", exact=True).wait_for()
        secretary.get_by_role("button", name="◀ Tỉnh trước").click()  # Quảng Nam -> Lâm Đồng (the last)
        secretary.wait_for_function("() => document.querySelector('[data-testid=stSelectbox] input')"
                                    "?.value === 'Lâm Đồng (68)'", timeout=PATIENCE_MS)
        secretary.get_by_text("Sửa chỉ tiêu hoặc kết quả").wait_for()

        # 1.5, new rural communes, relative to the cluster's best (20): Lâm Đồng's 18 becomes 22,5
        picker = secretary.locator("[data-testid=stSelectbox] input").nth(1)
        picker.click()
        secretary.keyboard.type("1.5 — Số xã", delay=30)  # the select box filters its options as one types
        secretary.keyboard.press("Enter")
        secretary.get_by_text("Đang ghi: 18").wait_for(timeout=PATIENCE_MS)
        secretary.get_by_label(VALUE).fill("22,5")
        secretary.get_by_label(VALUE).press("Enter")
        secretary.get_by_text("1.5 – Gia Lai: 4,50 → 4,00").wait_for(timeout=PATIENCE_MS)  # another province moves
        secretary.get_by_text("Gia Lai: 91,00 → 90,50, hạng 6 → 7").wait_for()
        secretary.get_by_text("Lâm Đồng: 90,75 → 91,25, hạng 7 → 4").wait_for()
        save = secretary.get_by_role("button", name="Lưu sửa số liệu")
        assert save.is_disabled()  # no reason yet
        secretary.get_by_label(REASON).fill("Theo quyết định công nhận xã đạt chuẩn")
        secretary.get_by_label(REASON).press("Enter")
        secretary.wait_for_function("() => ![...document.querySelectorAll('button')].find("
                                    "b => b.innerText.includes('Lưu sửa số liệu'))?.disabled", timeout=PATIENCE_MS)
        secretary.screenshot(path=str(tmp_path / "correction.png"))
        save.click()

        delegate.wait_for_function(
            "() => { const t = [...document.querySelectorAll('.ytick text')].map(e => e.textContent);"
            " return t.some(x => x.startsWith('4. Lâm Đồng')) && t.some(x => x.startsWith('7. Gia Lai')); }",
            timeout=PATIENCE_MS,
        )
        assert secretary.get_by_text("Traceback").count() == 0
        # the form is cleared once saved (her page reruns after the save: wait for it, not a moment)
        from playwright.sync_api import expect

        expect(secretary.get_by_label(VALUE)).to_have_value("", timeout=PATIENCE_MS)
