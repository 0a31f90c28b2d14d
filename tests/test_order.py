"""No place decided by what the screens do not show: every surface says what parted equal-looking totals.

The demo workbook has Bình Định and Đắk Lắk tied at 91,25 on the award line (4th place, the
last Certificate). One hidden 0,0001 in ``ThongNhat!D4`` (Bình Định, criterion 1.1) breaks the
tie while both still show 91,25: every surface must name the difference and the cell.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import shutil
from decimal import Decimal
from pathlib import Path

import docx
import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lib.core.config import load_config
from lib.core.evaluation import Evaluation, evaluate
from lib.core.model import ORDER_BELOW_DISPLAY, ORDER_TIE_BREAK, ORDER_VOTE, Scoresheet, Vote
from lib.core.order import shown
from lib.core.scoring import Rules, rank
from lib.edge.reader import Snapshot
from lib.edge.sources.xlsx import XlsxSource
from lib.present.charts import bar_text
from lib.present.exports.conference_minutes_docx import conference_minutes_docx
from lib.present.exports.minutes_docx import minutes_docx
from lib.present.exports.standings_csv import standings_csv
from lib.present.exports.summary_xlsx import ORDER_ROW, summary_xlsx
from lib.present.live_page import live_page
from lib.present.print_view import print_html
from lib.present.projector_html import ranking_html
from lib.present.standings_json import as_document, encode
from lib.present.tables import standings_table
from tests.sheets import criterion, sheet

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "config" / "demo.xlsx"
CONFIG = load_config()
TODAY = dt.date(2021, 2, 5)
CELL = "ThongNhat!D4"  # Bình Định's agreed score for criterion 1.1 (7 in the demo)


def demo_with(tmp_path: Path, edits: dict[str, float]) -> Evaluation:
    """The demo workbook with some ``ThongNhat`` cells set, evaluated."""
    target = tmp_path / "demo.xlsx"
    shutil.copy(DEMO, target)
    wb = openpyxl.load_workbook(target)
    for cell, value in edits.items():
        wb["ThongNhat"][cell] = value
    wb.save(target)
    return evaluate(XlsxSource(target).read(), CONFIG)


@pytest.fixture(scope="module")
def hidden(tmp_path_factory) -> Evaluation:
    return demo_with(tmp_path_factory.mktemp("hidden"), {"D4": 7.0001})


def places(evaluation: Evaluation) -> dict[str, int]:
    return {s.province.name: s.rank for s in evaluation.standings}


def test_a_hidden_ten_thousandth_on_the_award_line_is_named_in_the_core(hidden):
    fourth, fifth = hidden.standings[3], hidden.standings[4]
    assert (fourth.province.name, fourth.rank, fifth.province.name, fifth.rank) == ("Bình Định", 4, "Đắk Lắk", 5)
    assert shown(fourth.agreed_total) == shown(fifth.agreed_total) == Decimal("91.25")
    assert fourth.award and not fifth.award and not fourth.needs_vote
    (ahead,), (behind,) = fourth.order_reasons, fifth.order_reasons
    assert (ahead.kind, ahead.ahead, ahead.other.code, ahead.difference) == (ORDER_BELOW_DISPLAY, True, "66",
                                                                           Decimal("0.0001"))
    assert (behind.kind, behind.ahead, behind.other.code, behind.difference) == (ORDER_BELOW_DISPLAY, False, "52",
                                                                              Decimal("-0.0001"))
    assert [(c.criterion, c.province, c.cell, c.value) for c in ahead.cells] == [
        ("1.1", "52", CELL, Decimal("7.0001"))]
    assert all(not s.order_reasons for s in hidden.standings if s.code not in ("52", "66"))


def test_the_ranking_and_delegates_tables_name_the_difference_and_the_cell(hidden):
    for lang, words in (("vi", "hơn Đắk Lắk 0,0001 điểm"), ("en", "ahead of Đắk Lắk by 0,0001")):
        table = standings_table(hidden, lang, CONFIG.awards)
        column = table.columns[-1]
        assert words in table[column][3] and CELL in table[column][3] and "7,0001" in table[column][3]
        assert CELL in table[column][4]
        assert table[column][0] == ""
    table = standings_table(hidden, "vi", CONFIG.awards)
    # the margin no longer reads "0,00" (nor "level") between the 4th and the 5th
    assert table["Khoảng cách tới vạch giải"][3] == "hơn hạng 5: 0,0001"


def test_the_projector_bars_say_it_shortly(hidden):
    assert bar_text(hidden.standings, 3, "vi") == "91,25 (−3,50) · hơn 0,0001 (ThongNhat!D4)"
    assert bar_text(hidden.standings, 4, "vi") == "91,25 · kém 0,0001 (ThongNhat!D4)"  # no "(−0,00)"
    html = ranking_html(hidden.standings, [a.name for a in CONFIG.awards], "en")
    assert "ahead by 0,0001 (ThongNhat!D4)" in html and "behind by 0,0001 (ThongNhat!D4)" in html


def test_the_live_json_and_page_carry_the_reason(hidden):
    snap = Snapshot(hidden, 7, dt.datetime(2020, 3, 12, 9, 0, tzinfo=dt.UTC))
    from web.live import render  # the very message /api/standings and /api/events serve

    document = json.loads(render(snap, CONFIG).body)
    rows = {row["code"]: row for row in document["standings"]}
    (reason,) = rows["52"]["order_reasons"]
    assert reason["kind"] == ORDER_BELOW_DISPLAY and reason["difference"] == "0.0001" and reason["other"] == "66"
    assert reason["cells"] == [{"criterion": "1.1", "province": "52", "cell": CELL, "value": "7.0001"}]
    assert CELL in reason["text"]["vi"] and CELL in reason["text"]["en"]
    assert rows["66"]["order_reasons"][0]["text"]["vi"].startswith("kém Bình Định 0,0001 điểm")
    assert rows["51"]["order_reasons"] == []
    assert rows["52"]["agreed_total"] == rows["66"]["agreed_total"] == "91.25"  # the design's fields as they were
    page = live_page(encode(document).decode(), title=CONFIG.name, year=CONFIG.year, interval=15,
                     award_places=[(a.from_rank, a.to_rank) for a in CONFIG.awards])
    assert CELL in page and "order_reasons" in page and len(page.encode()) < 30_000


def test_the_command_line_json_keeps_the_design_shape(hidden):
    assert all(set(row) == {"code", "name", "self_total", "agreed_total", "provisional", "rank", "needs_vote",
                            "award"} for row in as_document(hidden)["standings"])


def test_the_csv_excel_summary_minutes_and_print_view_name_it(hidden):
    rows = list(csv.reader(io.StringIO(standings_csv(hidden).decode("utf-8-sig"), newline="")))
    assert rows[0][-1] == "Lý do thứ tự khi bằng điểm hiển thị"
    assert "hơn Đắk Lắk 0,0001 điểm" in rows[4][-1] and CELL in rows[4][-1] and CELL in rows[5][-1]
    wb = openpyxl.load_workbook(io.BytesIO(summary_xlsx(hidden, CONFIG)))
    ws = wb["Tổng hợp"]
    row = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 2).value == ORDER_ROW)
    columns = {ws.cell(5, col).value: col for col in range(4, ws.max_column + 1) if ws.cell(5, col).value}
    assert CELL in ws.cell(row, columns["Bình Định"]).value and CELL in ws.cell(row, columns["Đắk Lắk"]).value
    agreed = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == "1.1")
    assert ws.cell(agreed, columns["Bình Định"] + 1).number_format != "#,##0.00"  # 7,0001 shows its decimals
    for paper in (minutes_docx(hidden, CONFIG, TODAY), conference_minutes_docx(hidden, CONFIG, TODAY)):
        text = "\n".join(p.text for p in docx.Document(io.BytesIO(paper)).paragraphs)
        assert "Bình Định và Đắk Lắk cùng hiển thị 91,25 điểm; Bình Định hơn Đắk Lắk 0,0001 điểm" in text
        assert CELL in text
    assert CELL in print_html(hidden, CONFIG, TODAY)


def test_a_tie_broken_by_a_group_names_the_group_and_both_sums(tmp_path):
    # Bình Định +0,25 on 1.1 (group I) and −0,25 on 3.1 (ThongNhat!D16, group III): the totals stay
    # equal (91,25), and group I, the first tie-break rule, decides: 27,00 against Đắk Lắk's 26,75
    evaluation = demo_with(tmp_path, {"D4": 7.25, "D16": 4.75})
    fourth, fifth = evaluation.standings[3], evaluation.standings[4]
    assert (fourth.code, fifth.code, fourth.agreed_total, fifth.agreed_total) == ("52", "66", 91.25, 91.25)
    (reason,) = fourth.order_reasons
    assert (reason.kind, reason.group, reason.own_sum, reason.other_sum) == (
        ORDER_TIE_BREAK, "I. Phát triển kinh tế", Decimal("27.00"), Decimal("26.75"))
    assert not reason.cells  # the sums differ where everyone sees them
    table = standings_table(evaluation, "vi", CONFIG.awards)
    assert table[table.columns[-1]][3] == "xếp trên Đắk Lắk nhờ tổng điểm nhóm I. Phát triển kinh tế: 27,00 > 26,75"
    assert table[table.columns[-1]][4] == "xếp dưới Bình Định do tổng điểm nhóm I. Phát triển kinh tế: 26,75 < 27,00"
    assert bar_text(evaluation.standings, 3, "vi").endswith("⚖ nhóm I: 27,00 > 26,75")
    assert bar_text(evaluation.standings, 4, "vi") == "91,25 · ⚖ nhóm I: 26,75 < 27,00"


def test_a_group_sum_parted_below_the_display_names_its_cells(tmp_path):
    evaluation = demo_with(tmp_path, {"D4": 7.0001, "D16": 4.9999})  # totals equal, group I 26,7501 > 26,75
    (reason,) = evaluation.standings[3].order_reasons
    assert reason.kind == ORDER_TIE_BREAK and reason.own_sum == Decimal("26.7501")
    assert [c.cell for c in reason.cells] == [CELL]  # group I's cells only, not III's ThongNhat!D16
    assert bar_text(evaluation.standings, 3, "vi").endswith("⚖ nhóm I: 26,7501 > 26,75 (ThongNhat!D4)")


def test_a_real_tie_still_shares_the_place_and_waits_for_a_vote():
    evaluation = evaluate(XlsxSource(DEMO).read(), CONFIG)
    tied = [s for s in evaluation.standings if s.rank == 4]
    assert len(tied) == 2 and all(s.shared and s.needs_vote and not s.order_reasons for s in tied)
    assert "⚖" in ranking_html(evaluation.standings, [a.name for a in CONFIG.awards])
    assert "Cần biểu quyết" in standings_table(evaluation, "vi", CONFIG.awards)["Trạng thái"][3]


def test_a_vote_that_settled_the_tie_is_named_by_its_id():
    crits = [criterion("1.1", "I. Kinh tế"), criterion("2.1", "II. Xã hội")]
    base = sheet(crits, {"51": {"1.1": 9, "2.1": 8}, "56": {"1.1": 9, "2.1": 8}})
    vote = Vote("BQ1", "13/03/2020 09:05:00", "Thư ký Cụm", 22, 22, (("56", 15), ("51", 7)))
    voted = Scoresheet(base.criteria, base.provinces, base.self_scores, base.self_scores, votes=(vote,))
    first, second = rank(voted, Rules.from_config(CONFIG))
    assert (first.code, first.order_reasons[0].kind, first.order_reasons[0].vote) == ("56", ORDER_VOTE, "BQ1")
    assert bar_text((first, second), 1, "vi").endswith("⚖ biểu quyết BQ1")


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 3), st.integers(9990, 10010), st.integers(0, 3)), min_size=2, max_size=7),
       st.booleans())
def test_equal_shown_totals_on_different_places_always_have_a_reason(scores, thousandths):
    """Any two provinces that show one total and hold two places: both carry a reason."""
    crits = [criterion("1.1", "I. Kinh tế"), criterion("2.1", "II. Xã hội"), criterion("3.1", "III. An ninh")]
    unit = Decimal("0.0001") if thousandths else Decimal("0.01")
    codes = ["49", "51", "52", "54", "56", "58", "62"]
    table = {code: {"1.1": str(a * Decimal("0.25")), "2.1": str(b * unit), "3.1": str(c * Decimal("0.5"))}
             for code, (a, b, c) in zip(codes, scores, strict=False)}
    standings = rank(sheet(crits, table), Rules(tie_break_groups=("I", "II")))
    for s in standings:
        for o in standings:
            if s.rank != o.rank and shown(s.agreed_total) == shown(o.agreed_total):
                assert s.order_reasons, (s, o)
            if s.rank == o.rank and s.code != o.code:
                assert s.shared and o.shared
    for s in standings:
        for reason in s.order_reasons:
            other = next(o for o in standings if o.code == reason.other.code)
            assert shown(other.agreed_total) == shown(s.agreed_total) and (s.rank < other.rank) == reason.ahead
            if reason.kind == ORDER_BELOW_DISPLAY:
                assert 0 < abs(reason.difference) < Decimal("0.01") and reason.cells


@pytest.mark.browser
def test_the_live_page_shows_the_reason_not_an_equal_sign(browser, hidden, tmp_path):
    from web.live import render

    document = render(Snapshot(hidden, 7, dt.datetime.now(dt.UTC)), CONFIG).body.decode()
    page_file = tmp_path / "live.html"
    page_file.write_text(live_page(document, title=CONFIG.name, year=CONFIG.year, interval=15,
                                   award_places=[(a.from_rank, a.to_rank) for a in CONFIG.awards]), "utf-8")
    page = browser.new_page(viewport={"width": 390, "height": 844})
    page.goto(page_file.as_uri())
    fourth, fifth = (page.locator(f'li[data-code="{code}"]').inner_text() for code in ("52", "66"))
    assert "hơn Đắk Lắk 0,0001 điểm" in fourth and CELL in fourth and "bằng điểm hạng" not in fourth
    assert "kém Bình Định 0,0001 điểm" in fifth and CELL in fifth and "=" not in fifth.replace(" = 7,0001", "")
    page.locator("#sw").click()
    assert "ahead of Đắk Lắk by 0,0001" in page.locator('li[data-code="52"]').inner_text()
