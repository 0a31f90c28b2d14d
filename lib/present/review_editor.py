"""The review page's editor table: rows to pandas for ``st.data_editor``, and the edits back.

Pure presentation: ``ReviewRow`` values in, a ``DataFrame`` out; the edited frame in, the
``Edit`` values ``lib.core.review.pending_adjustments`` reads out.
"""

from __future__ import annotations

import numbers
from collections.abc import Mapping, Sequence
from decimal import Decimal

import pandas as pd

from lib.core.cells import parse_score
from lib.core.errors import CellParseError
from lib.core.review import Edit, ReviewRow, edit_number
from lib.present.catalogue import word
from lib.present.formatting import vn_number, vn_score
from lib.present.working import working_text

EDITOR_COLUMNS = ("code", "criterion", "max", "self", "agreed", "new", "reason", "evidence", "flag", "computed",
                  "working")
"""Column ids of the review editor; the page labels them from the UI catalogue."""
READ_ONLY = ("code", "criterion", "max", "self", "evidence", "agreed", "flag", "computed", "working")


def editor_frame(rows: Sequence[ReviewRow], prefill: Sequence[Edit] = (), lang: str = "vi",
                 names: Mapping[str, str] | None = None) -> pd.DataFrame:
    """The table the secretary edits: "new" starts at the agreed value (or a prefill), "reason" empty.

    A computed criterion also shows its computed score and the working (``names``: province
    names for the leader).

    Numbers are text with the decimal comma, as everywhere else in the app ("8,00"); what the
    secretary types in "new" is read like a sheet cell (``8,5`` or ``8.5``).
    """
    filled = {e.criterion: e for e in prefill}
    records = []
    for r in rows:
        edit = filled.get(r.criterion.code)
        new = edit.new if edit else r.agreed
        records.append({
            "code": r.criterion.code,
            "criterion": r.criterion.text,
            "max": vn_number(r.criterion.max_points),
            "self": vn_number(r.self_score),
            "evidence": r.evidence,
            "agreed": vn_number(r.agreed),
            "new": vn_score(_prefill_number(new)),  # as a score is typed, with the decimal comma: "8,5"
            "reason": edit.reason if edit else "",
            "flag": word(*r.unlogged, lang) if r.unlogged else "",
            "computed": vn_number(r.computed),
            "working": working_text(r.working, names, lang) if r.working else "",
        })
    return pd.DataFrame(records, columns=list(EDITOR_COLUMNS))


def edits_from_frame(frame: pd.DataFrame) -> list[Edit]:
    """The secretary's edits back from the editor's table (blank "new" = clear the agreed value)."""
    edits = []
    for record in frame.to_dict("records"):
        reason = record.get("reason")
        edits.append(Edit(str(record["code"]), _cell(record.get("new")), "" if _blank(reason) else str(reason)))
    return edits


def _blank(value: object) -> bool:
    """True for what a data editor gives back for an empty cell: None, NaN, ``pd.NA``, blank text."""
    if isinstance(value, str):
        return not value.strip()
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):  # pragma: no cover - a list-like cell: not blank
        return False


def _cell(value: object) -> object:
    """The "new" cell as ``pending_adjustments`` reads it: None when blank, a number as the sheet keeps it
    (15 significant digits: 9.1 is ``Decimal("9.1")``, float noise like 0.30000000000000004 is 0.3), text
    read with the decimal comma (``"9,1"`` is ``Decimal("9.1")``), or kept as typed when it is not a score
    (``pending_adjustments`` reports it)."""
    if _blank(value):
        return None
    if isinstance(value, str):
        try:
            return parse_score(value)
        except CellParseError:
            return value
    if isinstance(value, numbers.Real) and not isinstance(value, bool):
        try:
            return parse_score(float(value))
        except CellParseError:  # ±inf: left for pending_adjustments to report
            return value
    return value


def _prefill_number(value: object) -> Decimal | None:
    """A prefilled new value as a number for the editor (None when blank or not a score)."""
    try:
        return edit_number(value)
    except CellParseError:
        return None

