"""Tests of ``lib.core.cells.parse_score``: one score cell, as typed by a provincial board."""

from __future__ import annotations

import datetime as dt
import unicodedata
from decimal import Decimal

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from lib.core.cells import parse_score
from lib.core.errors import CellParseError, ScoreboardError
from lib.present.catalogue import explain
from tests.wording import raises_saying

VALID_TEXT = [
    # (cell text, score)
    ("9,5", "9.5"),
    ("9.5", "9.5"),
    ("10", "10"),
    ("0", "0"),
    ("0,25", "0.25"),
    ("0.25", "0.25"),
    ("0,1", "0.1"),
    ("7,75", "7.75"),
    ("100", "100"),
    ("999,99", "999.99"),
    ("+9,5", "9.5"),
    ("09,5", "9.5"),
    ("0,000", "0"),  # zero thousands is zero either way: not ambiguous
    ("1.5000", "1.5"),  # four decimals cannot be a thousands group
    ("1000.000", "1000"),  # four digits before the dot: not a thousands group
    # surrounding spaces, NBSP, tabs, newlines
    (" 9,5 ", "9.5"),
    ("\t9,5\n", "9.5"),
    ("\u00a09,5\u00a0", "9.5"),
    ("\u202f9,5\u2009", "9.5"),
    # invisible characters pasted from the web or Word
    ("\u200b9,5", "9.5"),
    ("9,5\ufeff", "9.5"),
    # trailing đ / điểm, in any case, with or without a dot or a space
    ("9,5đ", "9.5"),
    ("9,5 đ", "9.5"),
    ("9,5 đ.", "9.5"),
    ("9,5đ.", "9.5"),
    ("9,5 Đ", "9.5"),
    ("9,5 điểm", "9.5"),
    ("9,5 Điểm", "9.5"),
    ("9,5 ĐIỂM", "9.5"),
    ("9,5 điểm.", "9.5"),
    ("9.5 điểm ", "9.5"),
    ("9,5\u00a0đ", "9.5"),
    ("8 điểm", "8"),
    # text typed on a Mac arrives decomposed (NFD)
    (unicodedata.normalize("NFD", "9,5 điểm"), "9.5"),
    (unicodedata.normalize("NFD", "9,5 Điểm"), "9.5"),
    # a sign is read; the range check (0 ≤ score ≤ max) belongs to lib.core.parse
    ("-1", "-1"),
]

BLANK = [None, "", " ", "   ", "\u00a0", "\t\n", "\u200b"]

INVALID_TEXT = [
    # ambiguous thousands separators: reported, never guessed
    "1.000",
    "1,000",
    "12.500",
    "12,500",
    "100.000",
    "-1.000",
    "1.000,5",
    "1,000.5",
    "1.000.000",
    # spreadsheet errors and formulas
    "#N/A",
    "#n/a",
    "#REF!",
    "#VALUE!",
    "#DIV/0!",
    "#NAME?",
    "#NUM!",
    "#NULL!",
    "#ERROR!",
    "=SUM(",
    "=SUM(B2:B5)",
    "=1+1",
    # words
    "chín",
    "chín rưỡi",
    "đ",
    "điểm",
    "đạt",
    "x",
    "-",
    "—",
    "N/A",
    # non-ASCII digits: int('٣') == 3 in Python, but not here
    "٩,٥",
    "٩",
    "۹",
    "９,５",
    "９",
    "९",
    "²",
    # malformed numbers
    "9,5,5",
    "9.5.5",
    "9,,5",
    "9,5.5",
    "1e3",
    "1E3",
    "9,5e0",
    "inf",
    "nan",
    "Infinity",
    "0x10",
    "1_000",
    ".5",
    ",5",
    "5.",
    "5,",
    "++5",
    "9/10",
    "9,5%",
    "9,5 d",  # "d" alone is not the abbreviation of điểm
    "9,5 đ đ",
    "9,5 điểm điểm",
    # spaces inside the number could be a thousands separator: never guessed
    "9 5",
    "1 000",
    "9\u00a05",
    "9 ,5",
    "9, 5",
    "- 1",
]

NON_STRINGS = [
    True,
    False,
    dt.date(2020, 3, 12),
    dt.datetime(2020, 3, 12, 14, 0),
    dt.time(9, 30),
    dt.timedelta(hours=9),
    float("nan"),
    float("inf"),
    float("-inf"),
    Decimal("NaN"),
    Decimal("sNaN"),
    Decimal("Infinity"),
    b"9,5",
    [9.5],
    (9, 5),
    {"score": 9.5},
    pytest.param(object(), id="object"),  # a stable id: xdist workers must collect alike
    complex(9, 5),
]


@pytest.mark.parametrize(("text", "expected"), VALID_TEXT)
def test_valid_text(text: str, expected: str) -> None:
    assert parse_score(text) == Decimal(expected)


@pytest.mark.parametrize("text", [t for t, _ in VALID_TEXT])
def test_valid_text_is_a_decimal(text: str) -> None:
    assert type(parse_score(text)) is Decimal


@pytest.mark.parametrize(
    ("number", "expected"),
    [
        (0, "0"),
        (8, "8"),
        (10, "10"),
        (-1, "-1"),
        (8.0, "8"),
        (9.5, "9.5"),
        (0.1, "0.1"),
        (0.25, "0.25"),
        (9.1, "9.1"),
        (7.3, "7.3"),
        (-0.0, "0"),
        # a formula's float noise is not part of the score the sheet shows
        (0.1 + 0.2, "0.3"),
        (8.1 + 9.2 + 7.3, "24.6"),
        (1 / 3, "0.333333333333333"),
        (Decimal("9.5"), "9.5"),
        (Decimal("0.1"), "0.1"),
    ],
)
def test_numbers_from_the_sheet(number: object, expected: str) -> None:
    score = parse_score(number)
    assert type(score) is Decimal
    assert score == Decimal(expected)


