"""The pages, run headless with Streamlit's AppTest on a copy of the demo workbook."""

from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl
import pytest
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parent.parent
CONFIG = ROOT / "config" / "tn-dhmt-2019.toml"


def make_config(tmp_path: Path, workbook: Path) -> Path:
    """A copy of the shipped config that reads ``workbook``."""
    text = CONFIG.read_text(encoding="utf-8").replace('path = "demo.xlsx"', f'path = "{workbook}"')
    path = tmp_path / "cluster.toml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def demo(tmp_path, monkeypatch) -> Path:
    workbook = tmp_path / "demo.xlsx"
    shutil.copy(ROOT / "config" / "demo.xlsx", workbook)
    monkeypatch.setenv("THIDUA_CONFIG", str(make_config(tmp_path, workbook)))
    return workbook


def run(page: str | None = None) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30)
    at.run()
    if page:
        at.switch_page(page)
        at.run()
    assert not at.exception, at.exception
    return at


def texts(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [e.value for e in at.error] + [w.value for w in at.warning]
    parts += [i.value for i in at.info] + [c.value for c in at.caption] + [t.value for t in at.title]
    return "\n".join(str(p) for p in parts)


def test_ranking_page_shows_the_order_and_the_vote_needed(demo):
    at = run()
    table = at.dataframe[0].value
    assert list(table["Tỉnh"][:3]) == ["Quảng Ngãi", "Khánh Hòa", "Quảng Nam"]
    assert list(table["Hạng"][3:5]) == ["Đồng hạng 4", "Đồng hạng 4"]
    assert table["Đề nghị khen thưởng"][0] == "Cờ thi đua của Chính phủ"
    assert table["Thống nhất"][0] == "98,75"
    shown = texts(at)
    assert "DỮ LIỆU MINH HỌA" in shown
    assert "cần biểu quyết" in shown and "Bình Định" in shown
    assert "0 lỗi và 5 cảnh báo" in shown
    assert "Hội nghị trù bị: 14h00 ngày 12/03/2020" in shown


def test_scores_page_shows_matrix_detail_and_problem_cells(demo):
    at = run("pages/scores.py")
    problems = at.dataframe[-1].value
    assert {"KetQua!H6", "TuCham!G13", "TuCham!H17"} <= set(problems["Ô"])
    at.selectbox(key="province").set_value("62").run()
    detail = at.dataframe[1].value
    assert "chưa có" in set(detail["Tự chấm"])
    assert at.subheader[1].value == "Chi tiết tiêu chí — Kon Tum"


def test_problems_in_the_workbook_are_listed_with_their_cells(demo):
    book = openpyxl.load_workbook(demo)
    book["TuCham"]["C5"] = "chín"
    book.save(demo)
    at = run()
    assert "1 lỗi" in texts(at)
    at = run("pages/scores.py")
    problems = at.dataframe[-1].value
    assert problems["Ô"][0] == "TuCham!C5" and problems["Mức"][0] == "Lỗi"


def test_a_bad_config_is_a_message_not_an_exception(tmp_path, monkeypatch):
    bad = tmp_path / "bad.toml"
    bad.write_text(CONFIG.read_text(encoding="utf-8") + "\n[extra]\nx = 1\n", encoding="utf-8")
    monkeypatch.setenv("THIDUA_CONFIG", str(bad))
    at = run()
    assert "extra" in texts(at) and "không được hỗ trợ" in texts(at)


def test_an_unreadable_workbook_is_a_message_not_an_exception(tmp_path, monkeypatch):
    broken = tmp_path / "broken.xlsx"
    broken.write_text("not a workbook")
    monkeypatch.setenv("THIDUA_CONFIG", str(make_config(tmp_path, broken)))
    at = run()
    assert "Chưa đọc được dữ liệu" in texts(at)


def test_many_sessions_share_one_read_per_interval(demo):
    from lib.core.config import config_path
    from web.data import _reader

    run()
    reader = _reader(str(config_path()))
    held = reader._clock()  # noqa: SLF001 - the interval held still: 15 runs on a busy machine can outlast it
    reader._clock = lambda: held  # noqa: SLF001
    for _ in range(14):
        run()
    assert reader.stats.reads == 1


def test_source_page_shows_the_live_source_and_the_report(demo):
    at = run("pages/source.py")
    shown = texts(at)
    assert "Tệp Excel trên máy chủ" in shown and "demo.xlsx" in shown
    assert [m.label for m in at.metric][:2] == ["Lần đọc thành công gần nhất", "Tuổi dữ liệu"]
    assert "Chưa có lỗi đọc nào" in shown
    assert "KetQua!H6" in set(at.dataframe[-1].value["Ô"])


@pytest.mark.parametrize("view", ["projector", "delegate", "print"])
def test_read_only_views_render_without_menu_or_edit_widgets(demo, view):
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30)
    at.query_params["view"] = view
    at.run()
    assert not at.exception, at.exception
    assert not at.text_input and not at.get("data_editor") and not at.button
    html = " ".join(h.proto.body for h in at.get("html"))
    if view == "print":
        assert "BẢNG TỔNG HỢP KẾT QUẢ CHẤM ĐIỂM THI ĐUA NĂM 2019" in html
        assert "Đồng hạng 4" in html and "(chờ biểu quyết)" in html and "ngày 13 tháng 3 năm 2020" in html
    if view == "projector":
        assert "TẠM TÍNH" in html and "Cần biểu quyết: Bình Định, Đắk Lắk" in html
