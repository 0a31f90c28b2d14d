"""The summary workbook: "Bảng tổng hợp kết quả chấm điểm thi đua năm …" (openpyxl, in memory).

Three sheets: ``Tổng hợp`` (criteria × provinces in rank order, each province with its
self-score and agreed score, group subtotals, totals, ranks, awards), ``Nhật ký`` (every
row of the change log) and ``Biểu quyết`` (every vote).

Numbers stay numbers, so a reader can sum or sort them, shown with the number format
``#,##0.00``. A number format names no separators: Excel draws them from the reader's
regional settings, so Windows set to Vietnamese shows ``95,50`` (and ``1.234,50``) and an
English one ``95.50``; no format can force the Vietnamese comma on every machine without
turning numbers into text. In the agreed column a criterion not yet agreed shows the
self-score that stands in for it, in italics, so every column adds up to its total. A value with
more than two decimals (3,5001) is shown with them, and under the totals a row says why a province
is above or below one showing the same total.

Text taken from the workbook (criteria, groups, names, reasons) is written as a string
cell with Excel's quote prefix, never as a formula, even when it begins with ``=``, ``+``,
``-`` or ``@``; characters XML cannot hold are dropped.
"""

from __future__ import annotations

import io
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from lib.core.config import ClusterConfig
from lib.core.evaluation import Evaluation
from lib.core.history import Comparison
from lib.core.model import Standing
from lib.core.order import has_hidden_decimals
from lib.present.formatting import rank_label
from lib.present.history_view import change_text, last_text
from lib.present.history_view import notes as history_notes
from lib.present.order_text import reasons_text
from lib.present.wording import (
    award_text,
    criterion_text,
    freeze_line,
    log_score,
    names,
    status_notes,
    vote_outcome,
)
from lib.present.working import working_text

NUMBER_FORMAT = "#,##0.00"
EXACT_FORMAT = "#,##0.00########"
ORDER_ROW = "LÝ DO THỨ TỰ KHI BẰNG ĐIỂM HIỂN THỊ"
FIRST_DATA_COLUMN = 4  # A: Mã · B: Tiêu chí · C: Điểm chuẩn · D…: two columns per province
HEADER_ROW = 5
_THIN = Side(style="thin")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
_WRAP = Alignment(vertical="center", wrap_text=True)


def put(ws: Worksheet, row: int, col: int, value: object, *, bold: bool = False, italic: bool = False,
        align: Alignment | None = None, box: bool = True) -> Cell:
    """Write one cell: text always as a string cell (never a formula), numbers with ``NUMBER_FORMAT``."""
    cell = ws.cell(row, col)
    if isinstance(value, str):
        text = ILLEGAL_CHARACTERS_RE.sub("", value)
        cell.value = text
        cell.data_type = "s"
        if text.startswith(("=", "+", "-", "@")):
            cell.quotePrefix = True  # Excel keeps it text even after the cell is edited
    elif isinstance(value, Decimal):
        cell.value = float(value)
        # a value two decimals would hide (3,5001) shows its extra decimals, as the screens' reasons do
        cell.number_format = EXACT_FORMAT if has_hidden_decimals(value) else NUMBER_FORMAT
    else:
        cell.value = value
    cell.font = Font(name="Times New Roman", size=11, bold=bold, italic=italic)
    cell.alignment = align or _WRAP
    if box:
        cell.border = _BOX
    return cell


def _print_setup(ws: Worksheet, title: str, header_rows: str) -> None:
    """A4 landscape, fitted to the page width, header rows repeated, title and page number printed."""
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.print_title_rows = header_rows
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.6
    ws.oddHeader.center.text = ILLEGAL_CHARACTERS_RE.sub("", title).replace("&", "&&")
    ws.oddFooter.center.text = "Trang &P/&N"


def _title(ws: Worksheet, lines: list[str], width: int) -> None:
    for row, line in enumerate(lines, start=1):
        put(ws, row, 1, line, bold=row == 1, italic=row > 2, align=_CENTER, box=False)
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width)


