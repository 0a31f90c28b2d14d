"""One number format per language (issue 21, point 8): ``lib.present.formatting.number`` and its users."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from lib.present.formatting import MINUS, number, quantity, score, score_cell, signed

AMOUNTS = st.decimals(min_value=-10**7, max_value=10**7, places=2, allow_nan=False, allow_infinity=False)


@given(AMOUNTS)
def test_vietnamese_and_english_read_back_to_the_same_two_decimal_value(value):
    vi, en = number(value, "vi"), number(value, "en")
    back_vi = Decimal(vi.replace(MINUS, "-").replace(".", "").replace(",", "."))
    back_en = Decimal(en.replace(MINUS, "-").replace(",", ""))
    assert back_vi == back_en == value
    assert "-" not in vi + en, "the minus is U+2212, never a hyphen"
    assert vi.split(",")[-1].isdigit() and len(vi.split(",")[-1]) == 2, "two decimals"


def test_the_issue_s_examples():
    assert score_cell("3.75") == "3,75" and score_cell("4.5") == "4,50"  # the change log
    assert signed(Decimal("-1.5")) == "−1,50" and score(Decimal(8)) == "8,00"  # Bảng điểm
    assert quantity(Decimal(18000)) == "18.000" and quantity(Decimal(18000), "en") == "18,000"
    assert score(Decimal("5.5")) == score(Decimal("5.50")) == "5,50"  # the review grid's two forms
