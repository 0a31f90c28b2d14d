"""A number cell together with what the sheet shows of it: read cells as they show.

Spreadsheets store a number and show it through a format: ``0.056`` with a percent format
shows ``5,6%``, the serial ``43831`` with a date format shows ``2020-01-01``, ``3.5001`` with
two decimals shows ``3,50``. Reading only the stored number would count what nobody sees.
A source therefore wraps a number whose display adds something in a ``Shown``: the stored
value plus what the source knows of its display, the number-format pattern (openpyxl's
``cell.number_format``) and/or the shown text with the spreadsheet's locale (Google
Sheets' ``FORMATTED_VALUE``). ``wrap`` returns the bare number when the display adds
nothing, so most cells stay plain numbers.

``number`` is the one reading: a percent display is the percentage shown (exactly: the
Decimal is scaled, never multiplied as a float), a date, time or duration display is an
error (``cell.date_format``), a display we cannot read back to the value is an error
(``cell.format_unreadable``): we report, never guess. ``warnings`` names what a reading
hides: more precision than shown (``cell.hidden_precision``) and, for a score, more than
two decimals (``cell.too_many_decimals``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from lib.core.errors import CellParseError
from lib.core.number_format import choose, fraction, is_scaled, literal_free, scientific, shows_sign

__all__ = ["Display", "Shown", "display", "number", "warnings", "wrap"]

SCORE_DECIMALS = 2
"""A score is shown, summed and ranked to two decimals; a typed third decimal is a warning."""

_SEPARATORS = {"vi_VN": (",", "."), "en_US": (".", ",")}
"""Locale -> (decimal separator, grouping separator); other locales fall back by their language."""
_DATE_LETTERS = re.compile(r"[dmyhs]|am/pm|a/p", re.IGNORECASE)
_ELAPSED = re.compile(r"\[(h+|m+|s+)\]", re.IGNORECASE)
_CURRENCY = re.compile(r"[₫$€£¥đ]|\bVND\b|\bUSD\b", re.IGNORECASE)


@dataclass(frozen=True, repr=False)
class Shown:
    """A stored number and its display: the format ``pattern`` and/or the shown ``text`` in ``locale``."""

    value: int | float
    pattern: str = ""
    text: str | None = None
    locale: str = ""

    def __str__(self) -> str:
        """What the sheet shows (rendered from the pattern when the source gave no text)."""
        if self.text is not None:
            return self.text
        shown = display(self)
        if shown.text is not None:
            return shown.text
        if shown.kind in ("number", "percent") and shown.number is not None and shown.decimals is not None:
            text = format(shown.number, f".{shown.decimals}f").replace(".", ",")
            return text + ("%" if shown.kind == "percent" else "")
        return _plain(self.value)

    def __repr__(self) -> str:
        """The shown text quoted, as messages show a typed value."""
        return repr(str(self))


@dataclass(frozen=True)
class Display:
    """How a cell shows: ``kind`` (general, number, percent, date, other), the number shown, its decimals."""

    kind: str
    number: Decimal | None = None  # in the units shown: 5.6 for "5,6%"
    decimals: int | None = None  # decimals shown; None when unknown (General shows all)
    text: str | None = None  # the text shown, when rendered from a scientific or fraction pattern


def wrap(value: object, *, pattern: str = "", text: str | None = None, locale: str = "") -> object:
    """``value`` as a ``Shown`` when its display adds something to the number, else ``value`` unchanged.

    >>> wrap(9.5, pattern="General"), wrap(9.5, text="9,5", locale="vi_VN"), wrap(9.5, pattern="0.0")
    (9.5, 9.5, 9.5)
    >>> wrap(0.056, pattern="0.0%")
    '5,6%'
    """
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return value
    cell = Shown(value, pattern, text, locale)
    shown = display(cell)
    if shown.kind == "general":
        return value
    if (shown.kind == "number" and shown.number is not None and shown.number == _decimal(value)
            and shown.decimals == _decimals(shown.number)):
        return value  # shown exactly as the number is (a code "1.10" shown from 1.1 stays wrapped)
    return cell


def number(cell: Shown) -> Decimal:
    """The number ``cell`` shows: ``0.056`` shown ``5,6%`` is ``5.6``; a date display raises.

    >>> number(Shown(0.056, text="5,6%", locale="vi_VN")), number(Shown(3.5001, pattern="0.00"))
    (Decimal('5.6'), Decimal('3.5001'))
    """
    shown = display(cell)
    if shown.kind == "date":
        raise CellParseError("cell.date_format", value=str(cell))
    if shown.kind == "other":
        raise CellParseError("cell.format_unreadable", value=str(cell))
    value = _decimal(cell.value)
    return value.scaleb(2) if shown.kind == "percent" else value


def warnings(cell: object, value: Decimal, *, score: bool) -> list[tuple[str, dict[str, object]]]:
    """The (code, params) of what the reading ``value`` of ``cell`` hides (at most one per cell).

    ``score``: the cell is a score, where a third decimal is itself worth a word.

    >>> warnings(Shown(3.5001, pattern="0.00"), Decimal("3.5001"), score=True)
    [('cell.hidden_precision', {'shown': '3,50', 'value': '3,5001'})]
    >>> warnings(3.125, Decimal("3.125"), score=True), warnings(3.125, Decimal("3.125"), score=False)
    ([('cell.too_many_decimals', {'value': '3,125'})], [])
    """
    if isinstance(cell, Shown):
        shown = display(cell)
        # A fraction is never the decimal the meeting reads and sums, even when exact (5 1/2 for 5,5).
        if shown.number is not None and (shown.number != value or shown.kind == "fraction"):
            return [("cell.hidden_precision", {"shown": str(cell), "value": _text(value)})]
    if score and _decimals(value) > SCORE_DECIMALS:
        return [("cell.too_many_decimals", {"value": _text(value)})]
    return []


def code_text(cell: Shown) -> str:
    """A code typed as a formatted number, as shown but with a dot: ``1.1`` shown ``1,10`` is ``"1.10"``."""
    shown = display(cell)
    if shown.kind == "number" and shown.number is not None and shown.decimals is not None:
        return format(shown.number, f".{shown.decimals}f")
    return str(cell).strip()


def display(cell: Shown) -> Display:
    """How ``cell`` shows, from its text when the source gave one, else from its pattern."""
    if cell.text is not None:
        return _from_text(cell)
    return _from_pattern(cell.pattern, cell.value)


def _from_pattern(pattern: str, value: int | float) -> Display:
    chosen = choose(pattern, _decimal(value))
    if chosen is None:
        return Display("other")  # no section applies: the sheet shows ####
    section, magnitude = chosen
    if _ELAPSED.search(section):
        return Display("date")
    bare = literal_free(section)
    if not bare.strip():  # ";;;" or a literal ('0;-0;"5,75"') hides the number
        return Display("other", text="".join(re.findall(r'"([^"]*)"', section))) if pattern.strip() else Display(
            "general")
    if "general" in bare.casefold() or bare.strip() == "@":
        return Display("general")
    if _DATE_LETTERS.search(re.sub(r"[eE][+-]", "", bare)):
        return Display("date")
    if not re.search(r"[0#?]", bare) or is_scaled(bare):
        return Display("other")  # a literal only, or thousands scaled away: the value is not shown
    sign = -1 if _decimal(value) < 0 and magnitude > 0 and shows_sign(section) else 1
    if magnitude != _decimal(value) and sign == 1:
        return Display("other")  # a negative section without its own sign hides the sign
    if re.search(r"[eE][+-]", bare):
        shown, text = scientific(bare, magnitude)
        return Display("scientific", sign * shown, text=("-" if sign < 0 else "") + text)
    if re.search(r"[0#?]\s*/\s*[0-9#?]", bare):
        shown, text = fraction(bare, magnitude)
        return Display("fraction", sign * shown, text=("-" if sign < 0 else "") + text)
    percent = "%" in bare
    _, dot, decimals_part = bare.partition(".")
    decimals = len(re.match(r"[0#?]*", decimals_part).group()) if dot else 0  # type: ignore[union-attr]
    optional = decimals_part[:decimals].count("0") < decimals  # '#' decimals: shown only when non-zero
    value_shown = sign * magnitude.scaleb(2) if percent else sign * magnitude
    rounded = value_shown.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    if optional and rounded == value_shown:
        decimals = max(_decimals(rounded), decimals_part[:decimals].count("0"))
    return Display("percent" if percent else "number", rounded, decimals)


def _from_text(cell: Shown) -> Display:
    assert cell.text is not None
    decimal_sep, group_sep = _SEPARATORS.get(cell.locale, _SEPARATORS["vi_VN" if cell.locale.startswith("vi")
                                                                       else "en_US"])
    text = _CURRENCY.sub("", cell.text).replace("\u00a0", " ").strip()
    negative = text.startswith("(") and text.endswith(")")
    text = text.strip("()").strip()
    percent = text.endswith("%")
    text = text.removesuffix("%").strip()
    match = re.fullmatch(rf"([+-]?)(\d{{1,3}}(?:{re.escape(group_sep)}\d{{3}})+|\d+)"
                         rf"(?:{re.escape(decimal_sep)}(\d+))?(?:[eE]([+-]?\d+))?", text.replace(" ", ""), re.ASCII)
    if match is None:
        fraction_shown = _fraction_text(text, cell.value)
        if fraction_shown is not None:
            return fraction_shown
        if re.search(r"\d\s*[/:]\s*\d|\d-\d", text):
            return Display("date")
        return Display("other")  # nothing shown (a ";;;" format hides the number), or words
    sign, whole, fraction_digits, exponent = match.groups()
    shown = Decimal(whole.replace(group_sep, "") + "." + (fraction_digits or "0"))
    if sign == "-" or negative:
        shown = -shown
    decimals = len(fraction_digits or "")
    stored = _decimal(cell.value).scaleb(2) if percent else _decimal(cell.value)
    if exponent:  # scientific: "6E+00" shows 6, to within half a unit of its last mantissa digit
        shown, decimals = shown.scaleb(int(exponent)), decimals - int(exponent)
    # A display that is not the value rounded (a scaled custom format, a swapped locale) is not read.
    if abs(stored - shown) > Decimal(5).scaleb(-decimals - 1) * (1 + Decimal("1e-9")):
        return Display("other")
    if exponent:
        return Display("scientific", shown)
    return Display("percent" if percent else "number", shown.normalize() if not decimals else shown, decimals)


def _fraction_text(text: str, value: int | float) -> Display | None:
    """A shown fraction (``5 1/2``, ``-3/4``) that reads back as ``value`` to within its denominator, else None."""
    match = re.fullmatch(r"([+-]?)(?:(\d+)\s+)?(\d+)\s*/\s*([1-9]\d*)", text, re.ASCII)
    if match is None:
        return None
    sign, whole, numerator, denominator = match.groups()
    shown = Decimal(int(whole or 0)) + Decimal(int(numerator)) / Decimal(int(denominator))
    shown = Decimal(format(-shown if sign == "-" else shown, ".15g"))
    if abs(_decimal(value) - shown) > Decimal(1) / (2 * int(denominator)):
        return None
    return Display("fraction", shown)


def _decimal(value: int | float) -> Decimal:
    """A stored number as the sheet keeps it: 15 significant digits (``0.1 + 0.2`` is ``0.3``)."""
    if isinstance(value, int):
        return Decimal(value)
    try:
        return Decimal(format(value, ".15g"))
    except InvalidOperation as exc:  # pragma: no cover - sources give finite floats
        raise CellParseError("cell.not_a_number", value=value) from exc


def _decimals(value: Decimal) -> int:
    exponent = value.normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def _text(value: Decimal) -> str:
    return format(value.normalize(), "f").replace(".", ",")


def _plain(value: int | float) -> str:
    return _text(_decimal(value))
