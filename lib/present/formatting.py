"""How numbers, dates and ranks are written: the only place that turns values into text.

One format per language (``number``): Vietnamese ``1.234,50``, English ``1,234.50``, "−" (U+2212) for
minus in both, two decimals for scores and totals; dates ``dd/mm/yyyy``. Machine formats (the CLI's
JSON, the CSV's number columns) use a dot and exactly two decimals (``two_decimals``).
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from lib.core.model import VN_TIME, Standing

_CENT = Decimal("0.01")

"""Vietnam's time zone (UTC+7, no daylight saving): times are shown and logged in it."""


def two_decimals(value: Decimal) -> str:
    """A total for machines: exactly two decimals, dot separator, half-up rounding.

    >>> two_decimals(Decimal("95.5")), two_decimals(Decimal("0.005")), two_decimals(Decimal("-1"))
    ('95.50', '0.01', '-1.00')
    """
    return str(value.quantize(_CENT, rounding=ROUND_HALF_UP))


MINUS = "\u2212"
"""The minus sign every screen and export writes (U+2212), never a hyphen."""

_SEPARATORS = {"vi": (".", ","), "en": (",", ".")}  # (thousands, decimal) per language


def number(value: Decimal | int | float | None, lang: str = "vi", decimals: int = 2, empty: str = "") -> str:
    """A number for people in ``lang``'s format: the one function every screen and export writes numbers with.

    Vietnamese: dot thousands, decimal comma; English: comma thousands, decimal point; both "−" (U+2212).

    >>> number(Decimal("1234.5")), number(Decimal("1234.5"), "en"), number(Decimal("-0.25")), number(18000, decimals=0)
    ('1.234,50', '1,234.50', '−0,25', '18.000')
    >>> number(Decimal("-0.001")), number(None, empty="—")
    ('0,00', '—')
    """
    if value is None:
        return empty
    quantum = Decimal(1).scaleb(-decimals)
    rounded = Decimal(str(value)).quantize(quantum, rounding=ROUND_HALF_UP)
    thousands, point = _SEPARATORS.get(lang, _SEPARATORS["vi"])
    text = f"{abs(rounded):,.{decimals}f}".replace(",", "\0").replace(".", point).replace("\0", thousands)
    return MINUS + text if rounded < 0 else text


def vn_number(value: Decimal | int | float | None, decimals: int = 2, empty: str = "") -> str:
    """A number for people, Vietnamese style (``number`` in Vietnamese).

    >>> vn_number(Decimal("95.5")), vn_number(Decimal("1234.5")), vn_number(Decimal("-0.25"))
    ('95,50', '1.234,50', '−0,25')
    >>> vn_number(Decimal("9"), decimals=0), vn_number(None, empty="—")
    ('9', '—')
    """
    return number(value, "vi", decimals, empty)


def _places(value: Decimal) -> int:
    text = format(value, "f")
    return len(text.split(".")[1].rstrip("0")) if "." in text else 0


def vn_exact(value: Decimal, lang: str = "vi") -> str:
    """A number with every decimal it has, never fewer than two.

    For the differences two decimals would hide: ``0,0001`` must not read ``0,00``.

    >>> vn_exact(Decimal("0.0001")), vn_exact(Decimal("91.25")), vn_exact(Decimal("3.50010")), vn_exact(Decimal(7))
    ('0,0001', '91,25', '3,5001', '7,00')
    """
    return number(value, lang, max(2, _places(value)))


def score(value: Decimal | None, lang: str = "vi", empty: str = "") -> str:
    """A score: two decimals (more only when it holds more, so nothing is hidden), like every total.

    >>> score(Decimal("9.5")), score(Decimal("8")), score(Decimal("0.125")), score(None, empty="—")
    ('9,50', '8,00', '0,125', '—')
    """
    return empty if value is None else vn_exact(value, lang)


