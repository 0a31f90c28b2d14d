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

The votes (``BieuQuyet``) and nominations (``DeCu``) are signed the same way (``sign_row``),
each tab with its own domain string, so a signature made for one tab never verifies in another.

The frozen copy is bound to the signed fingerprint (``bind``): each ``ChotDiem`` row carries its
own signature over the fingerprint, its code and its values, and the copy with the log as it
was at the freeze must give the fingerprint again. When it does not, or an agreed score differs
from the copy, the freeze is *broken* (``FreezeState.breaks`` names the cells): still a freeze
for writes, shown as broken on every screen.

Parsing the tabs is part of the one parse pass (``lib.core.records``); writing them is
the store's (``lib.edge.store``), with the rows built by ``lib.core.writes``.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Mapping, Sequence
from dataclasses import replace
from decimal import Decimal

from lib.core.model import (
    CellKey,
    Difference,
    FreezeBreak,
    FreezeEvent,
    FreezeState,
    LogEntry,
    Scoresheet,
    SeenFreezeRow,
)

SHORT = 12


COUNTED, AGREED = "counted", "agreed"
"""What a fingerprint covers: every score that counts (``counted``, since a TuCham, KeHoach or KetQua
edit after a freeze moves a province whose cell was never agreed), or, in freezes made before, only
the agreed cells (``agreed``); the JSON field name tells the two apart, so one can never pass for the other."""


def counted_values(sheet: Scoresheet) -> dict[CellKey, Decimal]:
    """Every score that counts now, keyed by (criterion, province): agreed, else computed, else self-scored."""
    return {(c.code, p.code): v for c in sheet.criteria for p in sheet.provinces
            if (v := sheet.score((c.code, p.code))) is not None}


def fingerprint(sheet: Scoresheet) -> str:
    """SHA-256 (hex) of every score that counts and every log row, in a canonical order."""
    done = _running(COUNTED, counted_values(sheet))
    for k, entry in enumerate(sheet.log):
        done.update(((',' if k else '') + _dumps(_log_fields(entry))).encode("utf-8"))
    done.update(b"]}")
    return done.hexdigest()


def _running(covers: str, values: Mapping[CellKey, Decimal]) -> hashlib._Hash:
    """The hash of a fingerprint's text up to its log's first row (``{"counted":[…],"log":[``)."""
    rows = sorted([c, p, _canonical(v)] for (c, p), v in values.items())
    return hashlib.sha256(('{"' + covers + '":' + _dumps(rows) + ',"log":[').encode("utf-8"))


def _log_fields(e: LogEntry) -> list[str]:
    return [e.time, e.user, e.province, e.criterion, e.old, e.new, e.reason]


def log_prefix_matches(values: Mapping[CellKey, Decimal], log: Sequence[LogEntry], wanted: str,
                       covers: str = COUNTED) -> bool:
    """True when ``values`` with the first k rows of ``log``, for some k, give the fingerprint ``wanted``.

    The log is append-only and a freeze does not stop votes from logging, so the fingerprint
    signed at the freeze is that of the log as it was then: one pass over the rows, hashing
    every prefix from a running copy of the hash (``fingerprint``'s exact text). ``covers`` says
    which kind of fingerprint (``COUNTED``, or ``AGREED`` for a freeze made before it).
    """
    running = _running(covers, values)
    for k, entry in enumerate([None, *log]):
        if entry is not None:
            running.update(((',' if k > 1 else '') + _dumps(_log_fields(entry))).encode("utf-8"))
        done = running.copy()
        done.update(b"]}")
        if hmac.compare_digest(done.hexdigest(), wanted):
            return True
    return False


