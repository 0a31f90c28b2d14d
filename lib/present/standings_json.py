"""The standings as JSON: the command line's document and the live endpoints' document.

Both carry the same ``standings`` rows (totals as strings with exactly two decimals, so
that they compare exactly). The live document adds what a phone or a cache needs to
know about the data: its version, when it was read, whether it is stale or frozen, the
fingerprint of the agreed values, and on each row why it is above or below a province
showing the same total (the command line's rows stay as the design fixes them).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json

from lib.core.ceremony import NO_CEREMONY, Ceremony, held_back
from lib.core.evaluation import Evaluation
from lib.core.freeze import fingerprint
from lib.core.history import Comparison
from lib.core.model import Standing
from lib.present.catalogue import LANGUAGES, describe
from lib.present.formatting import two_decimals
from lib.present.history_view import json_field
from lib.present.order_text import reason_text


def standings_rows(evaluation: Evaluation, history: Comparison | None = None) -> list[dict]:
    """One object per province, in rank order, as in the CLI's JSON (``last_year`` too with ``[history]``)."""
    return [_row(s, history) for s in evaluation.standings]


def _row(s: Standing, history: Comparison | None = None) -> dict:
    return {
        "code": s.code,
        "name": s.province.name,
        "self_total": two_decimals(s.self_total),
        "agreed_total": two_decimals(s.agreed_total),
        "provisional": s.provisional,
        "rank": s.rank,
        "needs_vote": s.needs_vote,
        "award": s.award,
    } | ({"last_year": json_field(history, s.code)} if history is not None else {})


def reason_rows(standing: Standing, names: dict[str, str]) -> list[dict]:
    """The standing's order reasons for the live document: the facts, exact, and their words per language.

    ``difference`` and the sums are exact strings (``"0.0001"``), not two decimals: they are
    what two decimals hide. ``text`` is what a page shows, worded here so every page agrees.
    """
    return [
        {
            "kind": r.kind,
            "other": r.other.code,
            "ahead": r.ahead,
            "difference": str(r.difference),
            "group": r.group,
            "own_sum": None if r.own_sum is None else str(r.own_sum),
            "other_sum": None if r.other_sum is None else str(r.other_sum),
            "cells": [{"criterion": c.criterion, "province": c.province, "cell": c.cell, "value": str(c.value)}
                      for c in r.cells],
            "vote": r.vote or None,
            "text": {lang: reason_text(r, names, lang) for lang in LANGUAGES},
        }
        for r in standing.order_reasons
    ]


def as_document(evaluation: Evaluation) -> dict:
    """The JSON document of the design's command-line contract."""
    return {
        "problems": [
            {"severity": p.severity.value, "cell": p.cell, "message": describe(p)} for p in evaluation.problems
        ],
        "standings": standings_rows(evaluation),
    }


def live_document(
    evaluation: Evaluation, *, cluster: str, year: int, version: int, fetched_at: dt.datetime, stale: bool,
    history: Comparison | None = None,
    state: Ceremony = NO_CEREMONY,
) -> dict:
    """The document of ``/api/standings`` and of every ``/api/events`` message.

    Its standings rows are the command line's plus ``order_reasons`` (``reason_rows``): why a
    province is above or below one that shows the same total (empty for most).

    While the ceremony ``state`` covers award places, the document holds back exactly what the
    projector covers (``lib.core.ceremony.held_back``): a covered place is ``{"rank": 1, "covered":
    true}`` and nothing more; ``held_back`` is true, and the ``fingerprint`` of the agreed values is
    left out (it would change with a covered value, so the content id would too).
    """
    names = {p.code: p.name for p in evaluation.sheet.provinces}
    view = held_back(evaluation.standings, state)
    document: dict = {
        "cluster": cluster,
        "year": year,
        "version": version,
        "fetched_at": fetched_at.isoformat(timespec="seconds"),
        "stale": stale,
        "frozen": evaluation.freeze.frozen,
        "freeze_broken": evaluation.freeze.broken,  # frozen, but the sheet no longer gives the signed fingerprint
        "freeze_broken_cells": list(evaluation.freeze.broken_cells),
        "freeze_unverified": evaluation.freeze.key_mismatch,  # signed rows this server's key cannot check
    }
    if not view.holding:
        document["fingerprint"] = fingerprint(evaluation.sheet)
    document["held_back"] = view.holding
    document["standings"] = ([{"rank": rank, "covered": True} for rank in view.covered]
                             + [{**_row(s, history), "order_reasons": reason_rows(s, names)} for s in view.standings])
    return document


def encode(document: dict) -> bytes:
    """Compact UTF-8 JSON (one line, so that it fits one SSE ``data:`` field)."""
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def etag(body: bytes) -> str:
    """A strong entity tag for ``body``.

    >>> etag(b"{}")
    '"44136fa355b3678a"'
    """
    return '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
