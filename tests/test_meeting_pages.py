"""The preliminary meeting's pages under AppTest: sign-in, review and save, freeze, history."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from lib.core.auth import hash_passcode
from lib.core.config import load_config
from lib.core.evaluation import evaluate
from lib.edge.sources.xlsx import XlsxSource
from tests.test_pages import ROOT, make_config

SECRETARY, ADMIN = "thu-ky-2020", "quan-tri-2020"
HASHES = {"secretary": hash_passcode(SECRETARY), "admin": hash_passcode(ADMIN)}


@pytest.fixture
def meeting(tmp_path, monkeypatch) -> Path:
    workbook = tmp_path / "demo.xlsx"
    shutil.copy(ROOT / "config" / "demo.xlsx", workbook)
    monkeypatch.setenv("THIDUA_CONFIG", str(make_config(tmp_path, workbook)))
    monkeypatch.setenv("THIDUA_CACHE_DIR", str(tmp_path / "cache"))
    return workbook


def app() -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30)
    at.secrets["auth"] = HASHES
    at.run()
    return at


def signed_in(passcode: str, name: str = "Nguyễn Văn A") -> AppTest:
    at = app()
    at.switch_page("pages/login.py").run()
    at.text_input(key="login-name").input(name)
    at.text_input(key="login-passcode").input(passcode)
    at.button[0].click().run()
    assert not at.exception, at.exception
    return at


def page_titles(at: AppTest) -> list[str]:
    return [t.value for t in at.title]


def evaluated(workbook: Path):
    return evaluate(XlsxSource(workbook).read(), load_config(make_config(workbook.parent, workbook)))


def test_a_viewer_sees_no_review_page_and_a_wrong_passcode_is_refused(meeting):
    at = signed_in("sai-ma")
    assert any("không đúng" in e.value for e in at.error)
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page("pages/review.py")  # not registered for a viewer


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


def test_results_page_offers_the_four_files(meeting):
    at = app()
    at.switch_page("pages/results.py").run()
    assert not at.exception, at.exception
    labels = [b.proto.label for b in at.get("download_button")]
    assert labels == ["Bảng tổng hợp (Excel)", "Dự thảo biên bản (Word)",
                      "Dự thảo biên bản Hội nghị chính thức (.docx)", "Bảng xếp hạng (CSV)"]
