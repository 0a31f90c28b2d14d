"""Margins to the award lines: the leader, the last, ties on a line, a province outside the awards."""

from __future__ import annotations

from decimal import Decimal

from lib.core.config import Award
from lib.core.margins import Gap, margins
from lib.core.scoring import Rules, rank
from lib.present.status import margin_text
from tests.sheets import PROVINCES, criterion, sheet

FLAG, MERIT = Award("Cờ", 1, 1), Award("Bằng khen", 2, 4)
AWARDS = (FLAG, MERIT)
D = Decimal


def ranked(totals: dict[str, str]):
    s = sheet([criterion("1.1", max_points="100")], {code: {"1.1": value} for code, value in totals.items()})
    return rank(s, Rules(awards=AWARDS))


def by_code(standings):
    return {m.code: m for m in margins(standings, AWARDS)}


def test_the_leader_needs_nothing_and_leads_the_second():
    codes = [p.code for p in PROVINCES][:6]
    m = by_code(ranked(dict(zip(codes, ["90", "85", "80", "75", "70", "60"], strict=True))))
    assert m[codes[0]].needs is None and m[codes[0]].leads == Gap(2, D(5))


def test_a_certificate_holder_needs_the_flag_line_and_leads_the_fifth():
    codes = [p.code for p in PROVINCES][:6]
    m = by_code(ranked(dict(zip(codes, ["90", "85", "80", "75", "70.5", "60"], strict=True))))
    assert m[codes[1]].needs == Gap(1, D(5)) and m[codes[1]].leads == Gap(5, D("14.5"))
    assert m[codes[3]].needs == Gap(1, D(15)) and m[codes[3]].leads == Gap(5, D("4.5"))


def test_outside_the_awards_the_line_is_the_last_award_place():
    codes = [p.code for p in PROVINCES][:6]
    m = by_code(ranked(dict(zip(codes, ["90", "85", "80", "75", "73.75", "60"], strict=True))))
    assert m[codes[4]].needs == Gap(4, D("1.25")) and m[codes[4]].leads is None
    assert m[codes[5]].needs == Gap(4, D(15)), "the last is measured to the award line too"


def test_a_tie_on_the_award_line_is_level_both_ways():
    codes = [p.code for p in PROVINCES][:6]
    standings = ranked(dict(zip(codes, ["90", "85", "80", "75", "75", "60"], strict=True)))
    m = by_code(standings)
    fourth, fifth = standings[3], standings[4]
    assert fourth.needs_vote and fifth.needs_vote
    assert fourth.rank == fifth.rank == 4
    # both are 4th: each is level with place 4 (it said "level with place 5", a place nobody holds)
    assert m[fourth.code].leads == Gap(4, D(0)), "level with the other 4th, in the 5th row"
    assert m[fifth.code].leads == Gap(4, D(0)), "and that one level with the 4th: neither is ahead"
    assert margin_text(m[fourth.code], True) == margin_text(m[fifth.code], True) == "bằng điểm hạng 4"


def test_fewer_provinces_than_award_places_have_no_line_below():
    codes = [p.code for p in PROVINCES][:3]
    m = by_code(ranked(dict(zip(codes, ["90", "85", "80"], strict=True))))
    assert m[codes[2]].leads is None and m[codes[2]].needs == Gap(1, D(10))