def vn_score(value: Decimal | None, empty: str = "", lang: str = "vi") -> str:
    """A single score, the same as ``score`` (two decimals): ``9,50``, ``10,00``, ``0,25``.

    >>> vn_score(Decimal("9.50")), vn_score(Decimal("10")), vn_score(Decimal("0.25")), vn_score(None)
    ('9,50', '10,00', '0,25', '')
    """
    return score(value, lang, empty)


def quantity(value: Decimal | None, lang: str = "vi", empty: str = "") -> str:
    """A target or result (a count, an amount): thousands separated, the decimals it has, none added.

    >>> quantity(Decimal("18000")), quantity(Decimal("12.50")), quantity(Decimal("-3")), quantity(Decimal("1500"), "en")
    ('18.000', '12,5', '−3', '1,500')
    """
    return empty if value is None else number(value, lang, _places(value))


def score_cell(text: str, lang: str = "vi") -> str:
    """A score as the sheet's log wrote it (``3.75``, ``4,5``) in the screen's format; other text as it is.

    >>> score_cell("3.75"), score_cell("4,5"), score_cell("4,5", "en"), score_cell(""), score_cell("trống")
    ('3,75', '4,50', '4.50', '', 'trống')
    """
    try:
        value = Decimal(text.strip().replace(",", "."))
    except (ArithmeticError, ValueError):
        return text
    return score(value, lang) if value.is_finite() and text.strip() else text


def signed(value: Decimal, lang: str = "vi") -> str:
    """A difference with its sign: ``+0,50``, ``−1,25``, ``0,00``.

    >>> signed(Decimal("0.5")), signed(Decimal("-1.25")), signed(Decimal(0)), signed(Decimal("-1.25"), "en")
    ('+0,50', '−1,25', '0,00', '−1.25')
    """
    text = number(value, lang)
    return "+" + text if value > 0 and text != number(0, lang) else text


def vn_date(value: dt.date | None) -> str:
    """``dd/mm/yyyy``.

    >>> vn_date(dt.date(2020, 3, 12))
    '12/03/2020'
    """
    return value.strftime("%d/%m/%Y") if value else ""


def vn_datetime(value: dt.datetime | None) -> str:
    """``HHhMM ngày dd/mm/yyyy``, the way invitations write it.

    >>> vn_datetime(dt.datetime(2020, 3, 12, 14, 0))
    '14h00 ngày 12/03/2020'
    """
    return f"{value:%H}h{value:%M} ngày {value:%d/%m/%Y}" if value else ""


_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December")


def when_text(value: dt.datetime | None, lang: str = "vi") -> str:
    """A meeting's time in the screen's language.

    >>> when = dt.datetime(2020, 3, 12, 14, 0)
    >>> when_text(when), when_text(when, "en")
    ('14h00 ngày 12/03/2020', '12 March 2020, 14:00')
    """
    if value is None:
        return ""
    if lang == "en":
        return f"{value.day} {_MONTHS[value.month - 1]} {value.year}, {value:%H:%M}"
    return vn_datetime(value)


def clock(value: dt.datetime) -> str:
    """``hh:mm:ss`` in Vietnam's time for "data as of" stamps (naive times are taken as local)."""
    return (value.astimezone(VN_TIME) if value.tzinfo else value).strftime("%H:%M:%S")


def rank_label(standing: Standing, shared_word: str = "Đồng hạng") -> str:
    """``1`` or ``Đồng hạng 2`` for a shared rank."""
    return f"{shared_word} {standing.rank}" if standing.shared else str(standing.rank)


_MARKDOWN_SPECIAL = str.maketrans({c: "\\" + c for c in "\\`*_{}[]()<>#+-.!|~:$"})


def escape_markdown(text: str) -> str:
    """Text from the sheet made safe for ``st.markdown``: no link, image, HTML or emphasis survives.

    >>> escape_markdown("![x](http://e.vn) <b>")
    '\\\\!\\\\[x\\\\]\\\\(http\\\\://e\\\\.vn\\\\) \\\\<b\\\\>'
    """
    return str(text).translate(_MARKDOWN_SPECIAL)