def test_float_one_tenth_is_exactly_one_tenth() -> None:
    assert parse_score(0.1) == Decimal("0.1")
    assert parse_score(0.1) != Decimal(0.1)  # not the binary approximation


def test_float_noise_cannot_split_a_tie() -> None:
    assert parse_score(0.1 + 0.2) == parse_score(0.3) == parse_score("0,3")


@pytest.mark.parametrize("cell", BLANK)
def test_blank_is_none(cell: object) -> None:
    assert parse_score(cell) is None


@pytest.mark.parametrize("text", INVALID_TEXT)
def test_invalid_text(text: str) -> None:
    with pytest.raises(CellParseError) as info:
        parse_score(text)
    assert repr(text) in str(info.value)


@pytest.mark.parametrize("cell", NON_STRINGS, ids=lambda cell: f"{type(cell).__name__}-{cell!r}")
def test_non_strings(cell: object) -> None:
    with pytest.raises(CellParseError) as info:
        parse_score(cell)
    if isinstance(cell, bool):  # a checkbox: said as the sheet shows it
        assert info.value.code == "cell.boolean" and dict(info.value.params)["value"] == str(cell).upper()
    elif isinstance(cell, (dt.date, dt.time, dt.timedelta)):  # a date in a numeric place: the cell is named
        assert info.value.code == "cell.date_format" and dict(info.value.params)["value"] == str(cell)
    else:
        assert repr(cell) in str(info.value)


def test_cell_parse_error_is_a_value_error_and_ours() -> None:
    with pytest.raises(ValueError):
        parse_score("chín")
    with pytest.raises(ScoreboardError):
        parse_score("chín")


@pytest.mark.parametrize(
    ("text", "readings"),
    [
        ("1.000", ("1 ", " 1000 ")),
        ("1,000", ("1 ", " 1000 ")),
        ("12.500", ("12.5 ", " 12500 ")),
        ("12,500", ("12,5 ", " 12500 ")),
        ("-1.000", ("-1 ", " -1000 ")),
    ],
)
def test_ambiguous_message_gives_both_readings(text: str, readings: tuple[str, str]) -> None:
    with pytest.raises(CellParseError) as info:
        parse_score(text)
    message = explain(info.value)
    assert all(reading in message for reading in readings), message


@pytest.mark.parametrize("text", ["#N/A", "#REF!", "=SUM("])
def test_formula_messages_say_so(text: str) -> None:
    with raises_saying(CellParseError, "công thức"):
        parse_score(text)


@pytest.mark.parametrize("text", ["9 5", "1 000", "9\u00a05"])
def test_inner_space_message_says_so(text: str) -> None:
    with raises_saying(CellParseError, "khoảng trắng"):
        parse_score(text)


_AMBIGUOUS = Decimal(1000)


def _hundredths() -> st.SearchStrategy[Decimal]:
    """Decimals in [0, 1000) with at most two decimals."""
    return st.integers(min_value=0, max_value=99_999).map(lambda n: Decimal(n).scaleb(-2))


@given(value=_hundredths(), separator=st.sampled_from([",", "."]), padded=st.booleans())
@example(value=Decimal("0.1"), separator=",", padded=False)
@example(value=Decimal("999.99"), separator=".", padded=True)
@example(value=Decimal("100"), separator=",", padded=False)
def test_round_trip_with_comma_or_dot(value: Decimal, separator: str, padded: bool) -> None:
    assert value < _AMBIGUOUS
    text = f"{value:.2f}" if padded else format(value.normalize(), "f")
    assert parse_score(text.replace(".", separator)) == value


@given(
    value=_hundredths(),
    before=st.sampled_from(["", " ", "\u00a0", "  "]),
    suffix=st.sampled_from(["", "đ", " đ", " đ.", "điểm", " điểm", " Điểm", " ĐIỂM."]),
)
def test_round_trip_with_decoration(value: Decimal, before: str, suffix: str) -> None:
    text = before + f"{value:.2f}".replace(".", ",") + suffix
    assert parse_score(text) == value


@given(value=_hundredths())
def test_round_trip_from_a_float(value: Decimal) -> None:
    assert parse_score(float(value)) == value


@given(whole=st.integers(1, 999), part=st.integers(0, 999), separator=st.sampled_from([",", "."]))
def test_three_digit_groups_are_always_refused(whole: int, part: int, separator: str) -> None:
    with pytest.raises(CellParseError):
        parse_score(f"{whole}{separator}{part:03d}")


@given(st.text())
def test_any_text_is_a_decimal_none_or_cell_parse_error(text: str) -> None:
    try:
        result = parse_score(text)
    except CellParseError:
        return
    assert result is None or (type(result) is Decimal and result.is_finite())


@given(st.floats(allow_nan=True, allow_infinity=True))
def test_any_float_is_a_finite_decimal_or_refused(number: float) -> None:
    try:
        result = parse_score(number)
    except CellParseError:
        assert number != number or number in (float("inf"), float("-inf")) or abs(number) >= 10**9  # absurd size
        return
    assert type(result) is Decimal and result.is_finite()
