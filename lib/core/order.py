"""Why a province sits above another that shows the same total: decided once, said everywhere.

Every screen and paper shows totals at two decimals, so 91,2501 and 91,25 both read "91,25".
When two such provinces hold different places, the order must not rest on what nobody sees:
each standing carries an ``OrderReason`` against its neighbour above and below that shows the
same rounded total and holds another place. The reason is one of

- a recorded vote that settled an exact tie (its id);
- an exact difference below 0,01, with the cells whose values carry more than two decimals;
- the first tie-break group whose sums differ (both sums; its hidden-decimal cells when the
  two sums look equal too).

Provinces sharing a place get no reason: their equal rank says "bằng điểm" already.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from decimal import ROUND_HALF_UP, Decimal

from lib.core.grammar import address
from lib.core.model import (
    ORDER_BELOW_DISPLAY,
    ORDER_TIE_BREAK,
    ORDER_VOTE,
    HiddenDecimal,
    OrderReason,
    Scoresheet,
    Standing,
)

CENT = Decimal("0.01")


def shown(value: Decimal) -> Decimal:
    """``value`` as the screens show it: half-up at two decimals.

    >>> shown(Decimal("91.2501")), shown(Decimal("91.245")), shown(Decimal("91.2449"))
    (Decimal('91.25'), Decimal('91.25'), Decimal('91.24'))
    """
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def has_hidden_decimals(value: Decimal) -> bool:
    """True when ``value`` is not a whole number of hundredths (two decimals cannot show it).

    >>> has_hidden_decimals(Decimal("3.5001")), has_hidden_decimals(Decimal("3.50")), has_hidden_decimals(Decimal(4))
    (True, False, False)
    """
    return value % CENT != 0


def counted_cell(sheet: Scoresheet, criterion: str, province: str) -> str:
    """The address of the cell whose value counts now (agreed, else the self-score's; empty if computed)."""
    key = (criterion, province)
    if key in sheet.agreed:
        place = sheet.agreed_places.get(key)
    elif key in sheet.computed:
        return ""  # computed scores are rounded to 0,01: they never hide decimals
    else:
        place = sheet.self_places.get(key)
    return address(place.tab, place.row, place.col) if place else ""


def hidden_cells(sheet: Scoresheet, first: str, second: str, group: str | None = None) -> tuple[HiddenDecimal, ...]:
    """The counted scores of ``first`` and ``second`` with hidden decimals, where the two differ.

    Only the criteria of ``group`` when given. A criterion where both hold the same value is
    left out: it cannot part them.
    """
    found = []
    for criterion in sheet.criteria:
        if group is not None and criterion.group != group:
            continue
        values = {code: sheet.score((criterion.code, code)) for code in (first, second)}
        if values[first] == values[second]:
            continue
        for code, value in values.items():
            if value is not None and has_hidden_decimals(value):
                found.append(HiddenDecimal(criterion.code, code, counted_cell(sheet, criterion.code, code), value))
    return tuple(found)


def _reason(upper: Standing, lower: Standing, sheet: Scoresheet, groups: Sequence[str | None],
            votes: Mapping[str, str]) -> OrderReason | None:
    """Why ``upper`` is placed above ``lower`` (from ``upper``'s side), or None when nothing parts them."""
    difference = upper.agreed_total - lower.agreed_total
    vote = votes.get(upper.code)
    if vote and votes.get(lower.code) == vote and not difference:
        return OrderReason(ORDER_VOTE, lower.province, True, difference, vote=vote)
    if difference:
        return OrderReason(ORDER_BELOW_DISPLAY, lower.province, True, difference,
                           cells=hidden_cells(sheet, upper.code, lower.code))
    for group in groups:
        if group is None:
            continue
        own, other = upper.group_agreed[group], lower.group_agreed[group]
        if own != other:
            cells = hidden_cells(sheet, upper.code, lower.code, group) if shown(own) == shown(other) else ()
            return OrderReason(ORDER_TIE_BREAK, lower.province, True, difference, group, own, other, cells)
    return None


def _flipped(reason: OrderReason, upper: Standing) -> OrderReason:
    """The same reason from the lower province's side."""
    return dataclasses.replace(reason, other=upper.province, ahead=False, difference=-reason.difference,
                               own_sum=reason.other_sum, other_sum=reason.own_sum)


def with_reasons(standings: Sequence[Standing], sheet: Scoresheet, groups: Sequence[str | None],
                 votes: Mapping[str, str]) -> tuple[Standing, ...]:
    """``standings`` (best first) with their ``order_reasons`` filled in.

    ``groups`` are the workbook groups of the tie-break rules in order (None: a rule naming no
    group); ``votes`` the id of the vote that settled each voted province's place.
    """
    reasons: dict[str, list[OrderReason]] = {s.code: [] for s in standings}
    # Rounding is monotonic, so provinces showing one total are contiguous: comparing each
    # place with the place just above it covers every pair.
    for index, lower in enumerate(standings):
        above = [s for s in standings[:index] if s.rank != lower.rank]
        if not above or shown(above[-1].agreed_total) != shown(lower.agreed_total):
            continue
        for upper in (s for s in above if s.rank == above[-1].rank):  # all who share the place above
            reason = _reason(upper, lower, sheet, groups, votes)
            if reason is not None:
                reasons[upper.code].append(reason)
                if upper is above[-1]:
                    reasons[lower.code].append(_flipped(reason, upper))
    return tuple(dataclasses.replace(s, order_reasons=tuple(reasons[s.code])) for s in standings)
