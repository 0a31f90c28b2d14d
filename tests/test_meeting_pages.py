"""The preliminary meeting's pages under AppTest: sign-in, review and save, freeze, history.

AppTest has no browser, so it cannot carry the sign-in cookie: ``signed_in`` mints the cookie
the ``/auth/sign-in`` route would set (the same token, signed with the test's server key) and
hands it to ``web.auth.cookies``, which the app reads instead of ``st.context.cookies``. The
route itself is tested over HTTP in ``tests/test_signin.py`` and in a browser.
"""

from __future__ import annotations

import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

import web.auth
from lib.core.auth import Grant, LoginGuard, authenticate, hash_passcode, load_auth_settings, passcode_generation
from lib.core.config import load_config
from lib.core.evaluation import evaluate
from lib.core.grant_token import encode
from lib.edge.sources.xlsx import XlsxSource
from tests.test_pages import ROOT, make_config

SECRETARY, ADMIN = "thu-ky-2020", "quan-tri-2020"
HASHES = {"secretary": hash_passcode(SECRETARY), "admin": hash_passcode(ADMIN)}
JAR: dict[str, str] = {}
"""The cookies the browser of the current test would send (see ``use_cookie_jar``)."""


def use_cookie_jar(monkeypatch: pytest.MonkeyPatch) -> None:
    """Let the app under AppTest read its cookies from ``JAR`` (empty: a viewer)."""
    JAR.clear()
    monkeypatch.setattr(web.auth, "cookies", lambda: dict(JAR))


@pytest.fixture
def meeting(tmp_path, monkeypatch) -> Path:
    workbook = tmp_path / "demo.xlsx"
    shutil.copy(ROOT / "config" / "demo.xlsx", workbook)
    monkeypatch.setenv("THIDUA_CONFIG", str(make_config(tmp_path, workbook)))
    monkeypatch.setenv("THIDUA_CACHE_DIR", str(tmp_path / "cache"))
    use_cookie_jar(monkeypatch)
    return workbook


def app() -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30)
    at.secrets["auth"] = HASHES
    at.run()
    return at


def signed_in(passcode: str, name: str = "Nguyễn Văn A") -> AppTest:
    """The app as a browser holding the cookie that signing in with ``passcode`` sets."""
    grant = authenticate(passcode, load_auth_settings(HASHES), LoginGuard(), "test", web.auth.now(), name)
    assert isinstance(grant, Grant), grant
    settings = load_auth_settings(HASHES)  # as the route does: bound to the role's passcode generation
    JAR[web.auth.COOKIE] = encode(grant, web.auth.cookie_key(), passcode_generation(settings, grant.role))
    at = app()
    assert not at.exception, at.exception
    return at


def page_titles(at: AppTest) -> list[str]:
    return [t.value for t in at.title]


def evaluated(workbook: Path):
    return evaluate(XlsxSource(workbook).read(), load_config(make_config(workbook.parent, workbook)))


def test_a_viewer_opening_a_restricted_page_is_told_to_sign_in_first(meeting):
    at = app()
    at.switch_page("pages/review.py").run()  # registered for every session: no "page not found"
    assert not at.exception, at.exception
    assert [w.value for w in at.warning] == ["Trang này cần đăng nhập trước (thư ký hoặc quản trị)."]
    assert not at.get("arrow_data_frame") and not [b for b in at.button if b.key == "review-save"]
    at.switch_page("pages/freeze.py").run()
    assert [w.value for w in at.warning] == ["Trang này cần đăng nhập trước bằng mã của quản trị."]
    assert not [b for b in at.button if b.key == "freeze"]


def test_a_secretary_is_told_the_freeze_page_needs_the_admin(meeting):
    at = signed_in(SECRETARY)
    at.switch_page("pages/freeze.py").run()
    assert any("quản trị" in w.value for w in at.warning) and not [b for b in at.button if b.key == "freeze"]


def test_a_tampered_or_expired_cookie_counts_as_none(meeting):
    at = signed_in(SECRETARY)
    JAR[web.auth.COOKIE] = JAR[web.auth.COOKIE][:-2] + "AA"
    at.switch_page("pages/review.py").run()
    assert any("đăng nhập trước" in w.value for w in at.warning)


