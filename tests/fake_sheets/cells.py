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
"""

from __future__ import annotations

import ast
import datetime as dt
import math
import operator
import re
from dataclasses import dataclass
from decimal import Decimal

__all__ = ["LOCALES", "Cell", "Scalar", "from_input", "format_number", "render"]

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


def render(cell: Cell, value_option: str, date_option: str, locale: str = "en_US") -> Scalar:
    """The JSON value a read returns for ``cell``."""
    if value_option == "FORMULA" and cell.formula is not None:
        return cell.formula
    if value_option in ("UNFORMATTED_VALUE", "FORMULA"):
        if cell.date and date_option == "FORMATTED_STRING" and cell.text is not None:
            return cell.text
        return to_json(cell.value)
    if cell.text is not None:
        return cell.text
    if isinstance(cell.value, bool):
        return "TRUE" if cell.value else "FALSE"
    if isinstance(cell.value, int | float):
        return format_number(cell.value, locale)
    return cell.value
