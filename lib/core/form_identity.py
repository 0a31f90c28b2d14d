"""Who a returned form belongs to: its signature, its heading, the province its file name names, clashes.

Pure: the signature is an HMAC-SHA256 (keyed by the server's form key, which the edge gives)
over the identity fields and the sheet's values when the form was made, exactly as
``lib.core.forms`` reads them back from the hidden tab, so an edit of either fails it.
The signature covers the hidden tab only: that whole tab, copied from another province's form
(the tracker page hands every form out), still verifies. The visible heading ``Đơn vị: … (mã …)``
above the table is what the province filled its numbers under; a heading naming another member
than the identity is an error that refuses the form (``heading_problem``).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from collections.abc import Mapping, Sequence
from decimal import Decimal

from lib.core.grammar import address, cell_at, code_text
from lib.core.model import Problem, Province, RawTab
from lib.core.text import fold

SIGNED_KEYS = ("form_version", "cluster", "year", "province", "generated_at")
"""The identity fields the signature covers (with the baseline values); the name is only shown."""


def identity_signature(key: bytes, meta: Mapping[str, object],
                       baseline: Mapping[tuple[str, str], Decimal | str | None]) -> str:
    """HMAC-SHA256 (hex) of the identity fields and the baseline values, as read from the identity tab."""
    fields = [code_text(meta.get(k)) for k in SIGNED_KEYS]
    values = [[code, tab, "" if v is None else format(v.normalize(), "f") if isinstance(v, Decimal) else v]
              for (code, tab), v in baseline.items()]
    message = json.dumps(["thidua-form", fields, values], ensure_ascii=False, separators=(",", ":"))
    return hmac.new(key, message.encode("utf-8"), hashlib.sha256).hexdigest()


_LEADING_CODE = re.compile(r"^\s*(\d+)(?!\d)")


def province_in_name(file_name: str, members: Sequence[Province]) -> Province | None:
    """The member a file name names: by a leading code (``62-…``), else by one name inside it (``…Kon-Tum…``)."""
    stem = file_name.rsplit("/", 1)[-1].rsplit("\\", 1)[-1]
    stem = stem[: -len(".xlsx")] if stem.lower().endswith(".xlsx") else stem
    if (match := _LEADING_CODE.match(stem)) is not None:
        return next((p for p in members if p.code == match.group(1)), None)
    folded = fold(stem)
    named = [p for p in members if fold(p.name) and fold(p.name) in folded]
    return named[0] if len(named) == 1 else None


def name_problem(file_name: str, province: Province, members: Sequence[Province]) -> Problem | None:
    """A warning when the file's name names another member than the form's identity."""
    named = province_in_name(file_name, members)
    if named is None or named.code == province.code:
        return None
    return Problem.warning(file_name, "form.name_other_province", file=file_name, named=named.name,
                           name=province.name)


_HEADING_CODE = re.compile(r"\(\s*(?:m[ãa]\s*)?([^()]*?)\s*\)\s*$", re.IGNORECASE)


def heading_problem(title: str, rows: RawTab, header_index: int, province: Province,
                    members: Sequence[Province], file_name: str = "") -> Problem | None:
    """An error when the table's heading (``Đơn vị: Bình Định (mã 52)``) names another member than ``province``.

    The heading is looked for above the header row (column A); none, or one naming no member, is no problem.
    """
    for index, row in enumerate(rows[:header_index]):
        text = cell_at(row, 0)
        if not isinstance(text, str) or not fold(text).startswith("donvi"):
            continue
        label = text.split(":", 1)[-1]
        code = _HEADING_CODE.search(label)
        named = next((p for p in members if code is not None and p.code == code.group(1).strip()), None)
        if named is None:
            name = fold(_HEADING_CODE.sub("", label))
            named = next((p for p in members if fold(p.name) == name), None)
        if named is None or named.code == province.code:
            return None
        return Problem.error(address(title, index + 1, 1), "form.heading_other_province", file=file_name or title,
                             heading=named.name, name=province.name)
    return None


def claim_clashes(claims: Sequence[tuple[str, Province | None]]) -> dict[str, Problem]:
    """file → an error, for every file of a batch whose province another file of the batch also claims."""
    by_province: dict[str, list[str]] = {}
    province_of: dict[str, Province] = {}
    for name, province in claims:
        if province is not None:
            by_province.setdefault(province.code, []).append(name)
            province_of[province.code] = province
    return {name: Problem.error(name, "form.same_province", name=province_of[code].name, files=", ".join(names))
            for code, names in by_province.items() if len(names) > 1 for name in names}
