"""Cell values of the fake Sheets API: what a write stores and what a read renders.

A stored ``Cell`` keeps the effective value (a number, a bool or text), the formula that
produced it and, for dates and numbers typed with a format (``1,000``, ``12%``), the text
shown in the sheet.

Writes (``from_input``): ``RAW`` stores JSON numbers and bools as they are and text as
text (``=1+1`` and ``9,5`` stay text). ``USER_ENTERED`` parses text like the Sheets UI in
the spreadsheet's locale: numbers (``9.5`` in ``en_US``, ``9,5`` in ``vi_VN``), ``TRUE``/
``FALSE``, dates (``2020-01-01``; ``1/2/2020`` in ``en_US``, ``2/1/2020`` in ``vi_VN``),
formulas (``=...``; a leading ``'`` forces text). Formulas are evaluated only when they are
arithmetic on number literals (``=4/2``, ``=(1+2)*3^2``); any other formula gets the value
``#NAME?`` (it has functions, names or cell references: a deviation, Google would compute
them) or ``#ERROR!`` (it does not parse), ``#DIV/0!`` for a division by zero. The empty
string clears a cell; ``null`` leaves it unchanged.

Reads (``render``): ``FORMATTED_VALUE`` gives strings (``9.5`` -> ``"9.5"``, ``"9,5"`` in
``vi_VN``), ``UNFORMATTED_VALUE`` gives numbers as JSON numbers, ``FORMULA`` gives formulas.
Dates are serial numbers unless ``dateTimeRenderOption=FORMATTED_STRING``.

Explicit number formats (``format_with``; set by ``repeatCell``/``updateCells`` with
``userEnteredFormat.numberFormat``, kept per cell by the store apart from the values, as
Google keeps them): ``FORMATTED_VALUE`` shows the number through the pattern in the
spreadsheet's locale (``0.00``, ``#,##0.00``, ``0.0%``, ``0%``, quoted literals, ``[$₫]``,
two sections for negatives; ``dd/mm/yyyy``, ``yyyy-mm-dd``, ``hh:mm``, ``am/pm``, ``M``
for the month and ``m`` for minutes next to hours or seconds); an empty pattern takes the
type's default in the locale. Not built: fractions, elapsed ``[h]``, conditions, colours
(ignored), and Google's re-parsing of text typed into a formatted cell.
"""

from __future__ import annotations

import ast
import datetime as dt
import math
import operator
import re
from dataclasses import dataclass
from decimal import Decimal

__all__ = ["LOCALES", "NUMBER_FORMAT_TYPES", "Cell", "Scalar", "format_number", "format_with", "from_input", "render"]

Scalar = str | int | float | bool

LOCALES: dict[str, tuple[str, str]] = {"en_US": (".", ","), "vi_VN": (",", ".")}
"""Locale -> (decimal separator, thousands separator)."""

_EPOCH = dt.date(1899, 12, 30)
_OPS = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.Pow: operator.pow,
}


@dataclass(frozen=True)
class Cell:
    """One stored cell: effective ``value``, its ``formula`` if any, and its display ``text``."""

    value: Scalar
    formula: str | None = None
    text: str | None = None
    date: bool = False


def _number_re(locale: str) -> re.Pattern[str]:
    dec, grp = (re.escape(s) for s in LOCALES[locale])
    return re.compile(rf"([+-]?)(\d+|\d{{1,3}}(?:{grp}\d{{3}})+)?(?:{dec}(\d+))?(?:[eE]([+-]?\d+))?(%?)")


def _parse_number(text: str, locale: str) -> tuple[float | int, bool] | None:
    """(number, has a display format) for ``text`` typed in ``locale``, or None."""
    m = _number_re(locale).fullmatch(text)
    if m is None or not (m.group(2) or m.group(3)):
        return None
    sign, whole, frac, exp, pct = m.groups()
    digits = (whole or "0").replace(LOCALES[locale][1], "") + ("." + frac if frac else "")
    value: float | int = float(digits) if frac or exp else int(digits)
    if exp:
        value = float(value) * 10 ** int(exp)
    if pct:
        value = value / 100
    if sign == "-":
        value = -value
    formatted = bool(pct) or (whole is not None and LOCALES[locale][1] in whole)
    return value, formatted