def test_the_sign_in_page_posts_a_plain_form_to_the_route(meeting):
    at = app()
    at.switch_page("pages/login.py").run()
    html = " ".join(h.proto.body for h in at.get("html"))
    assert 'action="/auth/sign-in"' in html and 'name="passcode"' in html and 'value="/dang-nhap"' in html
    at = signed_in(SECRETARY, "Thư ký Cụm")
    at.switch_page("pages/login.py").run()
    assert any("Thư ký Cụm (thư ký)" in s.value for s in at.success)
    assert 'action="/auth/sign-out"' in " ".join(h.proto.body for h in at.get("html"))


def test_secretary_agrees_a_province_as_self_scored_sees_the_what_if_and_saves(meeting):
    at = signed_in(SECRETARY)
    at.switch_page("pages/review.py").run()
    assert "Hội nghị trù bị" in page_titles(at)
    at.selectbox(key="review-province").set_value("64").run()  # Gia Lai: not agreed yet
    at.button(key="agree-self").click().run()
    assert not at.exception, at.exception
    assert "Nếu lưu các thay đổi này" in [s.value for s in at.subheader]
    before = len(evaluated(meeting).sheet.log)
    at.button(key="review-save").click().run()
    assert not at.exception, at.exception
    after = evaluated(meeting)
    gia_lai = after.standing("64")
    assert not gia_lai.provisional
    assert len(after.sheet.log) - before == len(after.sheet.criteria)
    assert after.sheet.log[-1].user == "Nguyễn Văn A"
    assert after.sheet.log[-1].reason == "Thống nhất như tự chấm"


def test_admin_freezes_then_review_is_read_only_and_ranking_shows_the_fingerprint(meeting):
    at = signed_in(ADMIN, "Quản trị")
    at.switch_page("pages/freeze.py").run()
    at.button(key="freeze").click().run()
    assert not at.exception, at.exception
    evaluation = evaluated(meeting)
    assert evaluation.freeze.frozen and evaluation.freeze.last.user == "Quản trị"
    at.switch_page("pages/ranking.py").run()
    assert any("Đã chốt lúc" in s.value for s in at.success)
    at.switch_page("pages/review.py").run()
    assert any("chỉ xem" in i.value for i in at.info)
    assert not [b for b in at.button if b.key == "review-save"]
    # unfreeze needs a reason and is logged
    at.switch_page("pages/freeze.py").run()
    at.text_input(key="unfreeze-reason").input("Sửa sai sót tiêu chí 1.1").run()
    at.button(key="unfreeze").click().run()
    assert not evaluated(meeting).freeze.frozen
    assert evaluated(meeting).freeze.last.reason == "Sửa sai sót tiêu chí 1.1"


def test_history_lists_the_log_filtered_by_province(meeting):
    at = app()
    at.switch_page("pages/history.py").run()
    assert not at.exception, at.exception
    everything = at.dataframe[0].value
    at.multiselect(key="history-provinces").set_value(["Quảng Ngãi"]).run()
    only = at.dataframe[0].value
    assert 0 < len(only) < len(everything)
    assert set(only["Tỉnh"]) == {"Quảng Ngãi"}
    assert at.get("plotly_chart")


def test_tracker_lists_each_province_and_flags_the_late_ones(meeting):
    at = app()
    at.switch_page("pages/tracker.py").run()
    assert not at.exception, at.exception
    table = at.dataframe[0].value
    assert len(table) == 11
    first = table.iloc[0]
    assert first["Tỉnh"] == "Kon Tum" and first["Còn thiếu"] == "1.5, 3.2"  # most missing first
    assert first["Tình trạng"] == "Quá hạn"  # the 2020 deadlines are long past
    assert set(table["Tình trạng"]) == {"Quá hạn", "Đủ"}
    assert any("Kon Tum" in e.value and "Ninh Thuận" in e.value for e in at.error)
    assert any("05/02/2020" in c.value and "10/03/2020" in c.value for c in at.caption)  # forms' captions follow


def test_the_secretary_records_a_vote_that_settles_the_tie(meeting):
    at = signed_in(SECRETARY, "Thư ký Cụm")
    at.switch_page("pages/votes.py").run()
    assert not at.exception, at.exception
    assert "Bằng điểm ở hạng 4: Bình Định, Đắk Lắk" in [s.value for s in at.subheader]
    at.number_input(key="present-4").set_value(20)
    at.number_input(key="ballots-4").set_value(20)
    at.number_input(key="for-4-52").set_value(13)
    at.number_input(key="for-4-66").set_value(7)
    at.button[0].click().run()
    assert not at.exception, at.exception
    evaluation = evaluated(meeting)
    assert (evaluation.standing("52").rank, evaluation.standing("66").rank) == (4, 5)
    at.switch_page("pages/ranking.py").run()
    assert any("theo kết quả biểu quyết" in i.value for i in at.info)
    assert "theo kết quả biểu quyết" in " ".join(at.dataframe[0].value["Trạng thái"])


