"""Freezing the agreed scores at the end of the preliminary meeting: the fingerprint and the differences.

A freeze records, in the workbook, who froze and when, with a fingerprint: a SHA-256 over
every agreed value and the whole change log, so any later change to either gives a
different fingerprint. Two tabs extend the workbook contract (created on first use, their
columns in ``lib.core.grammar``):

- ``Chot`` [``Freeze``]: append-only events; the action is ``chốt`` (freeze) or ``mở chốt``
  (unfreeze). The last row says whether the scores are frozen now.
- ``ChotDiem`` [``FrozenScores``]: a copy of the agreed scores at the last freeze, against
  which later changes are shown as differences.

Each ``Chot`` row the app writes carries a signature (``Chữ ký``): HMAC-SHA256, keyed by the
server's secret, over the row's fields and the signature of the row before it that was obeyed,
so a row typed into the sheet, or an old row copied below a later one, is not obeyed; it is
reported at its cell (``freeze.unsigned``) and shown on the freeze page. The key reaches the
pure core as a parameter (``lib.edge.secret`` finds it).

Parsing the two tabs is part of the one parse pass (``lib.core.records``); writing them is
the store's (``lib.edge.store.set_frozen``), with the rows built by ``lib.core.writes``.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from decimal import Decimal

from lib.core.model import Difference, FreezeEvent, Scoresheet

SHORT = 12


def fingerprint(sheet: Scoresheet) -> str:
    """SHA-256 (hex) of every agreed value and every log row, in a canonical order."""
    agreed = sorted([c, p, _canonical(v)] for (c, p), v in sheet.agreed.items())
    log = [[e.time, e.user, e.province, e.criterion, e.old, e.new, e.reason] for e in sheet.log]
    text = json.dumps({"agreed": agreed, "log": log}, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _canonical(value: Decimal) -> str:
    """The value's digits with no exponent and no trailing zeros (``7.50`` and ``7.5`` are one value).

    Exact for any precision (``Decimal.normalize`` would round to the context's 28 digits, so two
    different values could share a fingerprint), and zero is ``0`` whatever its sign.

    >>> _canonical(Decimal("7.50")), _canonical(Decimal("1E+1")), _canonical(Decimal("-0.00"))
    ('7.5', '10', '0')
    """
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


SIGNED = "thidua-chot-v1"
"""What a signature is over, first: a signature made for anything else never verifies here."""


def sign(key: bytes, event: FreezeEvent, previous: str = "") -> str:
    """HMAC-SHA256 (hex) of ``event``'s fields and the ``previous`` obeyed row's signature.

    >>> e = FreezeEvent("12/03/2020 17:30:00", "Admin", "chốt", "ab" * 32)
    >>> sign(b"k", e) == sign(b"k", e) != sign(b"k", e, previous="00") != sign(b"other", e)
    True
    """
    fields = [SIGNED, previous, event.time, event.user, event.action, event.fingerprint, event.reason]
    text = json.dumps(fields, ensure_ascii=False, separators=(",", ":"))
    return hmac.new(key, text.encode("utf-8"), hashlib.sha256).hexdigest()


def verify(key: bytes, event: FreezeEvent, signature: str, previous: str = "") -> bool:
    """True when ``signature`` is ``sign(key, event, previous)`` (compared in constant time)."""
    return hmac.compare_digest(sign(key, event, previous), signature.strip().lower())


def short(fingerprint_hex: str) -> str:
    """The first characters of a fingerprint, as shown on screens and in the minutes."""
    return fingerprint_hex[:SHORT]


def differences(sheet: Scoresheet) -> list[Difference]:
    """Agreed values that differ from the frozen copy (empty when not frozen)."""
    state = sheet.freeze
    if not state.frozen:
        return []
    keys = sorted(set(sheet.agreed) | set(state.frozen_values))
    return [
        Difference(c, p, state.frozen_values.get((c, p)), sheet.agreed.get((c, p)))
        for c, p in keys
        if state.frozen_values.get((c, p)) != sheet.agreed.get((c, p))
    ]
