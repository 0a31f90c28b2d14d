"""Totals, ranks, ties and awards: the cluster's scoring rules, in exact arithmetic.

Province total = Σ standard + Σ bonus (capped by the config) − Σ penalty, over agreed
scores, the computed score (else the self-score) standing in where a score is not yet
agreed (the total is then provisional). The self total takes the ``TuCham`` entry, else
the computed score. Ranks are shared by equal keys ("1, 2, 2, 4"); the key is the total, then
the sum of each tie-break group in the configured order. A tie left after every rule
that straddles an award line needs a vote, and that award is not final. Provinces that show
the same total at two decimals yet hold different places carry the reason (``lib.core.order``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from lib.core.config import Award, ClusterConfig
from lib.core.model import Kind, Problem, Province, Scoresheet, Standing, Vote
from lib.core.order import with_reasons
from lib.core.text import fold, vietnamese_sort_key
from lib.core.votes import settling_vote, vote_order

ZERO = Decimal(0)


@dataclass(frozen=True)
class Rules:
    """The scoring rules taken from a cluster's configuration."""

    awards: tuple[Award, ...] = ()
    tie_break_groups: tuple[str, ...] = ()
    bonus_cap: Decimal | None = None
    majority: str = "more_than_half_present"

    @classmethod
    def from_config(cls, config: ClusterConfig) -> Rules:
        """The rules of ``config``."""
        return cls(config.awards, config.tie_break_groups, config.bonus_cap, config.vote_majority)

    def award_for(self, position: int) -> str | None:
        """The award proposed for a province in ``position`` (1-based), if any."""
        return next((a.name for a in self.awards if a.from_rank <= position <= a.to_rank), None)


@dataclass(frozen=True)
class Totals:
    """One province's sums: per group, self and agreed, with the bonus cap applied."""

    group_self: Mapping[str, Decimal]
    group_agreed: Mapping[str, Decimal]
    bonus_cut_self: Decimal
    bonus_cut_agreed: Decimal
    provisional: bool
    missing: int

    @property
    def self_total(self) -> Decimal:
        """Σ group subtotals of self-scores, less the bonus beyond the cap."""
        return sum(self.group_self.values(), ZERO) - self.bonus_cut_self

    @property
    def agreed_total(self) -> Decimal:
        """Σ group subtotals of the scores that count now, less the bonus beyond the cap."""
        return sum(self.group_agreed.values(), ZERO) - self.bonus_cut_agreed


def province_totals(sheet: Scoresheet, province: str, rules: Rules) -> Totals:
    """The sums of one province."""
    group_self = dict.fromkeys(sheet.groups(), ZERO)
    group_agreed = dict(group_self)
    bonus_self = bonus_agreed = ZERO
    provisional = False
    missing = 0
    for criterion in sheet.criteria:
        key = (criterion.code, province)
        own = sheet.own(key)  # the TuCham entry, else the computed score
        agreed = sheet.agreed.get(key)
        counted = sheet.score(key)  # agreed, else computed, else the TuCham entry
        missing += own is None
        provisional |= agreed is None
        group_self[criterion.group] += criterion.kind.sign * (own or ZERO)
        group_agreed[criterion.group] += criterion.kind.sign * (counted or ZERO)
        if criterion.kind is Kind.BONUS:
            bonus_self += own or ZERO
            bonus_agreed += counted or ZERO
    return Totals(
        group_self,
        group_agreed,
        _beyond_cap(bonus_self, rules.bonus_cap),
        _beyond_cap(bonus_agreed, rules.bonus_cap),
        provisional,
        missing,
    )


def _beyond_cap(bonus: Decimal, cap: Decimal | None) -> Decimal:
    return max(bonus - cap, ZERO) if cap is not None else ZERO


