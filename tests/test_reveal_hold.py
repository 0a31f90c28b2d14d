"""One reveal for every public view: what ``held_back`` withholds, and that no public document gives it away."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import replace
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lib.core.ceremony import Ceremony, covered, held_back, reveal_steps
from lib.core.config import load_config
from lib.core.model import ORDER_BELOW_DISPLAY, OrderReason
from lib.present.exports import standings_csv
from lib.present.projector_screen import projector_screen
from lib.present.standings_json import encode, live_document
from tests.test_projector_screen import CONFIG, demo_snapshot

SNAP = demo_snapshot()
EVALUATION = SNAP.value
STANDINGS = EVALUATION.standings
STEPS = len(reveal_steps(STANDINGS))
NOW = dt.datetime(2020, 3, 12, 1, 2, tzinfo=dt.UTC)


def document(evaluation, state: Ceremony) -> dict:
    return live_document(evaluation, cluster="c", year=2019, version=1, fetched_at=NOW, stale=False, state=state)


def with_covered_totals_moved(state: Ceremony, by: Decimal):
    """The demo with every covered province's totals (and groups) moved by ``by``: another hidden state."""
    hidden = covered(STANDINGS, state.revealed)
    moved = tuple(
        replace(s, agreed_total=s.agreed_total + by, self_total=s.self_total + by,
                group_agreed={g: v + by for g, v in s.group_agreed.items()}) if s.code in hidden else s
        for s in STANDINGS)
    return replace(EVALUATION, standings=moved)


def totals_of(codes) -> set[str]:
    return {f"{s.agreed_total:.2f}" for s in STANDINGS if s.code in codes}


def test_off_the_ceremony_or_fully_revealed_everything_is_shown():
    assert held_back(STANDINGS, Ceremony()).standings == STANDINGS
    assert not held_back(STANDINGS, Ceremony(active=True, revealed=STEPS)).holding
    assert held_back(STANDINGS, Ceremony(active=False, revealed=0)).margins


@pytest.mark.parametrize("revealed", range(STEPS))
def test_each_step_withholds_exactly_the_projectors_covered_places(revealed):
    state = Ceremony(active=True, revealed=revealed)
    view = held_back(STANDINGS, state)
    hidden = covered(STANDINGS, revealed)
    assert {s.code for s in view.standings} == {s.code for s in STANDINGS} - hidden
    assert sorted(view.covered) == sorted(s.rank for s in STANDINGS if s.code in hidden)
    assert view.holding and not view.margins
    assert view.standings[0].decided_by is None  # its neighbour above is covered


def test_an_order_reason_naming_a_covered_province_is_withheld():
    state = Ceremony(active=True, revealed=1)
    hidden = covered(STANDINGS, 1)
    first = next(i for i, s in enumerate(STANDINGS) if s.code not in hidden)
    above = STANDINGS[first - 1]
    reason = OrderReason(ORDER_BELOW_DISPLAY, above.province, ahead=False, difference=Decimal("-0.004"))
    standings = list(STANDINGS)
    standings[first] = replace(standings[first], order_reasons=(reason,), decided_by="0,004")
    view = held_back(standings, state)
    assert view.standings[0].order_reasons == () and view.standings[0].decided_by is None
    assert held_back(standings, Ceremony()).standings[first].order_reasons == (reason,)


@pytest.mark.parametrize("revealed", range(STEPS))
def test_the_live_document_names_no_covered_province_and_states_no_covered_total(revealed):
    state = Ceremony(active=True, revealed=revealed)
    hidden = covered(STANDINGS, revealed)
    body = encode(document(EVALUATION, state)).decode()
    names = {s.province.name for s in STANDINGS if s.code in hidden}
    assert not any(name in body for name in names) and not any(f'"{code}"' in body for code in hidden)
    rows = document(EVALUATION, state)["standings"]
    assert [r for r in rows if r.get("covered")] == [{"rank": s.rank, "covered": True}
                                                     for s in STANDINGS if s.code in hidden]
    shown_totals = {r["agreed_total"] for r in rows if not r.get("covered")}
    assert "fingerprint" not in document(EVALUATION, state)
    assert shown_totals.isdisjoint(totals_of(hidden) - {f"{s.agreed_total:.2f}" for s in STANDINGS
                                                         if s.code not in hidden})


@settings(max_examples=25, deadline=None)
@given(revealed=st.integers(0, STEPS - 1), by=st.decimals("-3", "3", places=2).filter(lambda d: d != 0))
def test_two_states_differing_only_under_the_cover_give_the_same_document_csv_and_projector(revealed, by):
    """Nothing shown (hence no ETag, no event id) moves when only a covered total moves."""
    state = Ceremony(active=True, revealed=revealed)
    other = with_covered_totals_moved(state, by)
    config = load_config(CONFIG)
    assert document(other, state) == document(EVALUATION, state)
    assert standings_csv(other, state) == standings_csv(EVALUATION, state)
    screen = projector_screen(EVALUATION, config, state, "vi", fetched_at=NOW, stale=False)
    assert projector_screen(other, config, state, "vi", fetched_at=NOW, stale=False) == screen


def test_the_projectors_first_uncovered_row_has_no_gap_to_the_covered_place_above():
    config = load_config(CONFIG)
    state = Ceremony(active=True, revealed=1)
    screen = projector_screen(EVALUATION, config, state, "vi", fetched_at=NOW, stale=False)
    bars = re.findall(r'<div class="rk-bar(?! rk-covered)[^"]*"[^>]*>([^<]*)</div>', screen)
    assert bars and "(−" not in bars[0] and any("(−" in b for b in bars[1:])  # the others keep theirs
    plain = projector_screen(EVALUATION, config, Ceremony(), "vi", fetched_at=NOW, stale=False)
    assert "(−" in re.findall(r'<div class="rk-bar[^"]*"[^>]*>([^<]*)</div>', plain)[len(state_hidden(state))]


def state_hidden(state: Ceremony) -> frozenset[str]:
    return covered(STANDINGS, state.revealed)


def test_the_public_csv_holds_back_the_covered_places_and_the_full_one_does_not():
    state = Ceremony(active=True, revealed=2)
    hidden = state_hidden(state)
    rows = list(csv.reader(io.StringIO(standings_csv(EVALUATION, state).decode("utf-8-sig"))))
    assert len(rows) == len(STANDINGS) + 1
    names = {s.province.name for s in STANDINGS if s.code in hidden}
    assert not any(cell in names for row in rows for cell in row)
    assert [row[:3] for row in rows[1:1 + len(hidden)]] == [[str(s.rank), "", "chưa công bố"]
                                                            for s in STANDINGS if s.code in hidden]
    full = standings_csv(EVALUATION).decode("utf-8-sig")
    assert all(name in full for name in names)
