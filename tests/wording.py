"""Test helpers that read refusals and problems in words, through the UI catalogue."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from lib.present.catalogue import explain


@contextmanager
def raises_saying(kind: type[BaseException], pattern: str, lang: str = "vi") -> Iterator[pytest.ExceptionInfo]:
    """Like ``pytest.raises(kind, match=pattern)``, matching the error as the screen words it."""
    with pytest.raises(kind) as caught:
        yield caught
    words = explain(caught.value, lang)
    assert re.search(pattern, words), f"{pattern!r} not in {words!r}"


def said(refusal: object, lang: str = "vi") -> str:
    """A coded refusal (e.g. ``lib.core.auth.Refusal``) as the screen words it."""
    from lib.present.catalogue import word

    return word(refusal.code, refusal.params, lang)  # type: ignore[attr-defined]
