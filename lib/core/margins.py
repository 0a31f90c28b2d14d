"""How far each province is from the next award line, or how far ahead of it.

For every standing: ``needs`` is how many points it lacks to reach the place just better
than its own award band (a province outside the awards: the last award place; a province
in the Certificate band 2–4: place 1), and ``leads`` is how far it is ahead of the first
province below its band (the 4th over the 5th, the 1st over the 2nd). Both are measured
on the exact agreed totals; 0 means level (a tie on the line, which a vote settles).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from lib.core.config import Award
from lib.core.model import Standing


@dataclass(frozen=True)
class Gap:
    """A distance in points to the province in a place, named by its rank (tied provinces share one)."""

    place: int
    points: Decimal


@dataclass(frozen=True)
class Margin:
    """One province's distance to the award line above it and its lead over the line below."""

    code: str
    needs: Gap | None  # points to reach ``needs.place`` (None for the leader)
    leads: Gap | None  # points ahead of ``leads.place`` (None without an award, or nobody below)


def _band(awards: Sequence[Award], place: int) -> Award | None:
    return next((a for a in awards if a.from_rank <= place <= a.to_rank), None)


def margins(standings: Sequence[Standing], awards: Sequence[Award]) -> tuple[Margin, ...]:
    """The margin of every standing, in the order given (best first, as ``rank`` returns them)."""
    totals = [s.agreed_total for s in standings]
    # A place is named by the rank of the province in it: two tied 4th are both "level with place 4",
    # never one "level with place 5", a place nobody holds.
    ranks = [s.rank for s in standings]
    last_award = max((a.to_rank for a in awards), default=0)
    found = []
    for index, standing in enumerate(standings):
        place = index + 1
        band = _band(awards, standing.rank) if standing.award else None
        needs = leads = None
        if band is None:
            target = min(last_award, place - 1)
        else:
            target = band.from_rank - 1
            below = band.to_rank  # 0-based index of the first place below the band
            if index >= below:  # placed past the band's end by a tie that straddles the line
                leads = Gap(ranks[band.to_rank - 1], standing.agreed_total - totals[band.to_rank - 1])
            elif below < len(totals):
                leads = Gap(ranks[below], standing.agreed_total - totals[below])
        if target >= 1:
            needs = Gap(ranks[target - 1], max(totals[target - 1] - standing.agreed_total, Decimal(0)))
        found.append(Margin(standing.code, needs, leads))
    return tuple(found)