def summary_xlsx(evaluation: Evaluation, config: ClusterConfig, history: Comparison | None = None) -> bytes:
    """The summary workbook as .xlsx bytes (with ``history``: a row of last year's rank and the change)."""
    wb = Workbook()
    wb.properties.title = f"Bảng tổng hợp kết quả chấm điểm thi đua năm {config.year} – {config.name}"
    wb.properties.creator, wb.properties.language = config.name, "vi-VN"
    ws = wb.active
    ws.title = "Tổng hợp"
    _summary(ws, evaluation, config, history)
    if evaluation.sheet.workings:
        _computed(wb.create_sheet("Tính theo chỉ tiêu"), evaluation)
    _log(wb.create_sheet("Nhật ký"), evaluation)
    _votes(wb.create_sheet("Biểu quyết"), evaluation, config)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _summary(ws: Worksheet, evaluation: Evaluation, config: ClusterConfig, history: Comparison | None = None) -> None:
    sheet, standings = evaluation.sheet, evaluation.standings
    province_names = names(evaluation)
    title = f"BẢNG TỔNG HỢP KẾT QUẢ CHẤM ĐIỂM THI ĐUA NĂM {config.year}"
    width = FIRST_DATA_COLUMN - 1 + 2 * len(standings)
    status = freeze_line(evaluation) + (" · Số liệu minh họa" if config.illustrative else "")
    _title(ws, [title, config.name, status], width)
    for col, head in enumerate(("Mã", "Tiêu chí", "Điểm chuẩn"), start=1):
        put(ws, HEADER_ROW, col, head, bold=True, align=_CENTER)
        put(ws, HEADER_ROW + 1, col, "", bold=True, align=_CENTER)
        ws.merge_cells(start_row=HEADER_ROW, start_column=col, end_row=HEADER_ROW + 1, end_column=col)
    for i, s in enumerate(standings):
        col = FIRST_DATA_COLUMN + 2 * i
        put(ws, HEADER_ROW, col, s.province.name, bold=True, align=_CENTER)
        put(ws, HEADER_ROW, col + 1, "", align=_CENTER)
        ws.merge_cells(start_row=HEADER_ROW, start_column=col, end_row=HEADER_ROW, end_column=col + 1)
        put(ws, HEADER_ROW + 1, col, "Tự chấm", bold=True, align=_CENTER)
        put(ws, HEADER_ROW + 1, col + 1, "Thống nhất", bold=True, align=_CENTER)
    row = HEADER_ROW + 2
    for group in sheet.groups():
        put(ws, row, 1, "", bold=True)
        put(ws, row, 2, group, bold=True)
        for col in range(3, width + 1):
            put(ws, row, col, "")
        row += 1
        for c in (c for c in sheet.criteria if c.group == group):
            put(ws, row, 1, c.code, align=_CENTER)
            put(ws, row, 2, c.text + ("" if c.kind.sign > 0 else " (điểm trừ)"))
            put(ws, row, 3, c.max_points)
            for i, s in enumerate(standings):
                key = (c.code, s.code)
                own, agreed = sheet.own(key), sheet.agreed.get(key)
                counted = sheet.score(key)  # agreed, else computed, else self
                put(ws, row, FIRST_DATA_COLUMN + 2 * i, own)
                put(ws, row, FIRST_DATA_COLUMN + 2 * i + 1, counted, italic=agreed is None)
            row += 1
        label = group.split(".", 1)[0].strip() if "." in group else group
        _totals_row(ws, row, f"Cộng nhóm {label}", standings,
                    lambda s, g=group: (s.group_self[g], s.group_agreed[g]))
        row += 1
    if any(s.self_total != sum(s.group_self.values()) or s.bonus_cut for s in standings):
        _totals_row(ws, row, "Điểm thưởng vượt mức tối đa (không tính)", standings,
                    lambda s: (s.self_total - sum(s.group_self.values()), -s.bonus_cut))
        row += 1
    _totals_row(ws, row, "TỔNG ĐIỂM", standings, lambda s: (s.self_total, s.agreed_total), bold=True)
    row += 1
    for label, value in (("XẾP HẠNG", _rank), ("ĐỀ NGHỊ KHEN THƯỞNG", award_text),
                         ("GHI CHÚ", lambda s: "; ".join(status_notes(s))),
                         (ORDER_ROW, lambda s: reasons_text(s, province_names))):
        _merged_row(ws, row, label, [value(s) for s in standings])
        row += 1
    if history is not None:  # the year's loop: last year beside this year
        _merged_row(ws, row, "SO VỚI NĂM TRƯỚC (hạng, điểm)", [
            f"{last_text(history.rows[s.code])}: {change_text(history.rows[s.code])}" for s in standings])
        row += 1
    notes = [*(history_notes(history) if history is not None else []),
        "Chữ nghiêng ở cột Thống nhất: tiêu chí chưa thống nhất, tạm lấy điểm tự chấm.",
        "Điểm trừ ghi số dương; cộng nhóm điểm trừ mang dấu âm. Tổng điểm = điểm chuẩn + điểm thưởng − điểm trừ.",
        "Số liệu lưu dạng số; Excel hiển thị dấu thập phân theo thiết lập vùng của máy (tiếng Việt: 95,50).",
    ]
    for note in notes:
        put(ws, row + 1, 1, note, italic=True, box=False, align=Alignment(vertical="top"))
        row += 1
    ws.column_dimensions["A"].width = 7
    ws.column_dimensions["B"].width = 48
    ws.column_dimensions["C"].width = 9
    for col in range(FIRST_DATA_COLUMN, width + 1):
        ws.column_dimensions[get_column_letter(col)].width = 10.5
    ws.row_dimensions[HEADER_ROW].height = 32
    ws.freeze_panes = ws.cell(HEADER_ROW + 2, FIRST_DATA_COLUMN).coordinate
    _print_setup(ws, title, f"{HEADER_ROW}:{HEADER_ROW + 1}")


