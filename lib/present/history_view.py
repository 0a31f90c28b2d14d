"""Last year beside this year, in words: the cells and notes the ranking, the delegates, /live and the summary show.

Pure: a ``lib.core.history.Comparison`` in, text and plain values out. A province new to the
cluster says so instead of a change; changed criteria are said once, and no total change is shown.
"""

from __future__ import annotations

from lib.core.history import Beside, Comparison, CriteriaChange
from lib.present.catalogue import t
from lib.present.formatting import two_decimals, vn_number


def change_text(row: Beside, lang: str = "vi") -> str:
    """``tăng 3 bậc · vươn lên mạnh nhất``, ``giảm 1 bậc``, ``giữ hạng`` or ``mới vào Cụm, không so sánh``."""
    if row.change is None:
        return t("history.new", lang)
    words = (t("history.up", lang, n=row.change) if row.change > 0 else
             t("history.down", lang, n=-row.change) if row.change < 0 else t("history.same", lang))
    return words + (" · " + t("history.top", lang) if row.top_rise else "")


def last_text(row: Beside) -> str:
    """``5 (90,75)``: last year's rank and agreed total, or a dash for a province new to the cluster."""
    return "–" if row.last_rank is None or row.last_total is None else f"{row.last_rank} ({vn_number(row.last_total)})"


def criteria_words(change: CriteriaChange) -> str:
    """``thêm 9.1; đổi tên 1.3``: what differs between the two years' criteria, by code."""
    return "; ".join(f"{word} {', '.join(codes)}" for word, codes in (
        ("thêm", change.added), ("bỏ", change.removed), ("đổi tên", change.renamed),
        ("đổi điểm chuẩn", change.rescored)) if codes)


def notes(comparison: Comparison, lang: str = "vi") -> list[str]:
    """The sentences under the table: changed criteria (totals not compared)."""
    if comparison.criteria.changed:
        return [t("history.criteria", lang, what=criteria_words(comparison.criteria))]
    return []


def json_field(comparison: Comparison | None, code: str) -> dict | None:
    """The ``last_year`` object of a standing in the live JSON (None without ``[history]``)."""
    if comparison is None or code not in comparison.rows:
        return None
    row = comparison.rows[code]
    return {"rank": row.last_rank, "agreed_total": two_decimals(row.last_total) if row.last_total is not None else None,
            "change": row.change, "new": row.new, "top_rise": row.top_rise,
            "criteria_changed": comparison.criteria.changed}