def _parse_date(text: str, locale: str) -> int | None:
    """The serial number of a date typed as ``text`` in ``locale``, or None."""
    m = re.fullmatch(r"(\d{4})[-/](\d{1,2})[-/](\d{1,2})", text)
    if m:
        y, mo, d = (int(g) for g in m.groups())
    else:
        m = re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", text)
        if m is None:
            return None
        a, b, y = (int(g) for g in m.groups())
        mo, d = (a, b) if locale == "en_US" else (b, a)
    try:
        return (dt.date(y, mo, d) - _EPOCH).days
    except ValueError:
        return None


def _eval(node: ast.AST) -> float | int:
    if isinstance(node, ast.Expression):
        return _eval(node.body)
    if isinstance(node, ast.Constant) and type(node.value) in (int, float):
        return node.value
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
        value = _eval(node.operand)
        return -value if isinstance(node.op, ast.USub) else value
    if isinstance(node, ast.BinOp) and type(node.op) in _OPS:
        return _OPS[type(node.op)](_eval(node.left), _eval(node.right))
    raise NameError(type(node).__name__)


def evaluate(formula: str) -> Scalar:
    """The value of ``formula`` (with its ``=``) when it is arithmetic on literals.

    >>> evaluate("=4/2"), evaluate("=3/2"), evaluate("=1/0"), evaluate("=SUM(A1:A3)"), evaluate("=SUM(")
    (2, 1.5, '#DIV/0!', '#NAME?', '#ERROR!')
    """
    source = formula[1:].replace("^", "**")
    if source.count("(") != source.count(")"):
        return "#ERROR!"
    if re.search(r"[^\W\d]", source):  # a function, a name or a cell reference: not evaluated here
        return "#NAME?"
    try:
        tree = ast.parse(source, mode="eval")
    except SyntaxError:
        return "#ERROR!"
    try:
        value = _eval(tree)
    except ZeroDivisionError:
        return "#DIV/0!"
    except (NameError, TypeError, OverflowError):
        return "#NAME?"
    return int(value) if isinstance(value, float) and value.is_integer() and abs(value) < 2**53 else value


def from_input(raw: object, option: str, locale: str = "en_US") -> Cell | None:
    """The cell stored for ``raw`` written with ``valueInputOption=option``; None clears it.

    Raises ``TypeError`` for a value that is not a string, number or bool.
    """
    if isinstance(raw, bool):
        return Cell(raw)
    if isinstance(raw, int | float):
        if isinstance(raw, float) and not math.isfinite(raw):
            raise TypeError(raw)
        return Cell(raw)
    if not isinstance(raw, str):
        raise TypeError(raw)
    if raw == "":
        return None
    if option != "USER_ENTERED":
        return Cell(raw)
    if raw.startswith("'"):
        return Cell(raw[1:]) if len(raw) > 1 else None
    if raw.startswith("=") and len(raw) > 1:
        return Cell(evaluate(raw), formula=raw)
    text = raw.strip()
    if text.upper() in ("TRUE", "FALSE"):
        return Cell(text.upper() == "TRUE")
    number = _parse_number(text, locale)
    if number is not None:
        value, formatted = number
        return Cell(value, text=text if formatted else None)
    serial = _parse_date(text, locale)
    if serial is not None:
        return Cell(serial, text=text, date=True)
    return Cell(raw)


def format_number(value: float | int, locale: str = "en_US") -> str:
    """A number as the default ("automatic") format shows it.

    >>> format_number(9.5), format_number(53), format_number(2.0), format_number(1 / 3), format_number(9.5, "vi_VN")
    ('9.5', '53', '2', '0.3333333333', '9,5')
    """
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        text = str(int(value))
    elif isinstance(value, int) and abs(value) < 10**15:
        text = str(value)
    elif value != 0 and not 1e-9 <= abs(value) < 1e15:
        text = f"{value:.9E}".replace(".000000000", "")
        mantissa, exp = text.split("E")
        text = mantissa.rstrip("0").rstrip(".") + "E" + ("+" if int(exp) >= 0 else "-") + str(abs(int(exp)))
    else:
        text = format(Decimal(repr(round(value, 10))), "f")
    return text.replace(".", LOCALES[locale][0])


