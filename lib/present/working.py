"""The working of a computed score in words and numbers, Vietnamese style.

``working_text`` turns a ``Working`` (lib.core.model) into the line the meeting reads, e.g.
``vượt 8,00 % · dẫn đầu 13,33 % (Khánh Hòa) · 4,00 + 4,00 × 8,00/13,33 = 6,40``. The words
come from the catalogue; numbers use the decimal comma in both languages, like every table.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from lib.core.model import Direction, Method, Working
from lib.present.catalogue import t
from lib.present.formatting import vn_number

HUNDRED = Decimal(100)


def _pct(value: Decimal | None) -> str:
    return vn_number(None if value is None else value * HUNDRED)


def _plain(value: Decimal | None) -> str:
    """A target or result as typed: no trailing zeros (``7,5``, ``21000``)."""
    if value is None:
        return ""
    return format(value.normalize(), "f").replace(".", ",")


def working_text(working: Working, names: Mapping[str, str] | None = None, lang: str = "vi") -> str:
    """The working of one computed score as one line."""
    names = names or {}
    who = ", ".join(names.get(code, code) for code in working.leaders)
    score = vn_number(working.score)
    clamp = f" → {score}" if working.clamped else ""
    n = vn_number
    if working.method is Method.TARGET:
        return _target(working, who, lang, clamp)
    if working.method is Method.RELATIVE:
        if working.case == "no_leader":
            return t("working.relative_none", lang, best=_plain(working.leader_value), score=score)
        lower = working.direction is Direction.LOWER
        top, bottom = (working.leader_value, working.result) if lower else (working.result, working.leader_value)
        if lower and working.result == 0:
            return t("working.relative_zero", lang, score=score)
        return t("working.relative", lang, best=_plain(working.leader_value), who=who, max=n(working.max_points),
                 top=_plain(top), bottom=_plain(bottom), score=score)
    if working.method is Method.PASS_FAIL:
        return t(f"working.{working.case}", lang, score=score)
    return t("working.count", lang, count=_plain(working.result), factor=_plain(working.factor),
             raw=n(working.raw), score=score, capped=f" → {score}" if working.raw > working.max_points else "")


def _target(w: Working, who: str, lang: str, clamp: str) -> str:
    n = vn_number
    if w.case == "met":
        return t("working.met", lang, base=n(w.base), score=n(w.score))
    if w.case == "not_met":
        return t("working.not_met", lang, ratio=_pct(w.ratio), base=n(w.base), score=n(w.raw), clamp=clamp)
    return t("working.exceeded", lang, excess=_pct(w.excess), leader=_pct(w.leader_value), who=who,
             base=n(w.base), spread=n(w.spread), score=n(w.score))


def method_label(working: Working | None, lang: str = "vi") -> str:
    """The method's name (and direction) for a table column, blank for a typed criterion."""
    if working is None:
        return ""
    label = t(f"method.{working.method.name.lower()}", lang)
    return label + (" · " + t("direction.lower", lang) if working.direction is Direction.LOWER
                    and working.method in (Method.TARGET, Method.RELATIVE) else "")
