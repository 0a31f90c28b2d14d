"""The standings as CSV: one row per province, best first.

Format, decided for programs first:

- UTF-8 with a byte-order mark, so Excel (which otherwise guesses the ANSI code page)
  shows ``Quảng Ngãi`` rather than mojibake; Python reads it with ``encoding="utf-8-sig"``.
- Comma-separated, RFC 4180 quoting, CRLF line ends: what ``csv``, pandas, R, Google
  Sheets and LibreOffice read without options.
- Totals with exactly two decimals and a dot (``95.50``, ``lib.present.formatting.two_decimals``),
  the same strings as the command line's ``--json``, so they compare exactly.

The price: double-clicked in Excel on a Windows set to Vietnamese (list separator ``;``,
decimal comma) the file may open in one column, or show ``95.50`` as text. People who
want the table in Excel use the ``.xlsx`` summary (``lib.present.exports.summary_xlsx``), whose
numbers are real numbers that Excel shows with the machine's own separators (``95,50``).
A semicolon file with ``95,50`` would suit Excel-vi only and be misread by every program.

Columns: ``Hạng`` (integer; a shared rank repeats) · ``Mã`` · ``Tỉnh`` · ``Tự chấm`` ·
``Thống nhất`` · ``Tạm tính`` (có/không) · ``Cần biểu quyết`` (có/không) ·
``Đề nghị khen thưởng`` (the award's name, empty for none) · ``Phân định bởi`` (empty,
``biểu quyết``, or the tie-break group that separated equal totals) · ``Lý do thứ tự khi bằng
điểm hiển thị`` (why a province is above or below one showing the same two-decimal total: the
tie-break group and both sums, the exact difference and the cells holding it, or the vote). Text that a
spreadsheet would take for a formula (starting ``=``, ``+``, ``-``, ``@``, tab or CR) is
prefixed with ``'``.
"""

from __future__ import annotations

import csv
import io

from lib.core.ceremony import NO_CEREMONY, Ceremony, held_back
from lib.core.evaluation import Evaluation
from lib.present.formatting import two_decimals
from lib.present.order_text import reasons_text

HEADER = ("Hạng", "Mã", "Tỉnh", "Tự chấm", "Thống nhất", "Tạm tính", "Cần biểu quyết", "Đề nghị khen thưởng",
          "Phân định bởi", "Lý do thứ tự khi bằng điểm hiển thị")
YES, NO = "có", "không"
COVERED = "chưa công bố"
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_text(text: str) -> str:
    """``text``, prefixed with ``'`` when a spreadsheet would read it as a formula.

    >>> safe_text("Quảng Ngãi"), safe_text("=1+1"), safe_text("@SUM(A1)")
    ('Quảng Ngãi', "'=1+1", "'@SUM(A1)")
    """
    return "'" + text if text.startswith(_FORMULA_START) else text


def standings_csv(evaluation: Evaluation, state: Ceremony = NO_CEREMONY) -> bytes:
    """The standings as UTF-8-with-BOM CSV bytes (see the module docstring for the format).

    While the ceremony ``state`` covers award places, the file holds back what the projector
    covers (``lib.core.ceremony.held_back``): a covered place is its rank and ``chưa công bố``,
    every other column empty; the first row below has no reason naming a covered province.
    """
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(HEADER)
    province_names = {p.code: p.name for p in evaluation.sheet.provinces}
    view = held_back(evaluation.standings, state)
    for rank in view.covered:
        writer.writerow([rank, "", COVERED, "", "", "", "", "", "", ""])
    for s in view.standings:
        writer.writerow([
            s.rank,
            s.code,
            safe_text(s.province.name),
            two_decimals(s.self_total),
            two_decimals(s.agreed_total),
            YES if s.provisional else NO,
            YES if s.needs_vote else NO,
            safe_text(s.award or ""),
            safe_text(s.decided_by or ""),
            safe_text(reasons_text(s, province_names)),
        ])
    return buffer.getvalue().encode("utf-8-sig")