def _rank(standing: Standing) -> int | str:
    """The rank as a number, or ``Đồng hạng 4`` when shared."""
    return rank_label(standing) if standing.shared else standing.rank


def _totals_row(ws: Worksheet, row: int, label: str, standings: tuple[Standing, ...], values,
                bold: bool = False) -> None:
    put(ws, row, 1, "", bold=bold)
    put(ws, row, 2, label, bold=True)
    put(ws, row, 3, "")
    for i, s in enumerate(standings):
        own, agreed = values(s)
        put(ws, row, FIRST_DATA_COLUMN + 2 * i, own, bold=bold)
        put(ws, row, FIRST_DATA_COLUMN + 2 * i + 1, agreed, bold=bold)


def _merged_row(ws: Worksheet, row: int, label: str, values: list[object]) -> None:
    put(ws, row, 1, "")
    put(ws, row, 2, label, bold=True)
    put(ws, row, 3, "")
    for i, value in enumerate(values):
        col = FIRST_DATA_COLUMN + 2 * i
        put(ws, row, col, value, bold=True, align=_CENTER)
        put(ws, row, col + 1, "", align=_CENTER)
        ws.merge_cells(start_row=row, start_column=col, end_row=row, end_column=col + 1)


def _table(ws: Worksheet, title: str, headers: list[str], rows: list[list[object]], widths: list[int]) -> None:
    """A titled table with a frozen, filterable, repeated header row."""
    _title(ws, [title], len(headers))
    for col, head in enumerate(headers, start=1):
        put(ws, 3, col, head, bold=True, align=_CENTER)
        ws.column_dimensions[get_column_letter(col)].width = widths[col - 1]
    for r, values in enumerate(rows, start=4):
        for col, value in enumerate(values, start=1):
            put(ws, r, col, value)
    ws.freeze_panes = "A4"
    if rows:
        ws.auto_filter.ref = f"A3:{get_column_letter(len(headers))}{3 + len(rows)}"
    _print_setup(ws, title, "3:3")


def _computed(ws: Worksheet, evaluation: Evaluation) -> None:
    """One row per computed score: target, result, the self-score claimed, the score and its working."""
    sheet = evaluation.sheet
    province_names = names(evaluation)
    rows: list[list[object]] = []
    for c in (c for c in sheet.criteria if c.computed):
        for p in sheet.provinces:
            key = (c.code, p.code)
            working = sheet.workings.get(key)
            rows.append([c.code, c.text, p.name, sheet.targets.get(key), sheet.results.get(key),
                         sheet.self_scores.get(key), sheet.computed.get(key),
                         working_text(working, province_names) if working else "chưa có chỉ tiêu hoặc kết quả"])
    _table(ws, "ĐIỂM TÍNH THEO CHỈ TIÊU VÀ KẾT QUẢ", ["Mã", "Tiêu chí", "Tỉnh", "Chỉ tiêu", "Kết quả", "Tự chấm",
                                                     "Tính theo chỉ tiêu", "Cách tính điểm"],
           rows, [8, 40, 16, 10, 10, 9, 10, 80])


def _log(ws: Worksheet, evaluation: Evaluation) -> None:
    rows: list[list[object]] = []
    for e in evaluation.sheet.log:
        old, new = log_score(e.old), log_score(e.new)
        rows.append([e.time, e.user, e.province, e.criterion, criterion_text(evaluation, e.criterion),
                     e.old if old is None else old, e.new if new is None else new, e.reason])
    if not rows:
        rows.append(["Chưa có điều chỉnh nào", "", "", "", "", "", "", ""])
    _table(ws, "NHẬT KÝ ĐIỀU CHỈNH ĐIỂM", ["Thời gian", "Người sửa", "Đơn vị", "Mã", "Tiêu chí", "Điểm cũ",
                                          "Điểm mới", "Lý do"], rows, [17, 22, 16, 8, 40, 9, 9, 50])


def _votes(ws: Worksheet, evaluation: Evaluation, config: ClusterConfig) -> None:
    province_names = names(evaluation)
    rows: list[list[object]] = []
    for vote in evaluation.sheet.votes:
        outcome = vote_outcome(vote, province_names, config.vote_majority)
        rows.extend([vote.id, vote.time, vote.recorder, vote.present, vote.ballots, code,
                     province_names.get(code, code), n, outcome] for code, n in vote.votes)
    if not rows:
        rows.append(["Chưa có cuộc biểu quyết nào", "", "", "", "", "", "", "", ""])
    _table(ws, "KẾT QUẢ BIỂU QUYẾT", ["Mã biểu quyết", "Thời gian", "Người ghi", "Có mặt", "Số phiếu phát ra",
                                      "Mã tỉnh", "Tỉnh", "Số phiếu bầu", "Kết quả"],
           rows, [12, 17, 20, 9, 10, 8, 16, 10, 50])