def tie_break_groups(groups: Sequence[str], wanted: Sequence[str]) -> list[str | None]:
    """The workbook group each configured tie-break name refers to (None when absent).

    A name matches a group by its whole name or by the label before its first dot:
    ``"I"`` and ``"I. Phát triển kinh tế"`` both mean the group ``I. Phát triển kinh tế``.

    >>> tie_break_groups(["I. Kinh tế", "II. Xã hội"], ["II", "i. kinh te", "IX"])
    ['II. Xã hội', 'I. Kinh tế', None]
    """
    result: list[str | None] = []
    for name in wanted:
        result.append(
            next((g for g in groups if fold(name) in (fold(g), fold(g.split(".", 1)[0]))), None)
        )
    return result


def rule_problems(sheet: Scoresheet, rules: Rules) -> list[Problem]:
    """Configured tie-break groups that the workbook does not have."""
    found = tie_break_groups(sheet.groups(), rules.tie_break_groups)
    return [
        Problem.warning("scoring.tie_break_groups", "rules.unknown_tie_break_group", name=name)
        for name, group in zip(rules.tie_break_groups, found, strict=True)
        if group is None and sheet.criteria
    ]


def rank(sheet: Scoresheet, rules: Rules, provinces: Sequence[Province] | None = None) -> tuple[Standing, ...]:
    """The standings of ``provinces`` (all of the sheet's by default), best first."""
    members = list(provinces if provinces is not None else sheet.provinces)
    totals = {p.code: province_totals(sheet, p.code, rules) for p in members}
    groups = tie_break_groups(sheet.groups(), rules.tie_break_groups)

    def key(code: str) -> tuple[Decimal, ...]:
        t = totals[code]
        return (t.agreed_total, *(t.group_agreed[g] if g else ZERO for g in groups))

    keys = {p.code: key(p.code) for p in members}
    order = sorted(members, key=lambda p: (tuple(-k for k in keys[p.code]), vietnamese_sort_key(p.name)))
    voted = _voted_places(keys, sheet.votes, rules.majority)
    standings = []
    for province in order:
        t, k = totals[province.code], keys[province.code]
        position = 1 + sum(other > k for other in keys.values())
        size = sum(other == k for other in keys.values())
        awards = {rules.award_for(pos) for pos in range(position, position + size)}
        decided_by = _decided_by(k, keys.values(), groups)
        if province.code in voted:
            position, size, awards, decided_by = position + voted[province.code][0], 1, set(), VOTE
        standings.append(
            Standing(
                province=province,
                self_total=t.self_total,
                agreed_total=t.agreed_total,
                provisional=t.provisional,
                rank=position,
                shared=size > 1,
                needs_vote=len(awards) > 1,
                award=rules.award_for(position),
                group_self=t.group_self,
                group_agreed=t.group_agreed,
                bonus_cut=t.bonus_cut_agreed,
                missing=t.missing,
                decided_by=decided_by,
            )
        )
    standings.sort(key=lambda s: s.rank)  # stable: a vote may reorder provinces within their tie
    return with_reasons(standings, sheet, groups, {code: vote_id for code, (_, vote_id) in voted.items()})


VOTE = "biểu quyết"
"""``Standing.decided_by`` when a recorded vote settled a tie."""


def _voted_places(keys: dict[str, tuple[Decimal, ...]], votes: Sequence[Vote],
                  majority: str) -> dict[str, tuple[int, str]]:
    """For provinces whose unbroken tie a vote settled: their offset within the tie (0 = first), the vote's id."""
    places: dict[str, tuple[int, str]] = {}
    for key in set(keys.values()):
        tied = frozenset(code for code, k in keys.items() if k == key)
        vote = settling_vote(votes, tied) if len(tied) > 1 else None
        order = vote_order(vote, majority) if vote else None
        if order:
            places.update({code: (offset, vote.id) for offset, code in enumerate(order)})
    return places


def _decided_by(own: tuple[Decimal, ...], keys: Iterable[tuple[Decimal, ...]], groups: list[str | None]) -> str | None:
    """The tie-break group that separated this province from one with the same total."""
    deciding = [
        next(i for i in range(1, len(own)) if own[i] != other[i])
        for other in keys
        if other[0] == own[0] and other != own
    ]
    return groups[min(deciding) - 1] if deciding else None
