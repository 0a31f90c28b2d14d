"""Last year beside this year, pure: each province's rank and total then, its change, who rose the most.

The previous year's workbook is parsed with this year's members and ranked among the members
it actually scored (a province with no self or agreed score there was not in the cluster then:
it is *new*, and never given a change as if it had ranked last). When the criteria differ
(a code added, dropped, renamed or given another maximum) the totals are not comparable, so
no total change is given and the difference is said; the change in *rank* still is, since a
rank only compares provinces of one year with each other.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from lib.core.model import Criterion, Scoresheet, Standing
from lib.core.scoring import Rules, rank

RISE_WORDS = "vươn lên mạnh nhất"


@dataclass(frozen=True)
class PastRank:
    """One province's place last year."""

    code: str
    rank: int
    agreed_total: Decimal


@dataclass(frozen=True)
class CriteriaChange:
    """How this year's criteria differ from last year's, by code."""

    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    renamed: tuple[str, ...] = ()  # same code, other text
    rescored: tuple[str, ...] = ()  # same code, other maximum or kind

    @property
    def changed(self) -> bool:
        """True when the totals of the two years are not comparable."""
        return bool(self.added or self.removed or self.renamed or self.rescored)


@dataclass(frozen=True)
class LastYear:
    """Last year's ranking and criteria, read once."""

    label: str  # where it was read from, for the screens
    ranks: Mapping[str, PastRank]
    criteria: tuple[Criterion, ...] = ()


@dataclass(frozen=True)
class Beside:
    """One province this year beside last year."""

    code: str
    last_rank: int | None  # None: not in the cluster last year
    last_total: Decimal | None
    change: int | None  # places risen (negative: fallen); None for a province new to the cluster
    total_change: Decimal | None  # None when new or when the criteria changed
    top_rise: bool = False  # among the largest rises (vươn lên mạnh nhất)

    @property
    def new(self) -> bool:
        """True when the province was not ranked last year."""
        return self.last_rank is None


def criteria_change(last: Sequence[Criterion], now: Sequence[Criterion]) -> CriteriaChange:
    """The codes added, removed, renamed and rescored between last year's criteria and this year's."""
    before, after = {c.code: c for c in last}, {c.code: c for c in now}
    both = [code for code in after if code in before]
    return CriteriaChange(
        added=tuple(c for c in after if c not in before),
        removed=tuple(c for c in before if c not in after),
        renamed=tuple(c for c in both if " ".join(before[c].text.split()) != " ".join(after[c].text.split())),
        rescored=tuple(c for c in both if (before[c].max_points, before[c].kind) != (after[c].max_points,
                                                                                      after[c].kind)),
    )


def last_year(sheet: Scoresheet, rules: Rules, label: str) -> LastYear:
    """Last year's ranking from its parsed ``sheet``, ranked among the members it scored."""
    scored = {code for _, code in (*sheet.self_scores, *sheet.agreed)}
    members = [p for p in sheet.provinces if p.code in scored]
    standings = rank(sheet, rules, members) if members else ()
    ranks = {s.code: PastRank(s.code, s.rank, s.agreed_total) for s in standings}
    return LastYear(label, ranks, sheet.criteria)


@dataclass(frozen=True)
class Comparison:
    """This year's standings beside last year's: one row per province, and how the criteria changed."""

    rows: Mapping[str, Beside]
    criteria: CriteriaChange
    label: str = ""

    def risers(self) -> list[Beside]:
        """The provinces that rose the most (empty when nobody rose), in this year's order."""
        return [b for b in self.rows.values() if b.top_rise]

    def new(self) -> list[str]:
        """The codes of the provinces new to the cluster this year."""
        return [b.code for b in self.rows.values() if b.new]


def compare(history: LastYear, standings: Sequence[Standing], criteria: Sequence[Criterion]) -> Comparison:
    """``standings`` (of this year's ``criteria``) beside ``history``."""
    change = criteria_change(history.criteria, criteria)
    return Comparison(beside(history, standings, change), change, history.label)


def beside(history: LastYear, standings: Sequence[Standing], change: CriteriaChange) -> dict[str, Beside]:
    """Each province of ``standings`` beside last year; the largest positive rises marked ``top_rise``."""
    rows: dict[str, Beside] = {}
    for s in standings:
        past = history.ranks.get(s.code)
        if past is None:
            rows[s.code] = Beside(s.code, None, None, None, None)
            continue
        total = None if change.changed else s.agreed_total - past.agreed_total
        rows[s.code] = Beside(s.code, past.rank, past.agreed_total, past.rank - s.rank, total)
    best = max((b.change for b in rows.values() if b.change is not None), default=0)
    if best > 0:
        rows = {code: Beside(b.code, b.last_rank, b.last_total, b.change, b.total_change, b.change == best)
                for code, b in rows.items()}
    return rows