def test_a_viewer_sees_the_tie_but_no_vote_form(meeting):
    at = app()
    at.switch_page("pages/votes.py").run()
    assert not at.exception, at.exception
    assert "Thư ký đăng nhập để ghi kết quả biểu quyết." in [c.value for c in at.caption]
    assert not at.number_input


def test_results_page_offers_the_files_and_the_papers(meeting):
    at = app()
    at.switch_page("pages/results.py").run()
    assert not at.exception, at.exception
    labels = [b.proto.label for b in at.get("download_button")]
    assert labels == ["Bảng tổng hợp (Excel)", "Dự thảo biên bản (Word)",
                      "Dự thảo biên bản Hội nghị chính thức (.docx)", "Bảng xếp hạng (CSV)",
                      "Báo cáo kết quả gửi Trung ương (.docx)", "Tờ trình đề nghị khen thưởng (.docx)"]


def test_secretary_corrects_a_result_sees_every_province_that_moves_and_saves(meeting):
    at = signed_in(SECRETARY, "Thư ký Cụm")
    at.switch_page("pages/review.py").run()
    at.selectbox(key="review-province").set_value("68").run()  # Lâm Đồng
    assert "Sửa chỉ tiêu hoặc kết quả (tiêu chí tính theo chỉ tiêu)" in [s.value for s in at.subheader]
    at.selectbox(key="fix-criterion").set_value("1.5").run()  # relative to the cluster's best (20 now)
    assert at.radio(key="fix-tab").options == ["Kết quả (KetQua)"]  # no target on a relative criterion
    assert "Đang ghi: 18" in [c.value for c in at.caption]
    at.text_input(key="fix-value").input("22,5").run()  # Lâm Đồng becomes the leader
    assert not at.exception, at.exception
    text = " ".join(m.value for m in at.markdown).replace("\\", "")  # as rendered, without escapes
    assert "1.5 – Lâm Đồng: 4,50 → 5,00" in text and "1.5 – Gia Lai: 4,50 → 4,00" in text
    assert "1.5 – Quảng Nam: 5,00 → 4,44 (đã thống nhất 5,00: tổng không đổi)" in text
    assert "Gia Lai: 91,00 → 90,50, hạng 6 → 7" in text and "Lâm Đồng: 90,75 → 91,25, hạng 7 → 4" in text
    assert "Tiêu chí 1.5: cần ghi lý do điều chỉnh" in [e.value for e in at.error]
    assert at.button(key="fix-save").disabled
    at.text_input(key="fix-reason").input("Số xã đạt chuẩn theo quyết định công nhận").run()
    assert not at.error
    at.button(key="fix-save").click().run()
    assert not at.exception, at.exception
    after = evaluated(meeting)
    assert after.sheet.results[("1.5", "68")] == Decimal("22.5")
    assert after.sheet.computed[("1.5", "64")] == Decimal("4.00")
    assert (after.standing("68").rank, after.standing("64").rank) == (4, 7)
    last = after.sheet.log[-1]
    assert (last.criterion, last.user, last.reason) == ("1.5 (KetQua)", "Thư ký Cụm",
                                                         "Số xã đạt chuẩn theo quyết định công nhận")
    assert at.text_input(key="fix-value").value == ""  # cleared once saved


def test_a_correction_that_is_not_a_number_is_named_and_cannot_be_saved(meeting):
    at = signed_in(SECRETARY)
    at.switch_page("pages/review.py").run()
    at.selectbox(key="fix-criterion").set_value("1.1").run()
    at.radio(key="fix-tab").set_value("KeHoach").run()
    assert "Đang ghi: 8" in [c.value for c in at.caption]  # Quảng Nam's GRDP target
    at.text_input(key="fix-value").input("khoảng 7").run()
    assert any(e.value.startswith("Tiêu chí 1.1:") for e in at.error)
    assert not [b for b in at.button if b.key == "fix-save"]
    at.text_input(key="fix-value").input("0").run()
    assert any("phải lớn hơn 0" in e.value for e in at.error) and at.button(key="fix-save").disabled
