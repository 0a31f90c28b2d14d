"""How numbers, dates and ranks are written: the only place that turns values into text.

Vietnamese style: decimal comma and dot thousands (``1.234,50``), dates ``dd/mm/yyyy``.
Machine formats (the CLI's JSON) use a dot and exactly two decimals.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from lib.core.cells import score_text
from lib.core.model import VN_TIME, Standing

_CENT = Decimal("0.01")

"""Vietnam's time zone (UTC+7, no daylight saving): times are shown and logged in it."""


def two_decimals(value: Decimal) -> str:
    """A total for machines: exactly two decimals, dot separator, half-up rounding.

    >>> two_decimals(Decimal("95.5")), two_decimals(Decimal("0.005")), two_decimals(Decimal("-1"))
    ('95.50', '0.01', '-1.00')
    """
    return str(value.quantize(_CENT, rounding=ROUND_HALF_UP))


def vn_number(value: Decimal | int | float | None, decimals: int = 2, empty: str = "") -> str:
    """A number for people, Vietnamese style.

    >>> vn_number(Decimal("95.5")), vn_number(Decimal("1234.5")), vn_number(Decimal("-0.25"))
    ('95,50', '1.234,50', '-0,25')
    >>> vn_number(Decimal("9"), decimals=0), vn_number(None, empty="—")
    ('9', '—')
    """
    if value is None:
        return empty
    quantum = Decimal(1).scaleb(-decimals)
    text = f"{Decimal(str(value)).quantize(quantum, rounding=ROUND_HALF_UP):,.{decimals}f}"
    return text.replace(",", "\0").replace(".", ",").replace("\0", ".")


def vn_exact(value: Decimal) -> str:
    """A number Vietnamese style with every decimal it has, never fewer than two.

    For the differences two decimals would hide: ``0,0001`` must not read ``0,00``.

    >>> vn_exact(Decimal("0.0001")), vn_exact(Decimal("91.25")), vn_exact(Decimal("3.50010")), vn_exact(Decimal(7))
    ('0,0001', '91,25', '3,5001', '7,00')
    """
    text = format(value, "f")
    decimals = len(text.split(".")[1].rstrip("0")) if "." in text else 0
    return vn_number(value, max(2, decimals))


def vn_score(value: Decimal | None, empty: str = "") -> str:
    """A single score as typed: no trailing zeros (``9,5``, ``10``, ``0,25``).

    >>> vn_score(Decimal("9.50")), vn_score(Decimal("10")), vn_score(Decimal("0.25")), vn_score(None)
    ('9,5', '10', '0,25', '')
    """
    return empty if value is None else score_text(value)


def signed(value: Decimal) -> str:
    """A difference with its sign: ``+0,50``, ``−1,25``, ``0,00``.

    >>> signed(Decimal("0.5")), signed(Decimal("-1.25")), signed(Decimal(0))
    ('+0,50', '−1,25', '0,00')
    """
    if value > 0:
        return "+" + vn_number(value)
    if value < 0:
        return "−" + vn_number(-value)
    return vn_number(value)


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
