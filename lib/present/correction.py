"""The review page's correction of a target or a result: labels and the lines of computed scores that move.

Pure: ``lib.core.review`` says what moves; this says it in the session's language.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from lib.core.model import Criterion
from lib.core.review import ScoreMove
from lib.present.catalogue import t
from lib.present.formatting import vn_number


def figure_text(value: Decimal | None) -> str:
    """A target or result as the sheet would show it: decimal comma, only the decimals it has.

    >>> figure_text(Decimal("21000")), figure_text(Decimal("-1.25")), figure_text(Decimal("7.50")), figure_text(None)
    ('21.000', '−1,25', '7,5', '—')
    """
    if value is None:
        return "—"
    exponent = value.normalize().as_tuple().exponent
    return vn_number(value, decimals=max(0, -exponent) if isinstance(exponent, int) else 0)


def criterion_label(criterion: Criterion) -> str:
    """``1.5 — Xã đạt chuẩn nông thôn mới`` for the criterion picker."""
    return f"{criterion.code} — {criterion.text}"


def tab_label(tab: str, lang: str = "vi") -> str:
    """``Kết quả (KetQua)`` for a correction's tab."""
    return t(f"fix.tab.{tab}", lang)


def score_move_lines(moves: Sequence[ScoreMove], lang: str = "vi") -> list[str]:
    """One line per computed score that moves, saying when an agreed value keeps the total as it is.

    >>> from lib.core.model import Province, ProvinceCode
    >>> gia_lai = Province(ProvinceCode("64"), "Gia Lai")
    >>> score_move_lines([ScoreMove("1.5", gia_lai, Decimal("4.5"), Decimal("4"), None),
    ...                   ScoreMove("1.5", gia_lai, Decimal("5"), None, Decimal("5"))])
    ['1.5 – Gia Lai: 4,50 → 4,00', '1.5 – Gia Lai: 5,00 → — (đã thống nhất 5,00: tổng không đổi)']
    """
    lines = []
    for move in moves:
        line = t("fix.score_move", lang, criterion=move.criterion, name=move.province.name,
                 old=vn_number(move.old, empty="—"), new=vn_number(move.new, empty="—"))
        if not move.counts:
            line += f" ({t('fix.hidden', lang, agreed=vn_number(move.agreed))})"
        lines.append(line)
    return lines
