"""Which section of a spreadsheet number format shows a value, and what scientific and fraction sections show.

A format has up to four sections ``positive;negative;zero;text``. Excel (and LibreOffice,
Google Sheets) picks one per value: with one section, every number (a negative one gains
a ``-``); with two, the second for negatives; with three or four, the third for zero.
Conditions (``[<5]0.00;0``) replace the sign rules: the first section whose condition holds,
else the next unconditioned one. A number shown in the negative section loses its sign: the
section's own ``-`` or ``(…)`` must say it, or the display hides the sign.

``choose`` returns that section (quotes kept, so a literal-only section is recognisable) and
the number it shows; ``scientific`` and ``fraction`` render the two displays whose digits are
not simply the value's decimals (``5,5`` in ``0E+00`` shows ``6E+00``, in ``# ?/?`` ``5 1/2``).
This follows SheetJS's ``SSF.choose_fmt`` and Microsoft's "Number format codes".
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

__all__ = ["choose", "fraction", "is_scaled", "literal_free", "scientific", "sections", "shows_sign"]

_CONDITION = re.compile(r"\[(<=|>=|<>|<|>|=)\s*(-?\d+(?:\.\d+)?)\]")
_COMPARE = {"<": Decimal.__lt__, ">": Decimal.__gt__, "=": Decimal.__eq__, "<=": Decimal.__le__,
            ">=": Decimal.__ge__, "<>": Decimal.__ne__}


def sections(pattern: str) -> list[str]:
    """The pattern split at ``;`` outside quotes and escapes.

    >>> sections('0.00;-0.00;"5;75"')
    ['0.00', '-0.00', '"5;75"']
    """
    parts, current, quoted, escaped = [], [], False, False
    for char in pattern:
        if escaped:
            escaped = False
        elif char == "\\" and not quoted:
            escaped = True
        elif char == '"':
            quoted = not quoted
        elif char == ";" and not quoted:
            parts.append("".join(current))
            current = []
            continue
        current.append(char)
    parts.append("".join(current))
    return parts


def choose(pattern: str, value: Decimal) -> tuple[str, Decimal] | None:
    """The section that shows ``value`` and the number it shows (signless in a negative section).

    None when no section applies (every condition fails: the sheet shows ``####``).

    >>> choose("[<5]0.00;0", Decimal("5.5")), choose('0.00;-0.00;"x"', Decimal(0))
    (('0', Decimal('5.5')), ('"x"', Decimal('0')))
    """
    parts = sections(pattern)[:4]
    numeric = parts[:3] if len(parts) == 4 else parts
    if len(numeric) > 1 and "@" in _unquoted(numeric[-1]):
        numeric = numeric[:-1]  # a trailing text section is for text only
    conditions = [_CONDITION.search(p) for p in numeric[:2]]
    if any(conditions):
        for part, condition in zip(numeric, conditions, strict=False):  # at most two conditioned
            if condition is not None and _COMPARE[condition.group(1)](value, Decimal(condition.group(2))):
                return part, value
        other = 2 if all(conditions) and len(conditions) == 2 else 1  # the first unconditioned section after
        return (numeric[other], value) if other < len(numeric) else None
    if value < 0 and len(numeric) >= 2:
        return numeric[1], -value
    if value == 0 and len(numeric) >= 3:
        return numeric[2], value
    return numeric[0], value


def literal_free(section: str) -> str:
    """``section`` without quoted text, escaped characters, ``_x``/``*x`` spacing and ``[…]`` blocks."""
    return re.sub(r"\[[^\]]*\]", "", _unquoted(section))


def shows_sign(section: str) -> bool:
    """Whether a negative section writes the sign itself (a ``-`` or parentheses, quoted or not)."""
    return "-" in section or "(" in section


def is_scaled(bare: str) -> bool:
    """Whether the bare section divides by 1000 (a comma after the last digit placeholder: ``0.0,,``)."""
    return re.search(r"[0#?.],+(?![,]*[0#?])", bare) is not None


def scientific(bare: str, value: Decimal) -> tuple[Decimal, str]:
    """The number and text a scientific section (``0.00E+00``, ``##0.0E+0``) shows for ``value``.

    >>> scientific("0E+00", Decimal("5.5")), scientific("0.00E+00", Decimal("-1234"))
    ((Decimal('6'), '6E+00'), (Decimal('-1.23E+3'), '-1,23E+03'))
    """
    marker = re.search(r"[eE]", bare)
    mantissa_part, exponent_part = (bare[:marker.start()], bare[marker.end():]) if marker else (bare, "")
    whole, _, decimals_part = mantissa_part.partition(".")
    whole_places = max(1, len(re.findall(r"[0#?]", whole)))
    decimals = len(re.findall(r"[0#?]", decimals_part))
    exponent_digits = len(re.findall(r"[0#?]", exponent_part)) or 1
    always_sign = exponent_part.startswith("+")
    magnitude = abs(value)
    exponent = 0
    if magnitude:
        exponent = magnitude.adjusted()
        exponent -= exponent % whole_places if whole_places > 1 else 0
    mantissa = magnitude.scaleb(-exponent).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    if mantissa >= Decimal(10) ** whole_places:  # 9,96 with one decimal: 1,0E+01
        exponent += whole_places
        mantissa = magnitude.scaleb(-exponent).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    sign = "-" if value < 0 else ""
    shown_exponent = ("-" if exponent < 0 else "+" if always_sign else "") + str(abs(exponent)).zfill(exponent_digits)
    text = f"{sign}{format(mantissa, 'f').replace('.', ',')}E{shown_exponent}"
    return (-mantissa if value < 0 else mantissa).scaleb(exponent), text


def fraction(bare: str, value: Decimal) -> tuple[Decimal, str]:
    """The number and text a fraction section (``# ?/?``, ``?/8``, ``# ??/??``) shows for ``value``.

    >>> fraction("# ?/?", Decimal("5.5")), fraction("?/4", Decimal("0.3"))
    ((Decimal('5.5'), '5 1/2'), (Decimal('0.25'), '1/4'))
    """
    left, _, denominator_part = bare.partition("/")
    fixed = re.search(r"[1-9]\d*", denominator_part)
    mixed = len(re.findall(r"[0#?]", left.strip().split(" ")[0])) > 0 and " " in left.strip()
    magnitude = Fraction(abs(value))
    whole = int(magnitude) if mixed else 0
    part = magnitude - whole
    if fixed:
        denominator = int(fixed.group())
        numerator = int((part * denominator + Fraction(1, 2)).__floor__())
        shown = Fraction(numerator, denominator)
    else:
        shown = part.limit_denominator(10 ** max(1, len(re.findall(r"[0#?]", denominator_part))) - 1)
    if shown == 1 and mixed:
        whole, shown = whole + 1, Fraction(0)
    sign = "-" if value < 0 else ""
    text = str(whole) if whole and not shown else (
        f"{whole} {shown.numerator}/{shown.denominator}" if whole else f"{shown.numerator}/{shown.denominator}")
    number = Decimal(whole) + Decimal(shown.numerator) / Decimal(shown.denominator)
    number = Decimal(format(number, ".15g"))  # the sheet's 15 digits: 1/3 reads as the 0,333… it stores
    return (-number if value < 0 else number), sign + text


def _unquoted(pattern: str) -> str:
    """The pattern without quoted text, escaped characters and ``_x``/``*x`` spacing directives."""
    return re.sub(r'"[^"]*"|\\.|[_*].', "", pattern)
