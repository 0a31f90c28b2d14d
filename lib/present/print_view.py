"""The printable final standings for the official session (pure: evaluation in, HTML out).

A plain HTML page sized for A4 landscape: title, cluster and year, the standings with
awards, what parted provinces showing the same total, vote and freeze notes, and the
place-and-date line of Vietnamese documents.
Every value from the workbook is escaped.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from html import escape

from lib.core.config import ClusterConfig
from lib.core.evaluation import Evaluation
from lib.present.formatting import rank_label, vn_number
from lib.present.order_text import order_sentences
from lib.present.wording import award_text, freeze_line, names

STYLE = """
@page { size: A4 landscape; margin: 15mm; }
.print-doc { font-family: 'Times New Roman', serif; color: #000; background: #fff; font-size: 14pt; }
.print-doc h1 { font-size: 18pt; text-align: center; margin: 0.2em 0; }
.print-doc .sub { text-align: center; margin: 0 0 0.8em 0; }
.print-doc table { width: 100%; border-collapse: collapse; }
.print-doc th, .print-doc td { border: 1px solid #000; padding: 4px 8px; }
.print-doc th { background: #eee; }
.print-doc td.num { text-align: right; }
.print-doc .note { margin-top: 0.6em; font-style: italic; }
.print-doc .date { text-align: right; margin-top: 1em; font-style: italic; }
@media print { header, [data-testid="stHeader"], [data-testid="stToolbar"] { display: none !important; } }
"""


def date_line(place: str, day: dt.date) -> str:
    """``Quảng Ngãi, ngày 13 tháng 3 năm 2020`` (the place without "Thành phố/tỉnh" prefixes kept as given).

    >>> date_line("Quảng Ngãi", dt.date(2020, 3, 13))
    'Quảng Ngãi, ngày 13 tháng 3 năm 2020'
    """
    return f"{place}, ngày {day.day} tháng {day.month} năm {day.year}"


def print_html(evaluation: Evaluation, config: ClusterConfig, day: dt.date, covered: Sequence[int] = ()) -> str:
    """The standings as a printable HTML fragment (with its own style).

    During the ceremony's reveal the public's page is made from the uncovered standings only, with
    a "chưa công bố" row per ``covered`` rank and no freeze line (its fingerprint moves with the
    covered totals).
    """
    rows = [f"<tr><td>{rank}</td><td>chưa công bố</td><td></td><td></td><td></td></tr>" for rank in covered]
    for s in evaluation.standings:
        award = award_text(s)
        rows.append(
            f"<tr><td>{escape(rank_label(s))}</td><td>{escape(s.province.name)}</td>"
            f"<td class='num'>{vn_number(s.self_total)}</td><td class='num'>{vn_number(s.agreed_total)}</td>"
            f"<td>{escape(award)}</td></tr>"
        )
    frozen = "" if covered else escape(freeze_line(evaluation))
    order = "".join(f"<p class='note'>{escape(line)}</p>"
                    for line in order_sentences(evaluation.standings, names(evaluation)))
    place = config.conference_place.split(",")[0].strip() or config.name
    return (
        f"<style>{STYLE}</style><div class='print-doc'>"
        f"<h1>BẢNG TỔNG HỢP KẾT QUẢ CHẤM ĐIỂM THI ĐUA NĂM {config.year}</h1>"
        f"<p class='sub'>{escape(config.name)}</p>"
        "<table><thead><tr><th>Hạng</th><th>Tỉnh</th><th>Tự chấm</th><th>Thống nhất</th>"
        "<th>Đề nghị khen thưởng</th></tr></thead><tbody>"
        + "".join(rows)
        + f"</tbody></table>{order}<p class='note'>{frozen}</p>"
        f"<p class='date'>{escape(date_line(place, day))}</p></div>"
    )
