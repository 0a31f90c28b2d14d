"""Colours everyone in the hall can tell apart: the award palette and its checks.

The award bands must stay distinct for the one man in twelve with a red–green deficiency,
for the rarer blue–yellow one, and on a projector that washes colours out; text on a
bar must keep a contrast of at least 7:1 (WCAG AAA). The checks use published models:
Machado, Oliveira & Fernandes (2009) matrices at full severity for protanopia,
deuteranopia and tritanopia (applied to linear RGB), CIE L*a*b* (D65) and the CIE76
colour difference ΔE*ab, and the WCAG 2 relative luminance and contrast ratio.
Colour alone never carries meaning here: provisional bars are hatched and ties that
need a vote carry ⚖ as well.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

AWARD_COLOURS = ("#f2c200", "#7fd3f7", "#b8e0a0", "#5a2d82")
"""Flag gold, Certificate sky, then pale green and plum for further bands.

Chosen by search over candidate colours for the largest smallest ΔE under every view in
``VIEWS``, with 7:1 text on each; the test keeps the choice honest."""

NO_AWARD_COLOUR = "#4b5260"
DARK_TEXT, LIGHT_TEXT = "#0b1320", "#ffffff"
PROJECTOR_BACKGROUND = "#0b1320"

RGB = tuple[float, float, float]

MACHADO_2009 = {
    "protanopia": ((0.152286, 1.052583, -0.204868), (0.114503, 0.786281, 0.099216), (-0.003882, -0.048116, 1.051998)),
    "deuteranopia": ((0.367322, 0.860646, -0.227968), (0.280085, 0.672501, 0.047413), (-0.011820, 0.042940, 0.968881)),
    "tritanopia": ((1.255528, -0.076749, -0.178779), (-0.078411, 0.930809, 0.147602), (0.004733, 0.691367, 0.303900)),
}


def hex_rgb(colour: str) -> RGB:
    """``#rrggbb`` as sRGB components in 0…1."""
    value = colour.lstrip("#")
    return tuple(int(value[i:i + 2], 16) / 255 for i in (0, 2, 4))  # type: ignore[return-value]


def to_linear(c: float) -> float:
    """One sRGB component to linear light."""
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def to_srgb(c: float) -> float:
    """One linear component back to sRGB, clipped to 0…1."""
    c = min(max(c, 0.0), 1.0)
    return 12.92 * c if c <= 0.0031308 else 1.055 * c ** (1 / 2.4) - 0.055


def simulate(colour: str, deficiency: str) -> RGB:
    """The sRGB colour as seen with ``deficiency`` (a key of ``MACHADO_2009``)."""
    linear = [to_linear(c) for c in hex_rgb(colour)]
    matrix = MACHADO_2009[deficiency]
    return tuple(to_srgb(sum(m * c for m, c in zip(row, linear, strict=True))) for row in matrix)  # type: ignore


def washed_out(colour: str, white: float = 0.4) -> RGB:
    """A projector in a bright hall: the colour mixed ``white`` of the way towards white (in sRGB)."""
    return tuple(c + (1 - c) * white for c in hex_rgb(colour))  # type: ignore[return-value]


def lab(rgb: RGB) -> RGB:
    """sRGB (0…1) to CIE L*a*b*, D65 white."""
    r, g, b = (to_linear(c) for c in rgb)
    x = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047
    y = 0.2126 * r + 0.7152 * g + 0.0722 * b
    z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883

    def f(t: float) -> float:
        return t ** (1 / 3) if t > 216 / 24389 else (24389 / 27 * t + 16) / 116

    fx, fy, fz = f(x), f(y), f(z)
    return 116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz)


def delta_e(a: RGB, b: RGB) -> float:
    """CIE76 colour difference ΔE*ab between two sRGB colours (about 2.3 is just noticeable)."""
    return sum((p - q) ** 2 for p, q in zip(lab(a), lab(b), strict=True)) ** 0.5


def luminance(rgb: RGB) -> float:
    """WCAG 2 relative luminance."""
    r, g, b = (to_linear(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    """WCAG 2 contrast ratio of two colours (1…21)."""
    la, lb = sorted((luminance(hex_rgb(a)), luminance(hex_rgb(b))), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def text_colour(background: str) -> str:
    """Dark or white text, whichever contrasts more with ``background``."""
    return DARK_TEXT if contrast(background, DARK_TEXT) >= contrast(background, LIGHT_TEXT) else LIGHT_TEXT


VIEWS: dict[str, Callable[[str], RGB]] = {
    "normal": hex_rgb,
    "protanopia": lambda c: simulate(c, "protanopia"),
    "deuteranopia": lambda c: simulate(c, "deuteranopia"),
    "tritanopia": lambda c: simulate(c, "tritanopia"),
    "washed_out": washed_out,
}


def min_difference(colours: Sequence[str], view: Callable[[str], RGB]) -> float:
    """The smallest ΔE between any two of ``colours`` as ``view`` shows them."""
    seen = [view(c) for c in colours]
    return min(delta_e(seen[i], seen[j]) for i in range(len(seen)) for j in range(i + 1, len(seen)))
