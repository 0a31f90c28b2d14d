"""The scoring rules: totals, shared ranks, tie-breaks, votes and awards."""

from __future__ import annotations

import random
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lib.core.config import Award
from lib.core.model import Kind, ProvinceCode, Scoresheet
from lib.core.scoring import Rules, province_totals, rank
from tests.sheets import PROVINCES, criterion, sheet

FLAG = Award("Cờ thi đua của Chính phủ", 1, 1)
MERIT = Award("Bằng khen của Thủ tướng Chính phủ", 2, 4)
RULES = Rules(awards=(FLAG, MERIT))


def order(standings) -> list[tuple[str, int]]:
    return [(s.code, s.rank) for s in standings]


def test_total_adds_standard_and_bonus_and_deducts_penalty():
    crits = [criterion("1.1"), criterion("6.1", "VI. Thưởng", "3", Kind.BONUS),
             criterion("7.1", "VII. Trừ", "5", Kind.PENALTY)]
    totals = province_totals(sheet(crits, {"51": {"1.1": "9.5", "6.1": 2, "7.1": "1.25"}}), "51", Rules())
    assert totals.agreed_total == Decimal("10.25")


def test_agreed_score_replaces_self_score_and_blank_agreed_is_provisional():
    crits = [criterion("1.1"), criterion("1.2")]
    s = sheet(crits, {"51": {"1.1": 9, "1.2": 8}}, agreed={"51": {"1.1": "7.5"}})
    totals = province_totals(s, "51", Rules())
    assert (totals.self_total, totals.agreed_total, totals.provisional) == (17, Decimal("15.5"), True)
    s = sheet(crits, {"51": {"1.1": 9, "1.2": 8}}, agreed={"51": {"1.1": "7.5", "1.2": 8}})
    assert province_totals(s, "51", Rules()).provisional is False


def test_missing_self_score_is_counted_as_missing_not_hidden():
    s = sheet([criterion("1.1"), criterion("1.2")], {"51": {"1.1": 9}})
    totals = province_totals(s, "51", Rules())
    assert totals.missing == 1 and totals.agreed_total == 9 and totals.provisional


def test_bonus_cap_limits_the_bonus_sum_only():
    crits = [criterion("1.1"), criterion("6.1", "VI", "3", Kind.BONUS), criterion("6.2", "VI", "3", Kind.BONUS)]
    s = sheet(crits, {"51": {"1.1": 9, "6.1": 3, "6.2": "2.5"}})
    assert province_totals(s, "51", Rules(bonus_cap=Decimal(5))).agreed_total == Decimal("14")
    assert province_totals(s, "51", Rules(bonus_cap=Decimal(6))).agreed_total == Decimal("14.5")


def test_float_like_sums_do_not_split_a_true_tie():
    # 0.1 + 0.2 vs 0.3: in floats they differ, and a tie would be broken by noise.
    crits = [criterion("1.1"), criterion("1.2"), criterion("1.3")]
    s = sheet(crits, {"51": {"1.1": "0.1", "1.2": "0.2", "1.3": 0}, "49": {"1.1": "0.3", "1.2": 0, "1.3": 0}})
    standings = rank(s, RULES)
    assert [x.rank for x in standings] == [1, 1] and all(x.shared for x in standings)


def test_a_tie_decided_by_one_hundredth():
    crits = [criterion("1.1")]
    s = sheet(crits, {"51": {"1.1": "9.01"}, "49": {"1.1": "9.00"}})
    assert order(rank(s, RULES)) == [("51", 1), ("49", 2)]


def test_equal_totals_share_a_rank_and_the_next_rank_is_skipped():
    s = sheet([criterion("1.1")], {"49": {"1.1": 9}, "51": {"1.1": 8}, "52": {"1.1": 8}, "54": {"1.1": 7}})
    assert [x.rank for x in rank(s, Rules())] == [1, 2, 2, 4]


TIE_BREAK_CASES = {
    # precedence: expected order of 49 and 51, who have equal totals (19) but differ by group
    (): [("49", 1), ("51", 1)],
    ("I",): [("51", 1), ("49", 2)],
    ("II",): [("49", 1), ("51", 2)],
    ("III", "II"): [("49", 1), ("51", 2)],  # III is equal, II decides
}


@pytest.mark.parametrize("precedence,expected", TIE_BREAK_CASES.items())
def test_tie_break_groups_in_configured_order(precedence, expected):
    crits = [criterion("1.1", "I. Kinh tế"), criterion("2.1", "II. Xã hội"), criterion("3.1", "III. An ninh")]
    s = sheet(crits, {"49": {"1.1": 8, "2.1": 6, "3.1": 5}, "51": {"1.1": 9, "2.1": 5, "3.1": 5}})
    result = sorted(order(rank(s, Rules(tie_break_groups=precedence))), key=lambda r: (r[1], r[0]))
    assert result == expected


def test_tie_broken_by_a_rule_names_the_deciding_group():
    crits = [criterion("1.1", "I. Kinh tế"), criterion("2.1", "II. Xã hội")]
    s = sheet(crits, {"49": {"1.1": 8, "2.1": 6}, "51": {"1.1": 9, "2.1": 5}})
    standings = rank(s, Rules(tie_break_groups=("I",)))
    assert standings[0].decided_by == "I. Kinh tế" and not standings[0].needs_vote


