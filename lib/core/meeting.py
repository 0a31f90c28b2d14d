"""The preliminary meeting's shared state (pure): the province the secretary has open, her unsaved changes.

The review page writes it whenever the secretary picks a province or types a change
(``lib.edge.meeting`` keeps it durable, like the ceremony's step); the hall's screen
(``/?view=meeting``) reads it and shows that province, and what the unsaved changes would do
to the ranking. It is not part of the record: nothing here reaches the workbook.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from lib.core.model import Adjustment, Scoresheet

__all__ = ["Meeting", "decode_pending", "encode_pending", "under_discussion"]


@dataclass(frozen=True)
class Meeting:
    """What the hall's screen follows: a province code (None before the secretary opens one) and her pending edits."""

    province: str | None = None
    pending: tuple[Adjustment, ...] = ()


def _number(value: object) -> Decimal | None:
    if value is None:
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def encode_pending(pending: Sequence[Adjustment]) -> str:
    """The pending adjustments as JSON text (numbers as exact decimal strings)."""
    return json.dumps([[a.criterion, a.province, None if a.old is None else str(a.old),
                        None if a.new is None else str(a.new), a.reason, a.tab] for a in pending],
                      ensure_ascii=False)


def decode_pending(text: str) -> tuple[Adjustment, ...]:
    """``encode_pending``'s text back; an unreadable entry is left out (the screen is a view, never an error).

    >>> from decimal import Decimal
    >>> decode_pending(encode_pending([Adjustment("1.1", "51", None, Decimal("7.5"), "GRDP")]))
    (Adjustment(criterion='1.1', province='51', old=None, new=Decimal('7.5'), reason='GRDP', tab='ThongNhat'),)
    """
    try:
        rows = json.loads(text or "[]")
    except ValueError:
        return ()
    out = []
    for row in rows if isinstance(rows, list) else []:
        if isinstance(row, list) and len(row) == 6 and row[5] in ("ThongNhat", "KeHoach", "KetQua"):
            out.append(Adjustment(str(row[0]), str(row[1]), _number(row[2]), _number(row[3]), str(row[4]), row[5]))
    return tuple(out)


def under_discussion(sheet: Scoresheet, criterion: str, province: str, warned: bool) -> bool:
    """Whether a criterion is still open for ``province``: no agreed score yet, a claim that differs
    from the computed score, or a warning at the cell (``warned``)."""
    key = (criterion, province)
    own, computed = sheet.self_scores.get(key), sheet.computed.get(key)
    return warned or key not in sheet.agreed or (computed is not None and own is not None and own != computed)
