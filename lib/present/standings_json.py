"""The standings as JSON: the command line's document and the live endpoints' document.

Both carry the same ``standings`` rows (totals as strings with exactly two decimals, so
that they compare exactly). The live document adds what a phone or a cache needs to
know about the data: its version, when it was read, whether it is stale or frozen, and
the fingerprint of the agreed values.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json

from lib.core.evaluation import Evaluation
from lib.core.freeze import fingerprint
from lib.present.catalogue import describe
from lib.present.formatting import two_decimals


def standings_rows(evaluation: Evaluation) -> list[dict]:
    """One object per province, in rank order, as in the CLI's JSON."""
    return [
        {
            "code": s.code,
            "name": s.province.name,
            "self_total": two_decimals(s.self_total),
            "agreed_total": two_decimals(s.agreed_total),
            "provisional": s.provisional,
            "rank": s.rank,
            "needs_vote": s.needs_vote,
            "award": s.award,
        }
        for s in evaluation.standings
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
    evaluation: Evaluation, *, cluster: str, year: int, version: int, fetched_at: dt.datetime, stale: bool
) -> dict:
    """The document of ``/api/standings`` and of every ``/api/events`` message."""
    return {
        "cluster": cluster,
        "year": year,
        "version": version,
        "fetched_at": fetched_at.isoformat(timespec="seconds"),
        "stale": stale,
        "frozen": evaluation.freeze.frozen,
        "freeze_broken": evaluation.freeze.broken,  # frozen, but the sheet no longer gives the signed fingerprint
        "freeze_broken_cells": [c for b in evaluation.freeze.breaks for c in b.cells] if evaluation.freeze.broken
        else [],
        "freeze_unverified": evaluation.freeze.key_mismatch,  # signed rows this server's key cannot check
        "fingerprint": fingerprint(evaluation.sheet),
        "standings": standings_rows(evaluation),
    }


def encode(document: dict) -> bytes:
    """Compact UTF-8 JSON (one line, so that it fits one SSE ``data:`` field)."""
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def etag(body: bytes) -> str:
    """A strong entity tag for ``body``.

    >>> etag(b"{}")
    '"44136fa355b3678a"'
    """
    return '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
