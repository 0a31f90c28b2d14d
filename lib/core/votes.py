"""Votes that settle ties the rules cannot break ("bình xét, biểu quyết").

A vote is recorded in the workbook's ``BieuQuyet`` [``Votes``] tab, one row per province
(the columns are in ``lib.core.grammar.VOTES``). It settles the order of exactly the
provinces it names when they are still tied, and only if the winner reaches the majority
the cluster's config asks for (by default more than half of those present).
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction

from lib.core.model import Params, Vote

MAJORITIES = {
    "more_than_half_present": Fraction(1, 2),
    "two_thirds_present": Fraction(2, 3),
}


def vote_order(vote: Vote, majority: str = "more_than_half_present") -> tuple[str, ...] | None:
    """The provinces best first, when the leader has the majority and no two have equal votes."""
    ranked = sorted(vote.votes, key=lambda cv: -cv[1])
    counts = [n for _, n in ranked]
    if len(set(counts)) != len(counts) or vote.present <= 0:
        return None
    if Fraction(ranked[0][1], vote.present) <= MAJORITIES[majority]:
        return None
    return tuple(code for code, _ in ranked)


def vote_problems(vote: Vote) -> list[tuple[str, Params]]:
    """What is inconsistent in the record, as (code, params): more ballots than present, votes than ballots."""
    found: list[tuple[str, Params]] = []
    if len(vote.votes) < 2:
        found.append(("vote.too_few", ()))
    if vote.ballots > vote.present:
        found.append(("vote.ballots_over_present", (("vote", vote.id), ("ballots", vote.ballots),
                                                   ("present", vote.present))))
    if sum(n for _, n in vote.votes) > vote.ballots:
        found.append(("vote.votes_over_ballots", (("vote", vote.id),)))
    return found


def vote_rows(vote: Vote, names: dict[str, str]) -> list[list[object]]:
    """The rows that record ``vote`` in the ``BieuQuyet`` tab, in ``grammar.VOTES`` order."""
    return [[vote.id, vote.time, vote.recorder, vote.present, vote.ballots, code, names.get(code, code), n]
            for code, n in vote.votes]


def settling_vote(votes: Sequence[Vote], tied: frozenset[str]) -> Vote | None:
    """The latest vote about exactly the ``tied`` provinces."""
    return next((v for v in reversed(votes) if v.provinces == tied), None)
