"""The official session's ceremony: the award reveal and the current agenda item (pure).

The reveal uncovers the award places one step at a time, from the last award rank up to
1st. A step is one rank: provinces sharing a rank (a tie on an award line) are uncovered
together. Places without an award are never covered. ``Ceremony`` is what the secretary's
control screen writes and every projector reads (``lib.edge.ceremony`` keeps it durable):
whether ceremony mode is on, how many steps are uncovered, and the current agenda item.
It works on frozen results; on unfrozen data it is a rehearsal, and the screens say so.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from lib.core.model import Standing


@dataclass(frozen=True)
class Ceremony:
    """The shared state of the session's big screen."""

    active: bool = False  # ceremony mode on: the projector covers what is not yet revealed
    revealed: int = 0  # steps uncovered, 0 (all award places covered) … len(reveal_steps)
    agenda: int | None = None  # index of the current ``[[agenda]]`` item, None before the first


NO_CEREMONY = Ceremony()  # ceremony mode off: nothing covered


def reveal_steps(standings: Sequence[Standing]) -> tuple[int, ...]:
    """The award ranks in the order they are revealed: the last award rank first, 1st last."""
    return tuple(sorted({s.rank for s in standings if s.award is not None}, reverse=True))


def step(ceremony: Ceremony, delta: int, steps: int) -> Ceremony:
    """``ceremony`` with ``delta`` more (or, negative, fewer) steps uncovered, within 0 … ``steps``."""
    return replace(ceremony, revealed=max(0, min(steps, ceremony.revealed + delta)))


def covered(standings: Sequence[Standing], revealed: int) -> frozenset[str]:
    """The codes still covered after ``revealed`` steps (every award place when 0, none when all)."""
    steps = reveal_steps(standings)
    hidden = set(steps[max(revealed, 0):])
    return frozenset(s.code for s in standings if s.award is not None and s.rank in hidden)


def last_revealed(standings: Sequence[Standing], revealed: int) -> tuple[Standing, ...]:
    """The provinces the latest step uncovered (empty before the first step)."""
    steps = reveal_steps(standings)
    if not 0 < revealed <= len(steps):
        return ()
    rank = steps[revealed - 1]
    return tuple(s for s in standings if s.rank == rank and s.award is not None)


def advance_agenda(ceremony: Ceremony, delta: int, items: int) -> Ceremony:
    """``ceremony`` with the current agenda item moved by ``delta``, within the programme."""
    if items <= 0:
        return replace(ceremony, agenda=None)
    current = -1 if ceremony.agenda is None else ceremony.agenda
    moved = max(-1, min(items - 1, current + delta))
    return replace(ceremony, agenda=None if moved < 0 else moved)


@dataclass(frozen=True)
class HeldBack:
    """What a public screen may show while the ceremony covers award places (``held_back``).

    ``standings`` are the uncovered provinces, in rank order, each with the order reasons (and
    the "decided by") that name a covered province taken out; ``covered`` holds one rank per
    covered province, best first, so a screen can keep a placeholder row for each, as the
    projector does. A screen lists ``standings`` on their own: the first of them then has no
    place above it, so no gap to a covered total. ``margins`` is False while anything is
    covered: a margin to an award line names a covered total.
    """

    standings: tuple[Standing, ...]
    covered: tuple[int, ...] = ()

    @property
    def holding(self) -> bool:
        """True while at least one place is covered."""
        return bool(self.covered)

    @property
    def margins(self) -> bool:
        """Whether margins to the award lines may be shown (only when nothing is covered)."""
        return not self.covered


def held_back(standings: Sequence[Standing], state: Ceremony) -> HeldBack:
    """The one rule of the reveal for every public surface: exactly what the projector covers is withheld.

    Off the ceremony (or with every step uncovered) everything is shown; otherwise ``withhold``
    the places ``covered`` by the step reached.
    """
    return withhold(standings, covered(standings, state.revealed) if state.active else frozenset())


def withhold(standings: Sequence[Standing], hidden: frozenset[str]) -> HeldBack:
    """``standings`` without the ``hidden`` provinces and without any trace of their totals.

    The hidden provinces are withheld whole (name, totals, award, groups); from the rest go an
    order reason against a hidden province (it states the difference) and the first shown row's
    "decided by" (it says the total above is the same).
    """
    if not hidden:
        return HeldBack(tuple(standings))
    shown: list[Standing] = []
    for s in standings:
        if s.code in hidden:
            continue
        reasons = tuple(r for r in s.order_reasons if r.other.code not in hidden)
        touches = len(reasons) != len(s.order_reasons) or (not shown and s.decided_by is not None)
        shown.append(replace(s, order_reasons=reasons, decided_by=None if touches else s.decided_by))
    return HeldBack(tuple(shown), tuple(s.rank for s in standings if s.code in hidden))
