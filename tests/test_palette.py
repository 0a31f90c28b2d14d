"""The award palette stays readable under colour-vision deficiency and on a washed-out projector."""

from __future__ import annotations

import pytest

from lib.present.palette import (
    AWARD_COLOURS,
    NO_AWARD_COLOUR,
    PROJECTOR_BACKGROUND,
    VIEWS,
    contrast,
    delta_e,
    hex_rgb,
    min_difference,
    simulate,
    text_colour,
)

MIN_DELTA_E = 15.0
"""CIE76 ΔE: about 2.3 is just noticeable; 15 is two colours nobody mistakes at a glance."""

BANDS = (*AWARD_COLOURS, NO_AWARD_COLOUR)


@pytest.mark.parametrize("view", sorted(VIEWS))
def test_every_pair_of_award_colours_stays_apart(view):
    assert min_difference(BANDS, VIEWS[view]) >= MIN_DELTA_E


@pytest.mark.parametrize("colour", BANDS)
def test_text_on_every_bar_has_at_least_7_to_1(colour):
    assert contrast(colour, text_colour(colour)) >= 7.0


def test_labels_on_the_projector_background_have_at_least_7_to_1():
    assert contrast("#ffffff", PROJECTOR_BACKGROUND) >= 7.0


def test_the_simulation_merges_red_and_green_for_a_deuteranope():
    """The model is not a no-op: pure red and green, far apart normally, come close without green cones."""
    normal = delta_e(hex_rgb("#d62728"), hex_rgb("#2ca02c"))
    seen = delta_e(simulate("#d62728", "deuteranopia"), simulate("#2ca02c", "deuteranopia"))
    assert normal > 70 and seen < normal / 3


def test_the_old_palette_would_have_failed():
    """The red/blue/teal/purple set this replaces falls below the bar for a deuteranope."""
    old = ("#c8102e", "#1f5fae", "#2a9d8f", "#7b5ea7", "#8a8f98")
    assert min_difference(old, VIEWS["deuteranopia"]) < MIN_DELTA_E