@pytest.mark.parametrize(
    "scores,needs_vote,awards",
    [
        # a tie for first straddles Flag / Certificate: a vote is needed
        ({"49": 9, "51": 9, "52": 8}, {"49", "51"}, {"49": FLAG.name, "51": FLAG.name, "52": MERIT.name}),
        # a tie inside the Certificate band needs no vote
        ({"49": 10, "51": 9, "52": 9, "54": 1}, set(), {"49": FLAG.name, "51": MERIT.name, "52": MERIT.name,
                                                         "54": MERIT.name}),
        # a tie on the 4/5 line straddles Certificate / none
        ({"49": 10, "51": 9, "52": 8, "54": 7, "56": 7}, {"54", "56"},
         {"49": FLAG.name, "51": MERIT.name, "52": MERIT.name, "54": MERIT.name, "56": MERIT.name}),
        # a tie below every award needs no vote
        ({"49": 10, "51": 9, "52": 8, "54": 7, "56": 6, "58": 5, "62": 5}, set(),
         {"49": FLAG.name, "51": MERIT.name, "52": MERIT.name, "54": MERIT.name, "56": None, "58": None,
          "62": None}),
    ],
)
def test_needs_vote_only_when_an_unbroken_tie_straddles_an_award_line(scores, needs_vote, awards):
    s = sheet([criterion("1.1")], {code: {"1.1": v} for code, v in scores.items()})
    standings = rank(s, RULES)
    assert {x.code for x in standings if x.needs_vote} == needs_vote
    assert {x.code: x.award for x in standings} == awards
    assert all(x.award_final == (x.award is not None and x.code not in needs_vote) for x in standings)


# ---------------------------------------------------------------- properties

scores = st.decimals(min_value=0, max_value=10, places=2, allow_nan=False, allow_infinity=False)
kinds = st.sampled_from(list(Kind))


@st.composite
def scoresheets(draw) -> Scoresheet:
    n_provinces = draw(st.integers(2, len(PROVINCES)))
    n_criteria = draw(st.integers(1, 8))
    crits = [criterion(f"{i}.1", f"{'I' * (1 + i % 3)}. Nhóm", "10", draw(kinds)) for i in range(n_criteria)]
    members = PROVINCES[:n_provinces]
    self_scores = {}
    agreed = {}
    for p in members:
        for c in crits:
            if draw(st.integers(0, 9)):  # one in ten self-scores missing
                self_scores[(c.code, p.code)] = draw(scores)
            if draw(st.booleans()):
                agreed[(c.code, p.code)] = draw(scores)
    return Scoresheet(tuple(crits), members, self_scores, agreed)


rules = st.builds(
    Rules,
    awards=st.just((FLAG, MERIT)),
    tie_break_groups=st.sampled_from([(), ("I",), ("II", "I")]),
    bonus_cap=st.one_of(st.none(), st.decimals(min_value=0, max_value=15, places=2)),
)


def summary(standings) -> dict[str, tuple]:
    return {s.code: (s.agreed_total, s.self_total, s.rank, s.shared, s.needs_vote, s.award) for s in standings}


@settings(max_examples=150, deadline=None)
@given(scoresheets(), rules, st.randoms())
def test_permuting_provinces_or_criteria_never_changes_totals_or_ranks(s, r, rnd: random.Random):
    provinces, criteria = list(s.provinces), list(s.criteria)
    rnd.shuffle(provinces)
    rnd.shuffle(criteria)
    shuffled = Scoresheet(tuple(criteria), tuple(provinces), s.self_scores, s.agreed)
    assert summary(rank(shuffled, r)) == summary(rank(s, r))


@settings(max_examples=150, deadline=None)
@given(scoresheets(), rules, st.data())
def test_adding_a_bonus_never_lowers_a_rank(s, r, data):
    bonus = criterion("9.9", "IX. Thưởng", "10", Kind.BONUS)
    target = data.draw(st.sampled_from([p.code for p in s.provinces]))
    points = data.draw(st.decimals(min_value=0, max_value=10, places=2))
    before = {x.code: x.rank for x in rank(s, r)}
    with_bonus = Scoresheet((*s.criteria, bonus), s.provinces, {**s.self_scores, ("9.9", target): points},
                            s.agreed)
    after = {x.code: x.rank for x in rank(with_bonus, r)}
    assert after[target] <= before[target]


@settings(max_examples=150, deadline=None)
@given(scoresheets(), rules)
def test_total_equals_the_sum_of_group_subtotals_less_the_bonus_cut(s, r):
    for standing in rank(s, r):
        assert standing.agreed_total == sum(standing.group_agreed.values(), Decimal(0)) - standing.bonus_cut
        if r.bonus_cap is None:
            assert standing.agreed_total == sum(standing.group_agreed.values(), Decimal(0))


@settings(max_examples=100, deadline=None)
@given(scoresheets(), rules)
def test_ranks_are_competition_ranks(s, r):
    standings = rank(s, r)
    for position, standing in enumerate(standings, start=1):
        higher = [x for x in standings if x.rank < standing.rank]
        assert standing.rank == len(higher) + 1
        assert standing.rank <= position
    totals = [x.agreed_total for x in standings]
    assert totals == sorted(totals, reverse=True)
    assert {x.code for x in standings} == {ProvinceCode(p.code) for p in s.provinces}
