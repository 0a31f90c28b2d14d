"""Reading one score cell: numbers as typed by Vietnamese provincial boards.

A number from the sheet is taken as it is, to the 15 significant digits a spreadsheet
keeps (so a formula's ``0.1 + 0.2`` is ``0.3``, and cannot split a tie). Text is read
with the Vietnamese decimal comma (``9,5``) or a dot (``9.5``); surrounding spaces,
invisible zero-width characters and a trailing ``đ``/``điểm`` are tolerated. Anything
that could mean two things or is not a number (``1.000``, ``9 5``, ``#N/A``) is refused
with a ``CellParseError`` that says why: we report, we never guess. Every number accepted
is finite and below ``MAX_MAGNITUDE`` in size, so totals of any workbook stay formattable
(``1e26`` or ``inf`` in a cell is a cell problem, never a crash further on).

A number is read as the sheet shows it (``lib.core.shown``): a source hands a formatted
number over as a ``Shown``, and a percent display is the percentage shown; a date, time or
duration (a ``Shown`` with a date display, or a ``datetime`` from openpyxl) is refused with
``cell.date_format``, a checkbox's ``TRUE``/``FALSE`` with ``cell.boolean``. A formula the file
holds without a result (saved by a program that computes nothing: openpyxl, some converters)
arrives as an ``Uncalculated`` and is refused with ``cell.formula_no_value``, never read as blank.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from lib.core.errors import CellParseError
from lib.core.shown import Shown, number

_SUFFIX = re.compile(r"\s*(điểm|đ)\.?\s*$", re.IGNORECASE)
_NUMBER = re.compile(r"[+-]?\d+(?:[.,]\d+)?", re.ASCII)
_GROUPED = re.compile(r"[+-]?[1-9]\d{0,2}[.,]\d{3}", re.ASCII)
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"))
MAX_MAGNITUDE = Decimal(10**9)
"""No score, maximum or count is this large; a cell holding more is refused as absurd."""
_SPREADSHEET_ERRORS = ("#N/A", "#REF!", "#VALUE!", "#DIV/0!", "#NAME?", "#NUM!", "#NULL!", "#ERROR!")


@dataclass(frozen=True)
class Uncalculated:
    """A formula cell saved without its result: the sheet program shows a number nobody stored."""

    formula: str

    def __str__(self) -> str:
        """The formula as typed, ``=3.5``."""
        return "=" + self.formula


def parse_score(cell: object) -> Decimal | None:
    """The score in ``cell``, or None when the cell is blank.

    >>> parse_score("9,5"), parse_score(" 9.5 điểm "), parse_score(8), parse_score(None)
    (Decimal('9.5'), Decimal('9.5'), Decimal('8'), None)
    >>> parse_score("1.000")
    Traceback (most recent call last):
    ...
    lib.core.errors.CellParseError: cell.ambiguous_grouping(value='1.000', decimal='1', whole=1000)
    """
    value = _parse(cell)
    if value is not None and abs(value) >= MAX_MAGNITUDE:
        raise CellParseError("cell.too_large", value=cell)
    return value


def _parse(cell: object) -> Decimal | None:
    if cell is None:
        return None
    if isinstance(cell, Uncalculated):
        raise CellParseError("cell.formula_no_value", value=str(cell))
    if isinstance(cell, Shown):
        return number(cell) if isinstance(cell.value, (int, float)) and math.isfinite(cell.value) else _parse(
            cell.value)
    if isinstance(cell, bool):
        raise CellParseError("cell.boolean", value="TRUE" if cell else "FALSE")
    if isinstance(cell, (dt.date, dt.time, dt.timedelta)):
        raise CellParseError("cell.date_format", value=str(cell))
    if isinstance(cell, int):
        return Decimal(cell)
    if isinstance(cell, float):
        if not math.isfinite(cell):
            raise CellParseError("cell.not_a_number", value=cell)
        # A spreadsheet keeps 15 significant digits: 9.1 stays 9.1 (not 9.0999…), and a
        # formula's 0.1 + 0.2 (0.30000000000000004 as a float) is the 0.3 the sheet shows.
        return Decimal(format(cell, ".15g"))
    if isinstance(cell, Decimal):
        if not cell.is_finite():
            raise CellParseError("cell.not_a_number", value=cell)
        return cell
    if not isinstance(cell, str):
        raise CellParseError("cell.not_a_number", value=cell)
    return _parse_text(cell)


def _parse_text(cell: str) -> Decimal | None:
    text = unicodedata.normalize("NFC", cell).translate(_INVISIBLE).strip()
    if not text:
        return None
    if text.upper() in _SPREADSHEET_ERRORS:
        raise CellParseError("cell.spreadsheet_error", value=cell)
    if text.startswith("="):
        raise CellParseError("cell.formula", value=cell)
    text = _SUFFIX.sub("", text)
    if not _NUMBER.fullmatch(text):
        if _NUMBER.fullmatch("".join(text.split())):
            raise CellParseError("cell.spaced_digits", value=cell)
        raise CellParseError("cell.not_a_number", value=cell)
    if _GROUPED.fullmatch(text):
        separator = "," if "," in text else "."
        whole, _, part = text.partition(separator)
        as_decimal = format(Decimal(f"{whole}.{part}").normalize(), "f").replace(".", separator)
        raise CellParseError("cell.ambiguous_grouping", value=cell, decimal=as_decimal, whole=int(whole + part))
    try:
        return Decimal(text.replace(",", "."))
    except InvalidOperation as exc:  # pragma: no cover - the regex already guards this
        raise CellParseError("cell.not_a_number", value=cell) from exc


def raw_value(value: Decimal | None) -> int | float | str:
    """A score as the workbook stores it: an integer, a float, or ``""`` for blank.

    >>> raw_value(Decimal("7.00")), raw_value(Decimal("7.25")), raw_value(None)
    (7, 7.25, '')
    """
    if value is None:
        return ""
    return int(value) if value == value.to_integral_value() else float(value)


def score_text(value: Decimal | None) -> str:
    """A score as the sheet's log writes it: decimal comma, no trailing zeros, blank for none.

    >>> score_text(Decimal("9.50")), score_text(Decimal("10")), score_text(Decimal("0.25")), score_text(None)
    ('9,5', '10', '0,25', '')
    """
    if value is None:
        return ""
    return format(value.normalize(), "f").replace(".", ",")
