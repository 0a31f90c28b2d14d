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
