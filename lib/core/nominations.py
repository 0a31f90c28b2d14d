"""Nominating next year's cluster leader and deputy (Cụm trưởng, Cụm phó) — pure rules.

A nomination is kept in the workbook's ``DeCu`` [``Nominations``] tab, one row per
candidate (columns in ``lib.core.grammar.NOMINATIONS``), apart from ``BieuQuyet`` so it can
never be taken for a vote settling a tie. The preliminary meeting's proposal ("dự kiến")
names the candidates with no counts; the official session's vote ("chính thức") records
present, ballots and votes, and elects the candidate who reaches the config's
``[voting] majority`` of those present, alone at the top.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

from lib.core.model import DEPUTY, ELECTION, LEADER, PROPOSAL, Nomination, Params
from lib.core.votes import MAJORITIES

POSTS = (LEADER, DEPUTY)
STAGES = (PROPOSAL, ELECTION)


def elected(nomination: Nomination, majority: str = "more_than_half_present") -> str | None:
    """The candidate this nomination names: a proposal's one candidate, or the vote's winner by majority."""
    if nomination.stage == PROPOSAL:
        return nomination.votes[0][0] if len(nomination.votes) == 1 else None
    if nomination.present <= 0 or not nomination.votes:
        return None
    ranked = sorted(nomination.votes, key=lambda cv: -cv[1])
    if len(ranked) > 1 and ranked[0][1] == ranked[1][1]:
        return None
    if Fraction(ranked[0][1], nomination.present) <= MAJORITIES[majority]:
        return None
    return ranked[0][0]


def nomination_problems(nomination: Nomination) -> list[tuple[str, Params]]:
    """What is inconsistent in the record, as (code, params); empty when it may be written."""
    found: list[tuple[str, Params]] = []
    if nomination.post not in POSTS or nomination.stage not in STAGES:
        found.append(("nomination.unknown", (("post", nomination.post), ("stage", nomination.stage))))
    codes = [code for code, _ in nomination.votes]
    if not codes:
        found.append(("nomination.no_candidate", ()))
    if len(set(codes)) != len(codes):
        found.append(("nomination.twice", ()))
    if nomination.stage == ELECTION:
        if nomination.present <= 0:
            found.append(("nomination.no_present", ()))
        if nomination.ballots > nomination.present:
            found.append(("vote.ballots_over_present", (("vote", nomination.id), ("ballots", nomination.ballots),
                                                       ("present", nomination.present))))
        if sum(n for _, n in nomination.votes) > nomination.ballots:
            found.append(("vote.votes_over_ballots", (("vote", nomination.id),)))
    return found


@dataclass(frozen=True)
class Outcome:
    """Where a post stands: the latest proposal, the latest vote and who that vote elected."""

    post: str
    proposal: Nomination | None
    election: Nomination | None
    elected: str | None  # the vote's winner; None before a vote or when it reached no majority

    @property
    def proposed(self) -> str | None:
        """The proposal's candidate (dự kiến), when there is one."""
        return elected(self.proposal) if self.proposal is not None else None


def outcome(nominations: Sequence[Nomination], post: str, majority: str = "more_than_half_present") -> Outcome:
    """The latest proposal and vote recorded for ``post``."""
    def latest(stage: str) -> Nomination | None:
        return next((n for n in reversed(nominations) if n.post == post and n.stage == stage), None)

    election = latest(ELECTION)
    return Outcome(post, latest(PROPOSAL), election, elected(election, majority) if election else None)