def to_json(value: Scalar) -> Scalar:
    """A number as Google writes it in JSON: integral values without a fraction."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return int(value)
    return value


def render(cell: Cell, value_option: str, date_option: str, locale: str = "en_US",
           number_format: tuple[str, str] | None = None) -> Scalar:
    """The JSON value a read returns for ``cell``, shown through its explicit ``number_format`` (type, pattern)."""
    if value_option == "FORMULA" and cell.formula is not None:
        return cell.formula
    if value_option in ("UNFORMATTED_VALUE", "FORMULA"):
        if date_option == "FORMATTED_STRING" and number_format and number_format[0] in ("DATE", "TIME", "DATE_TIME"):
            shown = format_with(cell.value, *number_format, locale)
            return shown if shown is not None else to_json(cell.value)
        if cell.date and date_option == "FORMATTED_STRING" and cell.text is not None:
            return cell.text
        return to_json(cell.value)
    if number_format is not None:
        shown = format_with(cell.value, *number_format, locale)
        if shown is not None:
            return shown
    if cell.text is not None:
        return cell.text
    if isinstance(cell.value, bool):
        return "TRUE" if cell.value else "FALSE"
    if isinstance(cell.value, int | float):
        return format_number(cell.value, locale)
    return cell.value


# -- explicit number formats (``userEnteredFormat.numberFormat``) -----------------------------------
NUMBER_FORMAT_TYPES = ("TEXT", "NUMBER", "PERCENT", "CURRENCY", "DATE", "TIME", "DATE_TIME", "SCIENTIFIC")
_DEFAULT_PATTERNS = {
    "NUMBER": {"en_US": "#,##0.00", "vi_VN": "#,##0.00"},
    "PERCENT": {"en_US": "0.00%", "vi_VN": "0.00%"},
    "CURRENCY": {"en_US": '"$"#,##0.00', "vi_VN": '#,##0.00 "₫"'},
    "SCIENTIFIC": {"en_US": "0.00E+00", "vi_VN": "0.00E+00"},
    "DATE": {"en_US": "M/d/yyyy", "vi_VN": "dd/MM/yyyy"},
    "TIME": {"en_US": "h:mm:ss am/pm", "vi_VN": "HH:mm:ss"},
    "DATE_TIME": {"en_US": "M/d/yyyy H:mm:ss", "vi_VN": "dd/MM/yyyy HH:mm:ss"},
}
_DATE_TOKEN = re.compile(r'"[^"]*"|\\.|yyyy|yy|MMMM|MMM|MM|M|mmmm|mmm|mm|m|dddd|ddd|dd|d|hh|h|ss|s|am/pm|a/p|.',
                         re.IGNORECASE)
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December")


def format_with(value: Scalar, kind: str, pattern: str, locale: str) -> str | None:
    """``value`` shown through the number format (``kind``, ``pattern``); None: not a number, shown as is.

    >>> format_with(0.056, "PERCENT", "0.0%", "vi_VN"), format_with(3.5001, "NUMBER", "0.00", "vi_VN")
    ('5,6%', '3,50')
    >>> format_with(1234.5, "NUMBER", "#,##0.00", "vi_VN"), format_with(43831, "DATE", "yyyy-mm-dd", "en_US")
    ('1.234,50', '2020-01-01')
    >>> format_with(43831.5, "DATE_TIME", "dd/mm/yyyy hh:mm", "vi_VN"), format_with(0.5, "TIME", "", "en_US")
    ('01/01/2020 12:00', '12:00:00 PM')
    """
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    if kind == "TEXT":
        return format_number(value, locale)
    pattern = pattern or _DEFAULT_PATTERNS.get(kind, {}).get(locale, "General")
    if pattern.strip().casefold() == "general":
        return format_number(value, locale)
    bare = re.sub(r'"[^"]*"|\\.|\[[^\]]*\]', "", pattern)
    if kind in ("DATE", "TIME", "DATE_TIME") or re.search(r"[dmyhs]", bare, re.IGNORECASE):
        return _format_date(value, pattern)
    return _format_numeric(value, pattern, locale)


def _format_numeric(value: float | int, pattern: str, locale: str) -> str:
    sections = pattern.split(";")
    section = sections[1] if value < 0 and len(sections) > 1 else sections[0]
    explicit_negative = value < 0 and len(sections) > 1
    section = re.sub(r"\[\$([^\]-]*)[^\]]*\]", r'"\1"', section)  # [$₫-42A] -> "₫"
    section = re.sub(r"\[[^\]]*\]", "", section)
    core = re.search(r"[#0?][#0?,]*(?:\.[#0?]*)?|\.[#0?]+", section)
    if core is None:
        return _literal(section)
    prefix, suffix = _literal(section[: core.start()]), _literal(section[core.end() :])
    number = Decimal(repr(abs(value))) * (100 if "%" in section else 1)
    whole, _, fraction = core.group().partition(".")
    zeros, places = fraction.count("0"), len(fraction)
    rounded = number.quantize(Decimal(1).scaleb(-places), rounding="ROUND_HALF_UP")
    digits = format(rounded, "f")
    int_part, _, frac_part = digits.partition(".")
    while len(frac_part) > zeros and frac_part.endswith("0"):
        frac_part = frac_part[:-1]
    min_int = whole.count("0")
    int_part = int_part.lstrip("0").rjust(min_int, "0")
    dec, grp = LOCALES[locale]
    if "," in whole and int_part:
        int_part = f"{int(int_part):,}".replace(",", grp)
    text = int_part + (dec + frac_part if frac_part else "")
    sign = "-" if value < 0 and not explicit_negative and rounded != 0 else ""
    return sign + prefix + text + suffix


def _literal(part: str) -> str:
    """The literal text of a pattern piece: quotes and escapes removed, ``_x``/``*x`` spacing dropped."""
    return re.sub(r'"([^"]*)"|\\(.)|[_*].', lambda m: m.group(1) or m.group(2) or "", part)


def _format_date(serial: float | int, pattern: str) -> str:
    moment = dt.datetime.combine(_EPOCH, dt.time()) + dt.timedelta(days=float(serial))
    moment = (moment + dt.timedelta(microseconds=500_000)).replace(microsecond=0)  # whole seconds, rounded
    tokens = _DATE_TOKEN.findall(pattern)
    twelve = any(t.casefold() in ("am/pm", "a/p") for t in tokens)
    out = []
    for i, token in enumerate(tokens):
        low = token.casefold()
        if token.startswith('"'):
            out.append(token[1:-1])
        elif token.startswith("\\"):
            out.append(token[1:])
        elif low in ("yyyy", "yy"):
            out.append(f"{moment.year:04d}"[-len(low):])
        elif low.startswith("m") and _is_minute(token, tokens, i):
            out.append(f"{moment.minute:0{len(low)}d}")
        elif low in ("mmmm", "mmm"):
            out.append(_MONTHS[moment.month - 1][: None if low == "mmmm" else 3])
        elif low in ("mm", "m"):
            out.append(f"{moment.month:0{len(low)}d}")
        elif low in ("dd", "d"):
            out.append(f"{moment.day:0{len(low)}d}")
        elif low in ("dddd", "ddd"):
            out.append(moment.strftime("%A" if low == "dddd" else "%a"))
        elif low in ("hh", "h"):
            hour = (moment.hour % 12 or 12) if twelve else moment.hour
            out.append(f"{hour:0{len(low)}d}")
        elif low in ("ss", "s"):
            out.append(f"{moment.second:0{len(low)}d}")
        elif low == "am/pm":
            out.append("AM" if moment.hour < 12 else "PM")
        elif low == "a/p":
            out.append("A" if moment.hour < 12 else "P")
        else:
            out.append(token)
    return "".join(out)


def _is_minute(token: str, tokens: list[str], i: int) -> bool:
    """``m``/``mm`` is minutes right after an hour or right before seconds (``M`` is always the month)."""
    if token[0] == "M" or len(token) > 2:
        return False
    before = next((t.casefold() for t in reversed(tokens[:i]) if t.strip(" :.-/") and not t.startswith('"')), "")
    after = next((t.casefold() for t in tokens[i + 1 :] if t.strip(" :.-/") and not t.startswith('"')), "")
    return before in ("h", "hh") or after in ("s", "ss")
