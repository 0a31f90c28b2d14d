"""The exports (``lib.present.exports``): every file is built, opened again and checked against the standings.

The demo workbook gives the ordinary case (13 adjustments, a tie at rank 4 that waits for a
vote); a frozen copy gives the fingerprint; an edited copy carries formula-looking text; a
hand-built sheet gives a tie for first place that a vote settles, either way.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import shutil
import zipfile
from decimal import Decimal
from pathlib import Path

import docx
import pytest
from docx.shared import Pt
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from lib.core.auth import Role
from lib.core.config import load_config
from lib.core.evaluation import Evaluation, evaluate
from lib.core.freeze import short
from lib.core.model import Criterion, LogEntry, Scoresheet, Vote
from lib.core.scoring import VOTE, Rules, rank
from lib.edge.sources.xlsx import XlsxSource
from lib.edge.store import set_frozen
from lib.present.exports import minutes_docx, standings_csv, summary_xlsx
from lib.present.exports.standings_csv import HEADER
from lib.present.formatting import rank_label, two_decimals, vn_number, vn_score
from tests.sheets import criterion, sheet

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "config" / "demo.xlsx"
CONFIG = load_config()
TODAY = dt.date(2021, 2, 5)
FLAG, MERIT = (a.name for a in CONFIG.awards)
INJECTIONS = {4: '=HYPERLINK("http://x","y")', 5: "+cmd", 6: "-2+3", 7: "@SUM(A1:A9)"}  # TieuChi row → text
EVIL_REASON = "=cmd|' /C calc'!A0"


@pytest.fixture(scope="module")
def demo() -> Evaluation:
    return evaluate(XlsxSource(DEMO).read(), CONFIG)


@pytest.fixture
def copy(tmp_path) -> Path:
    target = tmp_path / "demo.xlsx"
    shutil.copy(DEMO, target)
    return target


# -- helpers that read the files back ---------------------------------------------------
def workbook(data: bytes):
    return load_workbook(io.BytesIO(data))  # data_only=False: a formula would come back as one


def row_of(ws: Worksheet, label: str) -> int:
    return next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 2).value == label)


def province_columns(ws: Worksheet) -> dict[str, int]:
    """Province name → its "Tự chấm" column (the "Thống nhất" one is next)."""
    return {ws.cell(5, col).value: col for col in range(4, ws.max_column + 1) if ws.cell(5, col).value}


def document_text(data: bytes) -> tuple[str, list[list[list[str]]]]:
    document = docx.Document(io.BytesIO(data))
    paragraphs = [p.text for p in document.paragraphs]
    tables = [[[cell.text for cell in row.cells] for row in table.rows] for table in document.tables]
    cells = [text for table in tables for row in table for text in row]
    return "\n".join(paragraphs + cells), tables


def table_with(tables: list[list[list[str]]], first_header: str) -> list[list[str]]:
    return next(t for t in tables if t[0][0] == first_header)


def read_csv(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


# -- CSV ---------------------------------------------------------------------------------
def test_the_csv_has_a_bom_a_vietnamese_header_and_every_standing(demo):
    data = standings_csv(demo)
    assert data.startswith(b"\xef\xbb\xbf") and b"\r\n" in data
    rows = read_csv(data)
    assert rows[0] == list(HEADER)
    assert len(rows) == 1 + len(demo.standings)
    for row, s in zip(rows[1:], demo.standings, strict=True):
        assert row == [str(s.rank), s.code, s.province.name, two_decimals(s.self_total), two_decimals(s.agreed_total),
                       "có" if s.provisional else "không", "có" if s.needs_vote else "không", s.award or "",
                       s.decided_by or "", ""]  # no two provinces of the demo show one total on two places
    by_code = {r[1]: r for r in rows[1:]}
    assert by_code["51"][:5] == ["1", "51", "Quảng Ngãi", "97.50", "98.75"] and by_code["51"][7] == FLAG
    assert by_code["52"][0] == by_code["66"][0] == "4" and by_code["52"][6] == by_code["66"][6] == "có"
    assert by_code["62"][4] == "80.00"  # 79 before the drill became pass/fail (5 for a pass)


def test_csv_text_that_looks_like_a_formula_is_quoted():
    crits = [criterion("1.1")]
    base = sheet(crits, {"51": {"1.1": 9}})
    evil = dataclasses.replace(base.provinces[0], name="=HYPERLINK(\"http://x\")")
    hostile = dataclasses.replace(base, provinces=(evil,))
    rows = read_csv(standings_csv(Evaluation(hostile, (), rank(hostile, Rules()))))
    assert rows[1][2] == "'=HYPERLINK(\"http://x\")"


# -- Excel summary -----------------------------------------------------------------------
def test_the_summary_has_every_total_rank_and_award_as_numbers(demo):
    ws = workbook(summary_xlsx(demo, CONFIG))["Tổng hợp"]
    assert ws["A1"].value == "BẢNG TỔNG HỢP KẾT QUẢ CHẤM ĐIỂM THI ĐUA NĂM 2019" and ws["A2"].value == CONFIG.name
    columns = province_columns(ws)
    assert list(columns) == [s.province.name for s in demo.standings]  # rank order
    assert {ws.cell(6, col).value for col in columns.values()} == {"Tự chấm"}
    assert {ws.cell(6, col + 1).value for col in columns.values()} == {"Thống nhất"}
    total, place, award, note = (row_of(ws, label) for label in ("TỔNG ĐIỂM", "XẾP HẠNG", "ĐỀ NGHỊ KHEN THƯỞNG",
                                                                  "GHI CHÚ"))
    for s in demo.standings:
        col = columns[s.province.name]
        own, agreed = ws.cell(total, col), ws.cell(total, col + 1)
        assert own.data_type == agreed.data_type == "n" and agreed.number_format == "#,##0.00"
        assert (Decimal(str(own.value)), Decimal(str(agreed.value))) == (s.self_total, s.agreed_total)
        assert ws.cell(place, col).value == (rank_label(s) if s.shared else s.rank)
        assert (ws.cell(award, col).value or "").startswith(s.award or "")
        assert ("chờ biểu quyết" in (ws.cell(note, col).value or "")) == s.needs_vote
    binh_dinh = columns["Bình Định"]
    assert ws.cell(place, binh_dinh).value == "Đồng hạng 4"
    assert ws.cell(award, binh_dinh).value == f"{MERIT} (chờ biểu quyết)"
    assert ws.cell(award, columns["Quảng Ngãi"]).value == FLAG


def test_the_summary_columns_add_up_to_the_totals(demo):
    """Scores are numbers: each agreed column, penalties subtracted, sums to the agreed total."""
    ws = workbook(summary_xlsx(demo, CONFIG))["Tổng hợp"]
    columns = province_columns(ws)
    rows = {ws.cell(r, 1).value: r for r in range(7, ws.max_row + 1) if ws.cell(r, 1).value}
    for s in demo.standings:
        col = columns[s.province.name] + 1
        total = Decimal(0)
        for c in demo.sheet.criteria:
            value = ws.cell(rows[c.code], col).value  # blank where the province has no score yet
            score = None if value is None else Decimal(str(value))
            assert score == demo.sheet.score((c.code, s.code))
            total += c.kind.sign * (score or 0)
        assert total - s.bonus_cut == s.agreed_total
        group = demo.sheet.groups()[0]
        assert Decimal(str(ws.cell(row_of(ws, "Cộng nhóm I"), col).value)) == s.group_agreed[group]


def test_the_summary_is_print_ready_with_frozen_headers(demo):
    wb = workbook(summary_xlsx(demo, CONFIG))
    assert wb.sheetnames == ["Tổng hợp", "Tính theo chỉ tiêu", "Nhật ký", "Biểu quyết"]
    ws = wb["Tổng hợp"]
    assert ws.freeze_panes == "D7"
    assert ws.print_title_rows == "$5:$6"
    assert "BẢNG TỔNG HỢP" in ws.oddHeader.center.text
    for sheet_ in wb.worksheets:
        setup = sheet_.page_setup
        assert (setup.orientation, str(setup.paperSize)) == ("landscape", str(ws.PAPERSIZE_A4))
        assert (setup.fitToWidth, setup.fitToHeight, sheet_.sheet_properties.pageSetUpPr.fitToPage) == (1, 0, True)
    assert wb["Nhật ký"].freeze_panes == wb["Biểu quyết"].freeze_panes == "A4"


def test_the_log_sheet_has_every_adjustment_with_its_reason(demo):
    ws = workbook(summary_xlsx(demo, CONFIG))["Nhật ký"]
    assert [c.value for c in ws[3]] == ["Thời gian", "Người sửa", "Đơn vị", "Mã", "Tiêu chí", "Điểm cũ", "Điểm mới",
                                        "Lý do"]
    rows = list(ws.iter_rows(min_row=4, values_only=True))
    assert len(rows) == len(demo.sheet.log)
    for row, entry in zip(rows, demo.sheet.log, strict=True):
        assert row[:4] == (entry.time, entry.user, entry.province, entry.criterion)
        assert row[4] == demo.sheet.criterion(entry.criterion).text
        assert (Decimal(str(row[5])), Decimal(str(row[6]))) == (Decimal(entry.old), Decimal(entry.new))
        assert row[7] == entry.reason
    assert workbook(summary_xlsx(demo, CONFIG))["Biểu quyết"]["A4"].value == "Chưa có cuộc biểu quyết nào"


def test_formula_looking_text_from_the_sheet_arrives_as_text(copy):
    wb = load_workbook(copy)
    for row, text in INJECTIONS.items():
        cell = wb["TieuChi"].cell(row, 3, text)
        cell.data_type = "s"
    for row in wb["TieuChi"].iter_rows(min_row=4):
        if str(row[0].value).startswith("7."):  # the penalty group gets a name that starts with "@"
            row[1].value = "@Điểm trừ"
            row[1].data_type = "s"
    wb["NhatKy"].cell(4, 7, EVIL_REASON).data_type = "s"
    wb.save(copy)
    evaluation = evaluate(XlsxSource(copy).read(), CONFIG)
    assert evaluation.sheet.criterion("1.1").text == INJECTIONS[4] and evaluation.sheet.log[0].reason == EVIL_REASON
    data = summary_xlsx(evaluation, CONFIG)
    out = workbook(data)
    ws = out["Tổng hợp"]
    texts = {ws.cell(r, 2).value: ws.cell(r, 2) for r in range(7, ws.max_row + 1)}
    for text in [*INJECTIONS.values(), "@Điểm trừ"]:
        assert texts[text].data_type == "s" and texts[text].value == text
    assert texts[INJECTIONS[4]].quotePrefix
    reason = out["Nhật ký"]["H4"]
    assert (reason.value, reason.data_type) == (EVIL_REASON, "s")
    assert all(c.data_type != "f" for s in out.worksheets for row in s.iter_rows() for c in row)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        sheets = [n for n in archive.namelist() if n.startswith("xl/worksheets/sheet")]
        assert sheets and not any(b"<f>" in archive.read(n) or b"<f " in archive.read(n) for n in sheets)
    text, _ = document_text(minutes_docx(evaluation, CONFIG, TODAY))
    assert EVIL_REASON in text and INJECTIONS[6] in text


def test_characters_xml_cannot_hold_are_dropped_not_fatal():
    base = sheet([Criterion("1.1", "I. A\x01", "Bell\x07 text", Decimal(10))], {"51": {"1.1": 9}})
    bad = dataclasses.replace(base, log=(LogEntry("t", "u\x02", "Quảng Ngãi", "1.1", "8", "9", "lý\x0b do"),))
    evaluation = Evaluation(bad, (), rank(bad, Rules()))
    assert workbook(summary_xlsx(evaluation, CONFIG))["Nhật ký"]["H4"].value == "lý do"
    assert "u" in document_text(minutes_docx(evaluation, CONFIG, TODAY))[0]


# -- minutes ------------------------------------------------------------------------------
def test_the_minutes_record_the_meeting_adjustments_standings_and_awards(demo):
    data = minutes_docx(demo, CONFIG, TODAY)
    text, tables = document_text(data)
    for phrase in ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", CONFIG.name.upper(),
                   "BIÊN BẢN HỘI NGHỊ TRÙ BỊ", "Quảng Ngãi, ngày 12 tháng 3 năm 2020",
                   "1. Thời gian: 14 giờ 00 phút, ngày 12 tháng 3 năm 2020.",
                   f"2. Địa điểm: {CONFIG.preliminary_place}.", "Thành phần tham dự: …",
                   "TM. TRƯỞNG CỤM", "TM. PHÓ TRƯỞNG CỤM", "Đại diện tỉnh Quảng Ngãi", "Đại diện tỉnh Đắk Nông",
                   "Chưa chốt kết quả"):
        assert phrase in text, phrase
    changes = table_with(tables, "TT")
    assert changes[0] == ["TT", "Tỉnh", "Tiêu chí", "Điểm cũ", "Điểm mới", "Lý do"]
    assert len(changes) == 1 + len(demo.sheet.log)
    for row, entry in zip(changes[1:], demo.sheet.log, strict=True):
        assert row[1] == entry.province and row[2].startswith(entry.criterion + " ")
        assert row[3:] == [vn_score(Decimal(entry.old)), vn_score(Decimal(entry.new)), entry.reason]
    standings = table_with(tables, "Hạng")
    assert len(standings) == 1 + len(demo.standings)
    for row, s in zip(standings[1:], demo.standings, strict=True):
        assert row[:3] == [rank_label(s), s.province.name, vn_number(s.self_total)]
        assert row[3].startswith(vn_number(s.agreed_total)) and row[4].startswith(s.award or "")
    assert standings[1][:4] == ["1", "Quảng Ngãi", "97,50", "98,75"]
    assert "Đồng hạng 4" in standings[4][0] and standings[4][4] == f"{MERIT} (chờ biểu quyết)"
    assert ("Đề nghị Thủ tướng Chính phủ tặng Cờ thi đua của Chính phủ cho tỉnh Quảng Ngãi, "
            f"đơn vị dẫn đầu {CONFIG.name}") in text
    assert "Khánh Hòa, Quảng Nam" in text
    assert "1 trong số các tỉnh Bình Định và Đắk Lắk (đồng hạng 4, chờ biểu quyết)" in text
    assert "Các tỉnh Bình Định và Đắk Lắk đồng hạng 4" in text


def test_the_minutes_use_the_administrative_layout(demo):
    document = docx.Document(io.BytesIO(minutes_docx(demo, CONFIG, TODAY)))
    section = document.sections[0]
    assert [round(length.mm) for length in (section.page_width, section.page_height, section.left_margin,
                                             section.right_margin)] == [210, 297, 30, 15]
    normal = document.styles["Normal"].font
    assert (normal.name, normal.size) == ("Times New Roman", Pt(14))
    sizes = {run.font.size for table in document.tables for row in table.rows for cell in row.cells
             for p in cell.paragraphs for run in p.runs}
    assert sizes <= {Pt(12), Pt(13), Pt(14)}  # 12 pt only for the national title (Decree 30: 12–13 pt)
    heading = document.tables[0].cell(0, 1).paragraphs[0]
    assert heading.text == "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" and heading.runs[0].font.size == Pt(12)
    widths = [round(column.width.mm) for column in document.tables[0].columns]
    assert sum(widths) == 165 and widths[1] >= 100  # fixed columns: the national title fits on one line


def test_without_a_meeting_date_the_minutes_are_dated_today(demo):
    undated = dataclasses.replace(CONFIG, preliminary=None, preliminary_place="")
    text, _ = document_text(minutes_docx(demo, undated, TODAY))
    assert "Quảng Ngãi, ngày 05 tháng 02 năm 2021" in text  # the leader's province names the place
    assert "1. Thời gian: ……" in text


def test_a_frozen_result_carries_its_fingerprint_into_the_minutes_and_summary(copy):
    full = set_frozen(XlsxSource(copy), CONFIG.provinces, "Quản trị", Role.ADMIN, True)
    evaluation = evaluate(XlsxSource(copy).read(), CONFIG)
    assert evaluation.freeze.frozen and evaluation.freeze.last.fingerprint == full
    text, _ = document_text(minutes_docx(evaluation, CONFIG, TODAY))
    line = (f"Kết quả đã được chốt lúc {evaluation.freeze.last.time} bởi Quản trị; "
            f"mã kiểm tra: {short(full)} (đầy đủ: {full})")
    assert line in text and "Chưa chốt" not in text and "khác mã đã chốt" not in text
    status = workbook(summary_xlsx(evaluation, CONFIG))["Tổng hợp"]["A3"].value
    assert short(full) in status and full in status
    later = dataclasses.replace(evaluation, sheet=dataclasses.replace(
        evaluation.sheet, log=(*evaluation.sheet.log, LogEntry("t", "u", "Quảng Ngãi", "1.1", "7.5", "8", "sửa sau"))))
    assert "khác mã đã chốt" in document_text(minutes_docx(later, CONFIG, TODAY))[0]
    set_frozen(XlsxSource(copy), CONFIG.provinces, "Quản trị", Role.ADMIN, False, "Sửa điểm tiêu chí 1.1")
    reopened = evaluate(XlsxSource(copy).read(), CONFIG)
    text, _ = document_text(minutes_docx(reopened, CONFIG, TODAY))
    assert "Chưa chốt kết quả (đã mở chốt lúc" in text and "Sửa điểm tiêu chí 1.1" in text
    assert "mã kiểm tra" not in text


# -- a tie for first place, settled by a vote ------------------------------------------------
def first_place_tie(votes: tuple[Vote, ...] = ()) -> Evaluation:
    """Quảng Ngãi and Khánh Hòa equal on total and on groups I and II (the configured tie-breaks)."""
    crits = [criterion("1.1", "I. Kinh tế"), criterion("2.1", "II. Xã hội")]
    base = sheet(crits, {"51": {"1.1": 9, "2.1": 8}, "56": {"1.1": 9, "2.1": 8}, "49": {"1.1": 7, "2.1": 7}})
    tied = Scoresheet(base.criteria, base.provinces, base.self_scores, base.self_scores, votes=votes)
    return Evaluation(tied, (), rank(tied, Rules.from_config(CONFIG)))


@pytest.mark.parametrize("winner,loser,tally", [("Quảng Ngãi", "Khánh Hòa", (("51", 15), ("56", 7))),
                                                ("Khánh Hòa", "Quảng Ngãi", (("56", 13), ("51", 9)))])
def test_a_vote_settles_a_tie_for_first_place_and_the_minutes_name_its_winner(winner, loser, tally):
    vote = Vote("BQ1", "13/03/2020 09:05:00", "Thư ký Cụm", 22, 22, tally)
    evaluation = first_place_tie((vote,))
    assert evaluation.standings[0].province.name == winner and evaluation.standings[0].decided_by == VOTE
    text, tables = document_text(minutes_docx(evaluation, CONFIG, TODAY))
    assert (f"Đề nghị Thủ tướng Chính phủ tặng {FLAG} cho tỉnh {winner}, đơn vị dẫn đầu {CONFIG.name} năm 2019 "
            "(theo kết quả biểu quyết).") in text
    assert f"cho tỉnh {loser}, đơn vị dẫn đầu" not in text
    votes_line = next(line for line in text.splitlines() if line.startswith("Biểu quyết BQ1"))
    assert "có mặt 22, số phiếu phát ra 22" in votes_line
    assert all(f"{name}: {n} phiếu" in votes_line
               for name, n in ((winner, tally[0][1]), (loser, tally[1][1])))
    assert f"Kết quả: {winner} xếp trên {loser}" in votes_line
    assert table_with(tables, "Hạng")[1][:2] == ["1", winner]
    assert table_with(tables, "Hạng")[2][4] == f"{MERIT} (theo kết quả biểu quyết)"
    wb = workbook(summary_xlsx(evaluation, CONFIG))
    ws = wb["Tổng hợp"]
    columns = province_columns(ws)
    assert list(columns)[:2] == [winner, loser]
    assert ws.cell(row_of(ws, "XẾP HẠNG"), columns[winner]).value == 1
    assert ws.cell(row_of(ws, "ĐỀ NGHỊ KHEN THƯỞNG"), columns[winner]).value == f"{FLAG} (theo kết quả biểu quyết)"
    assert "theo kết quả biểu quyết" in ws.cell(row_of(ws, "GHI CHÚ"), columns[loser]).value
    rows = list(wb["Biểu quyết"].iter_rows(min_row=4, values_only=True))
    assert [(r[0], r[3], r[4], r[6], r[7]) for r in rows] == [
        ("BQ1", 22, 22, {"51": "Quảng Ngãi", "56": "Khánh Hòa"}[code], n) for code, n in tally]
    assert rows[0][8].startswith(f"{winner} xếp trên {loser}")
    assert read_csv(standings_csv(evaluation))[1][2::6] == [winner, VOTE]


def test_before_the_vote_no_province_is_named_for_the_flag():
    split = Vote("BQ0", "13/03/2020 09:00:00", "Thư ký Cụm", 22, 22, (("51", 11), ("56", 11)))
    for evaluation in (first_place_tie(), first_place_tie((split,))):
        text, tables = document_text(minutes_docx(evaluation, CONFIG, TODAY))
        assert "đơn vị dẫn đầu" not in text
        pending = "1 trong số các tỉnh Khánh Hòa và Quảng Ngãi (đồng hạng 1, chờ biểu quyết)"
        assert f"tặng {FLAG} cho {pending}" in text
        assert pending in text.split(f"tặng {MERIT} cho")[1]  # the loser of the vote gets the Certificate
        assert [row[4] for row in table_with(tables, "Hạng")[1:3]] == [f"{FLAG} (chờ biểu quyết)"] * 2
    text, _ = document_text(minutes_docx(first_place_tie((split,)), CONFIG, TODAY))
    assert "Kết quả: không tỉnh nào đạt quá nửa số đại biểu có mặt" in text