def _dumps(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


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


VOTES_SIGNED = "thidua-bieuquyet-v1"
NOMINATIONS_SIGNED = "thidua-decu-v1"
COPY_SIGNED = "thidua-chotdiem-v1"


def sign_row(key: bytes, domain: str, fields: Sequence[str], previous: str = "") -> str:
    """HMAC-SHA256 (hex) over ``domain``, the ``previous`` obeyed row's signature and ``fields``.

    >>> sign_row(b"k", VOTES_SIGNED, ["v1"]) != sign_row(b"k", NOMINATIONS_SIGNED, ["v1"])
    True
    """
    text = json.dumps([domain, previous, *fields], ensure_ascii=False, separators=(",", ":"))
    return hmac.new(key, text.encode("utf-8"), hashlib.sha256).hexdigest()


def verify_row(key: bytes, domain: str, fields: Sequence[str], signature: str, previous: str = "") -> bool:
    """True when ``signature`` is ``sign_row(key, domain, fields, previous)`` (compared in constant time)."""
    return hmac.compare_digest(sign_row(key, domain, fields, previous), signature.strip().lower())


def sign(key: bytes, event: FreezeEvent, previous: str = "") -> str:
    """HMAC-SHA256 (hex) of ``event``'s fields and the ``previous`` obeyed row's signature.

    >>> e = FreezeEvent("12/03/2020 17:30:00", "Admin", "chốt", "ab" * 32)
    >>> sign(b"k", e) == sign(b"k", e) != sign(b"k", e, previous="00") != sign(b"other", e)
    True
    """
    return sign_row(key, SIGNED, [event.time, event.user, event.action, event.fingerprint, event.reason], previous)


def verify(key: bytes, event: FreezeEvent, signature: str, previous: str = "") -> bool:
    """True when ``signature`` is ``sign(key, event, previous)`` (compared in constant time)."""
    return hmac.compare_digest(sign(key, event, previous), signature.strip().lower())


def copy_row_fields(fingerprint_hex: str, code: str, values: Sequence[tuple[str, Decimal | None]]) -> list[str]:
    """What a ``ChotDiem`` row's signature is over: the freeze's fingerprint, the code, each member's value."""
    return [fingerprint_hex, code, *(f"{p}={'' if v is None else _canonical(v)}" for p, v in values)]


def bind(sheet: Scoresheet, places: Mapping[CellKey, str]) -> Scoresheet:
    """``sheet`` with its standing freeze checked against the signed fingerprint (``FreezeState.breaks``).

    ``places`` names the cell each counted score comes from (the agreed cell, the self-score's, or
    the result behind a computed one). Breaks already found while reading the copy (rows whose own
    signature fails) are kept; the scores that differ from the copy are added; and when the copy
    with the log at the freeze does not give the fingerprint while no row was found changed, the
    tabs are named (the copy; with the log when today's scores do not give it either).
    """
    state = sheet.freeze
    if not state.frozen or state.last is None:
        return sheet
    wanted = state.last.fingerprint.strip().lower()
    covers = next((c for c in (COUNTED, AGREED) if log_prefix_matches(state.frozen_values, sheet.log, wanted, c)),
                  AGREED if state.frozen_values and set(state.frozen_values) <= set(sheet.agreed) else COUNTED)
    state = replace(state, covers=covers)
    sheet = replace(sheet, freeze=state)
    breaks = list(state.breaks)
    for d in differences(sheet):
        key = (d.criterion, d.province)
        cells = tuple(c for c in (places.get(key), state.frozen_places.get(key)) if c)
        breaks.append(FreezeBreak("agreed", cells, d.criterion, d.province, d.frozen, d.now))
    if not state.breaks and not log_prefix_matches(state.frozen_values, sheet.log, wanted, covers):
        # the copy changed (today's scores still give the fingerprint), or the copy and/or the log
        # before the freeze changed in a way no row signature pins down: name the tabs
        now_ok = log_prefix_matches(frozen_now(sheet), sheet.log, wanted, covers)
        breaks.append(FreezeBreak("copy", ("ChotDiem",) if now_ok else ("ChotDiem", "NhatKy")))
    return replace(sheet, freeze=replace(state, breaks=tuple(breaks)))


def frozen_now(sheet: Scoresheet) -> Mapping[CellKey, Decimal]:
    """Today's values of what the standing freeze covers: every counted score, or (an older freeze) the agreed."""
    return sheet.agreed if sheet.freeze.covers == AGREED else counted_values(sheet)


def recall(state: FreezeState, seen: Sequence[SeenFreezeRow]) -> FreezeState:
    """``state`` with the signed rows a host saw obeyed (``seen``) that the sheet no longer has.

    ``Chot`` is append-only and every row is signed over the one before, so a signed row can
    leave it only by hand (a deleted freeze row reads as "never frozen"; a sheet restored from an
    older copy). Such rows are ``removed``: the freeze then reads as the rows seen say (frozen if
    the last of them froze) and is broken until an admin writes a new signed row through the app,
    which signs over what the sheet holds now; a missing row seen before a row that is present
    and was seen after it is thereby accepted as gone.
    """
    if not seen or state.key_mismatch:
        return state
    order = {row.signature: row.position for row in seen}
    present = set(state.chain)
    newest = max((order[s] for s in state.chain if s in order), default=-1)
    removed = tuple(row for row in sorted(seen, key=lambda r: r.position)
                    if row.signature not in present and row.position > newest)
    if not removed:
        return state
    known = [row.event for row in sorted(seen, key=lambda r: r.position)]
    newer = [e for e, s in zip(state.events, state.chain, strict=True) if s not in order]
    return replace(state, events=(*known, *newer), removed=removed)


def short(fingerprint_hex: str) -> str:
    """The first characters of a fingerprint, as shown on screens and in the minutes."""
    return fingerprint_hex[:SHORT]


def differences(sheet: Scoresheet) -> list[Difference]:
    """Scores that differ from the frozen copy (empty when not frozen): every counted score since the
    copy holds them all; only the agreed ones against a copy made before (``FreezeState.covers``)."""
    state = sheet.freeze
    if not state.frozen:
        return []
    now = frozen_now(sheet)
    keys = sorted(set(now) | set(state.frozen_values))
    return [
        Difference(c, p, state.frozen_values.get((c, p)), now.get((c, p)))
        for c, p in keys
        if state.frozen_values.get((c, p)) != now.get((c, p))
    ]
