"""Who a returned form belongs to: its signature, the province its file name names, clashes in a batch.

Pure: the signature is an HMAC-SHA256 (keyed by the server's form key, which the edge gives)
over the identity fields and the sheet's values when the form was made, exactly as
``lib.core.forms`` reads them back from the hidden tab, so an edit of either fails it.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from collections.abc import Mapping, Sequence
from decimal import Decimal

from lib.core.grammar import code_text
from lib.core.model import Problem, Province
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
