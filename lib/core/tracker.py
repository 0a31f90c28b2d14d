"""Who has sent what before the meeting: self-scores and evidence per province, against deadlines.

The cluster config gives the deadline for the self-score tables and how many days before
the conference criteria still without results may be supplemented. Pure: the evaluation,
config and today's date in; one ``Progress`` per province out.
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass

from lib.core.config import ClusterConfig
from lib.core.evaluation import Evaluation
from lib.core.forms import IMPORT_REASON
from lib.core.model import Province, Scoresheet
from lib.core.text import fold


class Status(enum.Enum):
    """Where a province stands with its submission."""

    COMPLETE = "complete"  # every criterion self-scored
    PENDING = "pending"  # incomplete, the table deadline not yet passed
    SUPPLEMENTING = "supplementing"  # incomplete, within the supplement window
    OVERDUE = "overdue"  # incomplete after the last deadline (or nothing sent after the first)


@dataclass(frozen=True)
class Progress:
    """One province's submission: counts, what is missing, and the deadline that applies."""

    province: Province
    scored: int
    total: int
    missing: tuple[str, ...]
    with_evidence: int
    status: Status
    due: dt.date | None
    days_left: int | None
    last_import: str | None = None  # when its last form was imported (the log's time), None: never

    @property
    def overdue(self) -> bool:
        """True when the province is late."""
        return self.status is Status.OVERDUE


def supplement_due(config: ClusterConfig) -> dt.date | None:
    """The last day to supplement missing criteria: N days before the conference."""
    if config.conference is None:
        return None
    return config.conference.date() - dt.timedelta(days=config.supplement_days_before)


def progress(evaluation: Evaluation, config: ClusterConfig, today: dt.date) -> list[Progress]:
    """Every member's submission progress, most missing first (then by name order of the config)."""
    sheet = evaluation.sheet
    codes = [c.code for c in sheet.criteria]
    table_due, last_due = config.self_scores_due, supplement_due(config)
    imported = last_imports(sheet)
    rows = []
    for province in config.provinces:
        missing = tuple(c for c in codes if sheet.own((c, province.code)) is None)
        evidence = sum(1 for c in codes if sheet.evidence.get((c, province.code)))
        status, due = _status(len(codes) - len(missing), len(missing), table_due, last_due, today)
        rows.append(Progress(province, len(codes) - len(missing), len(codes), missing, evidence, status, due,
                             (due - today).days if due else None, imported.get(province.code)))
    order = {p.code: i for i, p in enumerate(config.provinces)}
    return sorted(rows, key=lambda r: (-len(r.missing), order[r.province.code]))


def _status(scored: int, missing: int, table_due: dt.date | None, last_due: dt.date | None,
            today: dt.date) -> tuple[Status, dt.date | None]:
    if not missing:
        return Status.COMPLETE, None
    if table_due is not None and today <= table_due:
        return Status.PENDING, table_due
    if scored == 0 and table_due is not None:
        return Status.OVERDUE, table_due  # no table at all after its deadline
    if last_due is not None and today <= last_due:
        return Status.SUPPLEMENTING, last_due
    return Status.OVERDUE, last_due or table_due


def last_imports(sheet: Scoresheet) -> dict[str, str]:
    """Province code -> the time of the last log row written by importing its form."""
    keys = {fold(s): p.code for p in sheet.provinces for s in (p.code, p.name, *p.aliases)}
    found: dict[str, str] = {}
    for entry in sheet.log:
        code = keys.get(fold(entry.province))
        if code is not None and entry.reason.startswith(IMPORT_REASON):
            found[code] = entry.time
    return found
