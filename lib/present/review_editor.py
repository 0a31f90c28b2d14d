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
from lib.core.model import Adjustment, Scoresheet
from lib.core.review import Edit, ReviewRow, edit_number
from lib.present.catalogue import t, word
from lib.present.formatting import quantity, score
from lib.present.working import working_text

EDITOR_COLUMNS = ("code", "criterion", "max", "self", "agreed", "new", "reason", "evidence", "flag", "computed",
                  "working")
"""Column ids of the review editor; the page labels them from the UI catalogue."""
READ_ONLY = ("code", "criterion", "max", "self", "evidence", "agreed", "flag", "computed", "working")


_WIDTHS = {"code": 44, "criterion": 220, "max": 0, "self": 0, "agreed": 0, "new": 0, "reason": 170, "evidence": 140,
           "flag": 0, "computed": 0, "working": 210}
_LABELS = {"max": "col.max", "self": "col.self", "agreed": "review.col.agreed", "new": "review.col.new",
           "flag": "review.col.flag", "computed": "col.computed"}
# Measured in Chromium on the grid's header font (Source Sans, 14 px): Vietnamese headers average 6.5 px a
# letter ("Điểm thống nhất mới" 127 px), English 6.0; 7 px leaves room for wide letters. The padding holds
# the cell's 8 px either side and the menu icon shown on hover; an editable column adds its pencil icon.
CHAR_PX, HEADER_PAD_PX, EDIT_ICON_PX = 7.0, 36, 22
GRID_PX_AT_1920 = 1572
"""The grid's width on the review page at 1920 px (sidebar open): every column fits in it, the working included."""


def column_widths(lang: str = "vi") -> dict[str, int]:
    """Pixel widths of the editor's columns: the number columns as wide as their header (never cut),
    the text columns fixed (their cells wrap: the grid's rows are tall enough)."""
    return {key: width or round(len(t(_LABELS[key], lang)) * CHAR_PX + HEADER_PAD_PX
                                + (EDIT_ICON_PX if key not in READ_ONLY else 0))
            for key, width in _WIDTHS.items()}


def change_summary(sheet: Scoresheet, adjustments: Sequence[Adjustment], lang: str = "vi") -> tuple[str, str]:
    """The province's name and the changes as one line: ``1.1: 7,25 → 5,00; 2.3: (trống) → 4,00``.

    Scores with two decimals, a corrected target or result as the quantity it is (``18.000``).
    """
    names = {p.code: p.name for p in sheet.provinces}
    blank = word("blank", (), lang)
    province = ", ".join(dict.fromkeys(names.get(a.province, a.province) for a in adjustments))
    tabs = {"KeHoach": t("fix.tab.KeHoach", lang), "KetQua": t("fix.tab.KetQua", lang)}

    def value(a: Adjustment, v: Decimal | None) -> str:  # a target or result is a quantity, not a score
        return quantity(v, lang, blank) if a.tab in tabs else score(v, lang, blank)

    changes = "; ".join(f"{a.criterion}{' (' + tabs[a.tab] + ')' if a.tab in tabs else ''}: "
                        f"{value(a, a.old)} → {value(a, a.new)}" for a in adjustments)
    return province, changes


def editor_frame(rows: Sequence[ReviewRow], prefill: Sequence[Edit] = (), lang: str = "vi",
                 names: Mapping[str, str] | None = None) -> pd.DataFrame:
    """The table the secretary edits: "new" starts at the agreed value (or a prefill), "reason" empty.

    A computed criterion also shows its computed score and the working (``names``: province
    names for the leader).

    Numbers are text in the screen's one format, as everywhere else in the app (Vietnamese "8,00",
    English "8.00"); what the secretary types in "new" is read like a sheet cell (``8,5`` or ``8.5``).
    """
    filled = {e.criterion: e for e in prefill}
    records = []
    for r in rows:
        edit = filled.get(r.criterion.code)
        new = edit.new if edit else r.agreed
        records.append({
            "code": r.criterion.code,
            "criterion": r.criterion.text,
            "max": score(r.criterion.max_points, lang),
            "self": score(r.self_score, lang),
            "evidence": r.evidence,
            "agreed": score(r.agreed, lang),
            "new": score(_prefill_number(new), lang),  # in the screen's format; "8,5" and "8.5" are both read
            "reason": edit.reason if edit else "",
            "flag": word(*r.unlogged, lang) if r.unlogged else "",
            "computed": score(r.computed, lang),
            "working": working_text(r.working, names, lang) if r.working else "",
        })
    return pd.DataFrame(records, columns=list(EDITOR_COLUMNS))


def with_edits(frame: pd.DataFrame, editing: object) -> pd.DataFrame:
    """``frame`` with the grid's edits applied, as ``st.data_editor`` returns it: ``editing`` is the grid's
    session state (``{"edited_rows": {row position: {column: value}}, ...}``), or None before any edit.

    Only the editable columns are taken, by position within the frame; anything else in it is ignored
    (the grid's rows are fixed: nothing is added or deleted). A value that is not text (only a forged
    request sends one) is made text, as ``st.data_editor`` does for a text column, so it is read and
    refused as what it is, never an exception before the page is drawn.
    """
    rows = editing.get("edited_rows") if isinstance(editing, Mapping) else None
    if not rows:
        return frame
    edited = frame.copy()
    for position, changes in rows.items():
        try:
            index = int(position)
        except (TypeError, ValueError):
            continue
        if not 0 <= index < len(edited) or not isinstance(changes, Mapping):
            continue
        for column, value in changes.items():
            if column in edited.columns and column not in READ_ONLY:  # text columns: read as the grid's str()
                edited.iat[index, edited.columns.get_loc(column)] = None if value is None else str(value)
    return edited


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

