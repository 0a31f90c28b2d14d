"""Why a province sits above or below one showing the same total, in words (pure).

The reasons are decided once in the core (``lib.core.order``); every surface words them
here, so the ranking, the projector, the delegates' view, ``/live`` and the papers agree.
The long form names the other province, the short one (the projector's bars) only the
facts: ``⚖ nhóm II: 45,50 > 45,25`` or ``hơn 0,0001 (ThongNhat!D7)``. Sums and differences
are written with every decimal they have, since two would hide exactly what decided.
"""

from __future__ import annotations

from collections.abc import Sequence

from lib.core.model import ORDER_BELOW_DISPLAY, ORDER_TIE_BREAK, HiddenDecimal, OrderReason, Standing
from lib.present.catalogue import t
from lib.present.formatting import vn_exact, vn_number


def group_label(group: str) -> str:
    """A group's label before its first dot: ``II`` for ``II. Văn hóa – xã hội``.

    >>> group_label("II. Văn hóa – xã hội"), group_label("Kinh tế")
    ('II', 'Kinh tế')
    """
    return group.split(".", 1)[0].strip() if "." in group else group


def cell_text(cell: HiddenDecimal, names: dict[str, str], lang: str = "vi", short: bool = False) -> str:
    """``ThongNhat!D7`` (short), ``1.2 ThongNhat!D7 = 3,5001`` (long); a value in no cell by criterion and province."""
    if short and cell.cell:
        return cell.cell
    if not cell.cell:
        return t("order.no_cell", lang, criterion=cell.criterion, name=names.get(cell.province, cell.province),
                 value=vn_exact(cell.value))
    return f"{cell.criterion} {cell.cell} = {vn_exact(cell.value)}"


def _cells(cells: Sequence[HiddenDecimal], names: dict[str, str], lang: str, short: bool) -> str:
    if not cells:
        return ""
    listed = ", ".join(cell_text(c, names, lang, short) for c in cells)
    return f" ({listed})" if short else t("order.cells", lang, cells=listed)


def reason_text(reason: OrderReason, names: dict[str, str] | None = None, lang: str = "vi",
                short: bool = False) -> str:
    """One reason in words (``names``: province code → name, for a value in no cell)."""
    names = names or {}
    side = "ahead" if reason.ahead else "behind"
    cells = _cells(reason.cells, names, lang, short)
    if reason.kind == ORDER_TIE_BREAK:
        group = reason.group or ""
        own, other = vn_exact(reason.own_sum or 0), vn_exact(reason.other_sum or 0)
        if short:
            return t("order.short.tie_break", lang, group=group_label(group), own=own,
                     sign=">" if reason.ahead else "<", other=other) + cells
        return t(f"order.tie_break.{side}", lang, name=reason.other.name, group=group, own=own, other=other,
                 cells=cells)
    if reason.kind == ORDER_BELOW_DISPLAY:
        points = vn_exact(abs(reason.difference))
        if short:
            return t(f"order.short.{side}", lang, points=points, cells=cells)
        return t(f"order.below.{side}", lang, name=reason.other.name, points=points, cells=cells)
    if short:
        return t("order.short.vote", lang, vote=reason.vote)
    return t(f"order.vote.{side}", lang, name=reason.other.name, vote=reason.vote)


def reasons_text(standing: Standing, names: dict[str, str] | None = None, lang: str = "vi",
                 short: bool = False) -> str:
    """Every order reason of ``standing``, joined (empty when it shows a total no neighbour shows)."""
    return ("; " if not short else " · ").join(reason_text(r, names, lang, short) for r in standing.order_reasons)


def order_sentences(standings: Sequence[Standing], names: dict[str, str] | None = None,
                    lang: str = "vi") -> list[str]:
    """One sentence per pair of places showing the same total, from the upper province's side (for papers)."""
    sentences = []
    for s in standings:
        for reason in (r for r in s.order_reasons if r.ahead):
            sentences.append(t("order.sentence", lang, upper=s.province.name, lower=reason.other.name,
                               total=vn_number(s.agreed_total), reason=reason_text(reason, names, lang)))
    return sentences

