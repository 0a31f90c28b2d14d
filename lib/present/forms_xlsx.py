"""The self-scoring form of one province, as ``.xlsx`` bytes (pure: data in, bytes out).

Heading (cluster, year, province, deadlines), short instructions in Vietnamese, then one
row per criterion: code, group, text, max, kind (locked) and the self-score and evidence
cells (unlocked, pre-filled with what the sheet holds for the province now). The sheet is
protected without a password, so only the fill-in cells take typing; score cells carry
Excel's data validation (a decimal 0 … max; Excel reads ``8,5`` in a Vietnamese locale).
A hidden tab ``ThongTinBieuMau`` carries the identity, the values at generation time and a
signature over both (keyed by the server's form key, passed in), which ``lib.core.forms.read_form``
uses to refuse an edited identity or another cluster's form and to tell a value changed in
the sheet since the form was made. The layout lives in ``lib.core.forms``.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from collections.abc import Iterable
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.worksheet.datavalidation import DataValidation

from lib.core.cells import raw_value
from lib.core.config import ClusterConfig
from lib.core.forms import FILL_IN, FORM_COLUMNS, FORM_TAB, META_TAB, meta_rows
from lib.core.model import Kind, Province, Scoresheet
from lib.core.tracker import supplement_due

KIND_WORDS = {Kind.STANDARD: "chuẩn", Kind.BONUS: "thưởng", Kind.PENALTY: "trừ"}
WIDTHS = {"code": 8, "group": 26, "criterion": 60, "max": 11, "kind": 9, "self": 12, "evidence": 45}
INSTRUCTIONS = (
    "Hướng dẫn: chỉ nhập vào hai cột có nền vàng — «Tự chấm» (số điểm, từ 0 đến điểm chuẩn; "
    "dùng dấu phẩy thập phân, ví dụ 8,5) và «Minh chứng» (đường dẫn tài liệu hoặc ghi chú).",
    "Tiêu chí loại «trừ»: nhập số điểm bị trừ (số dương). Tiêu chí chưa có kết quả: để trống, "
    "bổ sung sau; ô trống không được tính là 0.",
    "Không đổi mã tiêu chí, không xóa trang tính ẩn «ThongTinBieuMau» (dùng để nhận biết biểu mẫu). "
    "Gửi lại chính tệp này cho Ban Thi đua – Khen thưởng của tỉnh Trưởng cụm.",
)
HEADER_ROW = 9
_FILL = PatternFill("solid", fgColor="FFF2CC")
_HEAD = PatternFill("solid", fgColor="D9E1F2")
_THIN = Side(style="thin", color="999999")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)


def file_name(province: Province) -> str:
    """``49-Quang-Nam.xlsx``: the code, then the name without accents (safe in any zip or mail)."""
    ascii_name = re.sub(r"[^A-Za-z0-9]+", "-", _ascii(province.name)).strip("-")
    return f"{province.code}-{ascii_name}.xlsx"


def _ascii(text: str) -> str:
    import unicodedata

    text = text.replace("Đ", "D").replace("đ", "d")
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


def _date(value: dt.date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else "—"


def form_bytes(config: ClusterConfig, sheet: Scoresheet, province: Province, generated_at: str,
               signing_key: bytes) -> bytes:
    """The form of ``province`` for ``config``'s cluster, pre-filled from ``sheet``; identity signed with the key."""
    wb = Workbook()
    ws = wb.active
    ws.title = FORM_TAB
    heading = (
        (f"BẢNG TỰ CHẤM ĐIỂM THI ĐUA NĂM {config.year}", Font(bold=True, size=14)),
        (config.name, Font(bold=True, size=12)),
        (f"Đơn vị: {province.name} (mã {province.code})", Font(bold=True, size=12)),
        (f"Hạn gửi bảng tự chấm: {_date(config.self_scores_due)} · bổ sung tiêu chí chưa có kết quả đến: "
         f"{_date(supplement_due(config))} · biểu mẫu tạo lúc {generated_at}", Font(italic=True)),
    )
    for row, (text, font) in enumerate(heading, start=1):
        ws.cell(row, 1, text).font = font
    for row, text in enumerate(INSTRUCTIONS, start=5):
        ws.cell(row, 1, text).alignment = Alignment(wrap_text=False)
    if config.illustrative:
        ws.cell(8, 1, "DỮ LIỆU MINH HỌA — không phải số liệu chính thức").font = Font(color="A4262C", bold=True)
    keys = [key for key, _ in FORM_COLUMNS]
    for col, (key, (vietnamese, _)) in enumerate(FORM_COLUMNS, start=1):
        cell = ws.cell(HEADER_ROW, col, vietnamese)
        cell.font, cell.fill, cell.border = Font(bold=True), _HEAD, _BOX
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        ws.column_dimensions[cell.column_letter].width = WIDTHS[key]
    by_max: dict[Decimal, list[str]] = {}
    self_col, evidence_col = keys.index("self") + 1, keys.index("evidence") + 1
    baseline = []
    for row, criterion in enumerate(sheet.criteria, start=HEADER_ROW + 1):
        score = sheet.self_scores.get((criterion.code, province.code))
        evidence = sheet.evidence.get((criterion.code, province.code)) or None
        values = {"code": criterion.code, "group": criterion.group, "criterion": criterion.text,
                  "max": raw_value(criterion.max_points), "kind": KIND_WORDS[criterion.kind],
                  "self": raw_value(score) if score is not None else None, "evidence": evidence}
        for col, key in enumerate(keys, start=1):
            cell = ws.cell(row, col, values[key])
            cell.border = _BOX
            cell.alignment = Alignment(wrap_text=key in ("criterion", "group", "evidence"), vertical="top")
            if key in FILL_IN:
                cell.fill, cell.protection = _FILL, Protection(locked=False)
        ws.cell(row, self_col).number_format = "General"
        ws.cell(row, evidence_col).number_format = "@"  # a link or a note stays text
        by_max.setdefault(criterion.max_points, []).append(ws.cell(row, self_col).coordinate)
        baseline.append((criterion.code, raw_value(score) if score is not None else None, evidence))
    for max_points, cells in by_max.items():
        rule = DataValidation(type="decimal", operator="between", formula1="0",
                              formula2=format(max_points.normalize(), "f"), allow_blank=True, showErrorMessage=True,
                              errorTitle="Điểm không hợp lệ",
                              error=f"Nhập một số từ 0 đến {format(max_points.normalize(), 'f').replace('.', ',')}",
                              promptTitle="Tự chấm", prompt=f"Từ 0 đến {str(max_points).replace('.', ',')} điểm")
        for cell in cells:
            rule.add(cell)
        ws.add_data_validation(rule)
    ws.freeze_panes = ws.cell(HEADER_ROW + 1, 1)
    ws.protection.sheet = True
    ws.protection.formatColumns = False  # widths and heights may still be changed
    ws.protection.formatRows = False
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    meta = wb.create_sheet(META_TAB)
    for values in meta_rows(config.name, config.year, province, generated_at, baseline, signing_key):
        meta.append(values)
    for row in meta.iter_rows(min_col=1, max_col=1):  # codes and keys stay text ("1.10" is not 1.1)
        row[0].number_format = "@"
    meta.sheet_state = "hidden"
    meta.protection.sheet = True
    wb.active = 0
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def forms_zip(forms: Iterable[tuple[str, bytes]]) -> bytes:
    """Every (file name, bytes) in one zip archive."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in forms:
            archive.writestr(name, data)
    return buffer.getvalue()


def all_forms(config: ClusterConfig, sheet: Scoresheet, generated_at: str, key: bytes) -> list[tuple[str, bytes]]:
    """(file name, bytes) of every member's form, in the config's order, each identity signed with ``signing_key``."""
    return [(file_name(p), form_bytes(config, sheet, p, generated_at, key)) for p in config.provinces]
