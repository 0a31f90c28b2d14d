"""The domain values: provinces, criteria, scoresheets, problems and standings.

Everything here is immutable and free of I/O. Scores are ``Decimal`` so that sums are
exact (``0.1 + 0.2`` must never split a tie); ``None`` means "no value yet".
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, NewType

if TYPE_CHECKING:
    from lib.votes import Vote

ProvinceCode = NewType("ProvinceCode", str)
"""A province's statistics-office code, e.g. ``"51"`` for Quảng Ngãi."""

CriterionCode = str
CellKey = tuple[CriterionCode, ProvinceCode]
"""(criterion code, province code): the address of one score in a scoresheet."""

RawTab = list[list[object]]
"""One tab as rows of cell values (numbers, text, dates or None), row 1 first."""

RawWorkbook = dict[str, RawTab]
"""Every tab of a workbook, keyed by the tab's title as written in the workbook."""


class Kind(enum.Enum):
    """How a criterion's score enters the total."""

    STANDARD = "chuẩn"
    BONUS = "thưởng"
    PENALTY = "trừ"

    @property
    def sign(self) -> int:
        """+1 for points added, -1 for points deducted."""
        return -1 if self is Kind.PENALTY else 1


class Severity(enum.Enum):
    """Whether a problem makes the workbook unusable (error) or only needs attention."""

    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class Province:
    """A member of the cluster, keyed by its statistics-office code."""

    code: ProvinceCode
    name: str
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Criterion:
    """One row of the covenant's criteria table."""

    code: CriterionCode
    group: str
    text: str
    max_points: Decimal
    kind: Kind = Kind.STANDARD
    note: str = ""


@dataclass(frozen=True)
class Problem:
    """Something wrong or missing in the workbook, tied to a cell address when there is one."""

    severity: Severity
    cell: str
    message: str

    @property
    def is_error(self) -> bool:
        """True when the problem makes the workbook unusable for a final result."""
        return self.severity is Severity.ERROR


@dataclass(frozen=True)
class LogEntry:
    """One row of the append-only change log (``NhatKy``)."""

    time: str
    user: str
    province: str
    criterion: str
    old: str
    new: str
    reason: str


@dataclass(frozen=True)
class CellPlace:
    """Where a value lives in the workbook: tab title, 1-based row and column."""

    tab: str
    row: int
    col: int


@dataclass(frozen=True)
class Scoresheet:
    """The typed content of a workbook: criteria, members and every score.

    ``self_scores`` and ``agreed`` hold a value for every (criterion, province) pair that
    has one; a missing key means blank. ``agreed_places`` says where each agreed cell
    lives (or would live) so that the store can write it back.
    """

    criteria: tuple[Criterion, ...]
    provinces: tuple[Province, ...]
    self_scores: Mapping[CellKey, Decimal] = field(default_factory=dict)
    agreed: Mapping[CellKey, Decimal] = field(default_factory=dict)
    evidence: Mapping[CellKey, str] = field(default_factory=dict)
    agreed_places: Mapping[CellKey, CellPlace] = field(default_factory=dict)
    log: tuple[LogEntry, ...] = ()
    votes: tuple[Vote, ...] = ()

    def criterion(self, code: CriterionCode) -> Criterion:
        """The criterion with this code (KeyError when absent)."""
        for criterion in self.criteria:
            if criterion.code == code:
                return criterion
        raise KeyError(code)

    def groups(self) -> tuple[str, ...]:
        """Group names in the order they first appear in the criteria table."""
        return tuple(dict.fromkeys(c.group for c in self.criteria))

    def score(self, key: CellKey) -> Decimal | None:
        """The score that counts now: the agreed value, else the self-score, else None."""
        agreed = self.agreed.get(key)
        return agreed if agreed is not None else self.self_scores.get(key)


@dataclass(frozen=True)
class Standing:
    """One province's place in the ranking, with everything a screen or export shows.

    ``rank`` is shared by provinces whose totals and tie-break keys are all equal
    (``shared`` is then True). ``needs_vote`` marks an unbroken tie that straddles an
    award line; the award shown is the one being contended for and is not final.
    """

    province: Province
    self_total: Decimal
    agreed_total: Decimal
    provisional: bool
    rank: int
    shared: bool
    needs_vote: bool
    award: str | None
    group_self: Mapping[str, Decimal]
    group_agreed: Mapping[str, Decimal]
    bonus_cut: Decimal = Decimal(0)
    missing: int = 0
    decided_by: str | None = None

    @property
    def code(self) -> ProvinceCode:
        """The province's statistics-office code."""
        return self.province.code

    @property
    def award_final(self) -> bool:
        """True when the award no longer depends on a vote."""
        return self.award is not None and not self.needs_vote
