"""Matching of names typed by people: tab names, headers, kinds and province names.

Two spellings match when they fold to the same key: Unicode normal form, case, spaces,
punctuation and accents are ignored, and ``Đ`` is taken as ``D`` (NFD leaves it whole),
as is its look-alike ``Ð`` (U+00D0, the Icelandic eth that some fonts and converters
produce for ``Đ``). So ``Đăk Nông``, ``Dak Nong``, ``DAK  NONG`` and ``Đắk Nông`` all
fold to ``daknong``.
"""

from __future__ import annotations

import unicodedata


def fold(text: object) -> str:
    """The matching key of ``text``.

    >>> fold("Đăk Nông") == fold("Dak Nong") == fold("DAK NONG") == "daknong"
    True
    >>> fold("Tiêu chí") == fold("TieuChi")
    True
    >>> fold(67)
    '67'
    """
    if text is None:
        return ""
    if isinstance(text, float) and text.is_integer():
        text = int(text)
    decomposed = unicodedata.normalize("NFD", str(text).casefold().translate(_D))
    return "".join(ch for ch in decomposed if ch.isalnum() and not unicodedata.combining(ch))


def vietnamese_sort_key(text: str) -> tuple[tuple[int, ...], tuple[int, ...], str]:
    """A sort key for Vietnamese alphabetical order: letters first, tone marks second.

    The alphabet is a ă â b c d đ e ê g h i k l m n o ô ơ p q r s t u ư v x y; tones
    sort as ngang, huyền, hỏi, ngã, sắc, nặng.

    >>> sorted(["Đắk Nông", "Gia Lai", "Bình Định", "Đà Nẵng", "Dak", "Ân"], key=vietnamese_sort_key)
    ['Ân', 'Bình Định', 'Dak', 'Đà Nẵng', 'Đắk Nông', 'Gia Lai']
    """
    letters: list[int] = []
    tones: list[int] = []
    for ch in unicodedata.normalize("NFC", text.casefold()):
        parts = unicodedata.normalize("NFD", ch)
        tone = next((_TONES.index(m) for m in parts if m in _TONES), -1) + 1
        letter = unicodedata.normalize("NFC", "".join(m for m in parts if m not in _TONES))
        letters.append(_ALPHABET.get(letter, 1000 + ord(letter[0])) if letter else 0)
        tones.append(tone)
    return tuple(letters), tuple(tones), text


_D = str.maketrans({"đ": "d", "ð": "d"})  # casefold() has already lowered Đ and Ð

_ALPHABET = {
    letter: index
    for index, letter in enumerate(
        [" ", *"0123456789", *"aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"]
    )
}
_TONES = ("\u0300", "\u0309", "\u0303", "\u0301", "\u0323")  # huyền, hỏi, ngã, sắc, nặng
