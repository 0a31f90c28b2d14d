"""The domain values: provinces, criteria, scoresheets, problems and standings.

Everything here is immutable and free of I/O. Scores are ``Decimal`` so that sums are
exact (``0.1 + 0.2`` must never split a tie); ``None`` means "no value yet".
"""

from __future__ import annotations

import datetime as dt
import enum
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import NewType

from lib.core.text import fold

VN_TIME = dt.timezone(dt.timedelta(hours=7), "ICT")
"""Vietnam time (UTC+7, no daylight saving): every time a user reads is in it."""

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


class Method(enum.Enum):
    """How a quantitative criterion's score is computed (None on a criterion: typed by hand)."""

    TARGET = "kế hoạch"
    RELATIVE = "so với dẫn đầu"
    PASS_FAIL = "đạt/không"
    PER_COUNT = "theo lần"


class Direction(enum.Enum):
    """Whether more is better (growth, revenue) or less is (poverty rate, accidents)."""

    HIGHER = "tăng"
    LOWER = "giảm"


@dataclass(frozen=True)
class Criterion:
    """One row of the covenant's criteria table.

    ``method`` None means the score is typed (``TuCham``/``ThongNhat``); otherwise it is
    computed from ``KeHoach``/``KetQua`` (``lib.core.quantitative``). ``factor`` is the
    ``Hệ số`` cell: the target share on a target criterion, points per count on a per-count one.
    """

    code: CriterionCode
    group: str
    text: str
    max_points: Decimal
    kind: Kind = Kind.STANDARD
    note: str = ""
    method: Method | None = None
    direction: Direction = Direction.HIGHER
    factor: Decimal | None = None

    @property
    def computed(self) -> bool:
        """True when the score comes from targets and results."""
        return self.method is not None


@dataclass(frozen=True)
class Working:
    """How one computed score came about, with every number presentation needs to show it.

    ``case`` says which branch of the method applied: ``not_met``, ``met``, ``exceeded``
    (target); ``relative``, ``no_leader`` (relative, or a target nobody exceeded);
    ``pass`` / ``fail``; ``count``. ``ratio`` is the achievement a (target, not met) or
    R/B, B/R (relative); ``excess`` the province's e and ``leader_value`` E (target) or B
    (relative); ``leaders`` the provinces holding it. ``base`` = s × M and ``spread`` =
    (1 − s) × M on a target criterion. ``raw`` is the value before clamping and rounding.
    """

    method: Method
    direction: Direction
    case: str
    max_points: Decimal
    score: Decimal
    raw: Decimal
    target: Decimal | None = None
    result: Decimal | None = None
    result_text: str = ""
    ratio: Decimal | None = None
    excess: Decimal | None = None
    leader_value: Decimal | None = None
    leaders: tuple[ProvinceCode, ...] = ()
    share: Decimal | None = None
    base: Decimal | None = None
    spread: Decimal | None = None
    factor: Decimal | None = None

    @property
    def clamped(self) -> bool:
        """True when the formula's value lay outside 0 … M."""
        return not 0 <= self.raw <= self.max_points


Params = tuple[tuple[str, object], ...]
"""The parameters of a message code, as (name, value) pairs (hashable, in a fixed order)."""


@dataclass(frozen=True)
class Problem:
    """Something wrong or missing in the workbook, tied to a cell address when there is one.

    ``code`` names the kind of problem (e.g. ``score.out_of_range``) and ``params`` fill
    its sentence; the UI catalogue (``lib.present.catalogue.describe``) turns the two into
    Vietnamese or English. The core never builds sentences.
    """

    severity: Severity
    cell: str
    code: str
    params: Params = ()

    @classmethod
    def error(cls, cell: str, code: str, /, **params: object) -> Problem:
        """An error at ``cell``."""
        return cls(Severity.ERROR, cell, code, tuple(params.items()))

    @classmethod
    def warning(cls, cell: str, code: str, /, **params: object) -> Problem:
        """A warning at ``cell``."""
        return cls(Severity.WARNING, cell, code, tuple(params.items()))

    @property
    def args(self) -> dict[str, object]:
        """The parameters as a dict."""
        return dict(self.params)

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
    change_id: str = ""  # the change set that wrote the row (``Mã thay đổi``), blank when typed by hand


@dataclass(frozen=True)
class CellPlace:
    """Where a value lives in the workbook: tab title, 1-based row and column."""

    tab: str
    row: int
    col: int


@dataclass(frozen=True)
class Vote:
    """One vote among tied provinces: who was present, the ballots, and votes per province."""

    id: str
    time: str
    recorder: str
    present: int
    ballots: int
    votes: tuple[tuple[str, int], ...]  # (province code, votes), in the order recorded

    @property
    def provinces(self) -> frozenset[str]:
        """The provinces the vote was about."""
        return frozenset(code for code, _ in self.votes)


LEADER, DEPUTY = "leader", "deputy"
"""The two posts nominated for next year: the cluster leader (Cụm trưởng) and deputy (Cụm phó)."""
PROPOSAL, ELECTION = "proposal", "election"
"""The preliminary meeting's proposal (dự kiến) and the official session's vote (chính thức)."""


@dataclass(frozen=True)
class Nomination:
    """One nomination of next year's leader or deputy: a proposal, or the session's vote on it."""

    id: str
    time: str
    recorder: str
    post: str  # LEADER or DEPUTY
    stage: str  # PROPOSAL or ELECTION
    present: int
    ballots: int
    votes: tuple[tuple[str, int], ...]  # (candidate province code, votes), in the order recorded


FROZE, UNFROZE = "chốt", "mở chốt"
"""The two actions of a ``Chot`` row, as written in the sheet."""


@dataclass(frozen=True)
class FreezeEvent:
    """One row of the ``Chot`` tab."""

    time: str
    user: str
    action: str
    fingerprint: str
    reason: str = ""


@dataclass(frozen=True)
class IgnoredFreezeRow:
    """A ``Chot`` row whose signature is missing or wrong (typed in the sheet): shown, never obeyed."""

    cell: str
    event: FreezeEvent


@dataclass(frozen=True)
class IgnoredRecord:
    """A ``BieuQuyet`` or ``DeCu`` row whose signature is missing or wrong (typed in the sheet): listed, not obeyed."""

    cell: str  # its signature cell
    tab: str
    record_id: str
    time: str
    recorder: str


@dataclass(frozen=True)
class SeenFreezeRow:
    """A signed ``Chot`` row as a host saw it obeyed: its place in the chain, its signature and its event."""

    position: int
    signature: str
    event: FreezeEvent


@dataclass(frozen=True)
class SeenRecordRow:
    """A signed ``BieuQuyet`` or ``DeCu`` row as a host saw it obeyed: its place in what it saw, its signature."""

    position: int
    signature: str


@dataclass(frozen=True)
class FreezeBreak:
    """Why a standing freeze no longer holds: cells that differ from what the signed row vouches for.

    ``kind``: ``agreed`` (an agreed score differs from the frozen copy), ``copy`` (a frozen-copy
    row no longer gives its signature or the fingerprint), ``log`` (the log before the freeze changed).
    """

    kind: str
    cells: tuple[str, ...]
    criterion: str = ""
    province: str = ""
    frozen: Decimal | None = None
    now: Decimal | None = None


@dataclass(frozen=True)
class FreezeState:
    """Whether the agreed scores are frozen now, and the frozen copy to compare against."""

    events: tuple[FreezeEvent, ...] = ()
    frozen_values: Mapping[CellKey, Decimal] = field(default_factory=dict)
    ignored: tuple[IgnoredFreezeRow, ...] = ()  # rows without a valid signature: reported, not obeyed
    signature: str = ""  # the signature of the last obeyed row: the next row signs over it
    frozen_places: Mapping[CellKey, str] = field(default_factory=dict)  # the frozen copy's cell of each value
    unverified: tuple[str, ...] = ()  # signed rows no key verifies while none verifies: the key changed
    breaks: tuple[FreezeBreak, ...] = ()  # a standing freeze that the sheet no longer matches
    covers: str = "counted"  # what the standing freeze's fingerprint and copy hold: "counted" or "agreed" (older)
    chain: tuple[str, ...] = ()  # the signature of each obeyed row, in order (``events``' own)
    removed: tuple[SeenFreezeRow, ...] = ()  # signed rows this host saw that the sheet no longer has

    @property
    def broken(self) -> bool:
        """True when frozen but the sheet no longer gives the signed fingerprint, or signed rows were removed."""
        return (self.frozen and bool(self.breaks)) or bool(self.removed)

    @property
    def broken_cells(self) -> tuple[str, ...]:
        """Where a broken freeze broke: each break's cells, and ``Chot`` when signed rows were deleted from it."""
        if not self.broken:
            return ()
        return (*(c for b in self.breaks for c in b.cells), *(("Chot",) if self.removed else ()))

    @property
    def key_mismatch(self) -> bool:
        """True when ``Chot`` holds signed rows and this server's records key verifies none of them."""
        return bool(self.unverified)

    @property
    def blocks_writes(self) -> bool:
        """True when score writes must be refused: frozen (broken or not), or a freeze that cannot be checked."""
        return self.frozen or self.key_mismatch or bool(self.removed)

    @property
    def last(self) -> FreezeEvent | None:
        """The latest freeze or unfreeze."""
        return self.events[-1] if self.events else None

    @property
    def frozen(self) -> bool:
        """True when the latest event is a freeze."""
        return self.last is not None and fold(self.last.action) == fold(FROZE)


@dataclass(frozen=True)
class Difference:
    """An agreed value that is not what was frozen."""

    criterion: str
    province: str
    frozen: Decimal | None
    now: Decimal | None


@dataclass(frozen=True)
class Scoresheet:
    """The typed content of a workbook: criteria, members and every score.

    ``self_scores`` and ``agreed`` hold a value for every (criterion, province) pair that
    has one; a missing key means blank. ``agreed_places`` says where each agreed cell
    lives (or would live) so that the store can write it back. ``targets`` and
    ``results`` are the readable ``KeHoach``/``KetQua`` values of computed criteria (a
    pass/fail word as 1 or 0); ``computed`` and ``workings`` the scores computed from them.
    """

    criteria: tuple[Criterion, ...]
    provinces: tuple[Province, ...]
    self_scores: Mapping[CellKey, Decimal] = field(default_factory=dict)
    agreed: Mapping[CellKey, Decimal] = field(default_factory=dict)
    evidence: Mapping[CellKey, str] = field(default_factory=dict)
    agreed_places: Mapping[CellKey, CellPlace] = field(default_factory=dict)
    log: tuple[LogEntry, ...] = ()
    votes: tuple[Vote, ...] = ()
    freeze: FreezeState = field(default_factory=FreezeState)
    nominations: tuple[Nomination, ...] = ()
    ignored_records: tuple[IgnoredRecord, ...] = ()  # unsigned votes and nominations: listed, not obeyed
    record_chains: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # tab -> signatures of obeyed rows
    targets: Mapping[CellKey, Decimal] = field(default_factory=dict)
    results: Mapping[CellKey, Decimal] = field(default_factory=dict)
    computed: Mapping[CellKey, Decimal] = field(default_factory=dict)
    workings: Mapping[CellKey, Working] = field(default_factory=dict)
    target_places: Mapping[CellKey, CellPlace] = field(default_factory=dict)
    result_places: Mapping[CellKey, CellPlace] = field(default_factory=dict)
    target_share: Decimal = Decimal("0.5")  # the config's default share, for recomputing after a correction
    self_places: Mapping[CellKey, CellPlace] = field(default_factory=dict)  # where each TuCham value lives

    def criterion(self, code: CriterionCode) -> Criterion:
        """The criterion with this code (KeyError when absent)."""
        for criterion in self.criteria:
            if criterion.code == code:
                return criterion
        raise KeyError(code)

    def groups(self) -> tuple[str, ...]:
        """Group names in the order they first appear in the criteria table."""
        return tuple(dict.fromkeys(c.group for c in self.criteria))

    def own(self, key: CellKey) -> Decimal | None:
        """The self-score that counts: the ``TuCham`` entry, else the computed score, else None."""
        own = self.self_scores.get(key)
        return own if own is not None else self.computed.get(key)

    def score(self, key: CellKey) -> Decimal | None:
        """The score that counts now: agreed, else computed, else the self-score, else None."""
        for values in (self.agreed, self.computed, self.self_scores):
            value = values.get(key)
            if value is not None:
                return value
        return None


ORDER_TIE_BREAK, ORDER_BELOW_DISPLAY, ORDER_VOTE = "tie_break", "below_display", "vote"
"""The kinds of ``OrderReason``: a tie-break group, a difference below 0,01, or a recorded vote."""


@dataclass(frozen=True)
class HiddenDecimal:
    """A score that counts with more decimals than the screens show (they show two).

    ``cell`` is its address (``ThongNhat!D7``, ``TuCham!D7``), empty when no cell holds it.
    """

    criterion: CriterionCode
    province: ProvinceCode
    cell: str
    value: Decimal


@dataclass(frozen=True)
class OrderReason:
    """Why a province is placed above or below ``other``, which shows the same total at two decimals.

    ``kind`` is ``ORDER_TIE_BREAK`` (``group`` decided: ``own_sum`` against ``other_sum``),
    ``ORDER_BELOW_DISPLAY`` (the exact totals differ by ``difference``, less than 0,01; ``cells``
    hold the extra decimals) or ``ORDER_VOTE`` (the recorded vote ``vote`` settled an exact tie).
    ``difference`` is this province's total less the other's; ``ahead`` is True when this
    province is placed above ``other``. A tie-break group whose sums also look equal at two
    decimals carries the group's ``cells`` with extra decimals too.
    """

    kind: str
    other: Province
    ahead: bool
    difference: Decimal = Decimal(0)
    group: str | None = None
    own_sum: Decimal | None = None
    other_sum: Decimal | None = None
    cells: tuple[HiddenDecimal, ...] = ()
    vote: str = ""


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
    order_reasons: tuple[OrderReason, ...] = ()  # against the neighbours above and below showing the same total

    @property
    def code(self) -> ProvinceCode:
        """The province's statistics-office code."""
        return self.province.code

    @property
    def award_final(self) -> bool:
        """True when the award no longer depends on a vote."""
        return self.award is not None and not self.needs_vote


@dataclass(frozen=True)
class ReadFailure:
    """One failed read of the source: when, and the source's message."""

    at: dt.datetime
    message: str


class Role(enum.Enum):
    """What a user may do: everyone views; the secretary edits; the admin also freezes."""

    VIEWER = "viewer"
    SECRETARY = "secretary"
    ADMIN = "admin"


WRITERS = frozenset({Role.SECRETARY, Role.ADMIN})
"""The roles allowed to change agreed scores and record votes."""


def _now_iso() -> str:
    return dt.datetime.now(VN_TIME).isoformat(timespec="seconds")


@dataclass(frozen=True)
class Adjustment:
    """One cell to change: ``old`` is the value the secretary started from (None = blank).

    ``tab`` is the contract tab written: ``ThongNhat`` (an agreed score, the default), or
    ``KeHoach`` / ``KetQua`` (a correction of a computed criterion's target or result, which
    moves every province whose computed score depends on it).
    """

    criterion: str
    province: str
    old: Decimal | None
    new: Decimal | None
    reason: str
    tab: str = "ThongNhat"


@dataclass(frozen=True)
class ChangeSet:
    """Adjustments saved together or not at all; ``id`` makes a retried save idempotent."""

    user: str
    role: Role
    adjustments: tuple[Adjustment, ...]
    id: str = field(default_factory=lambda: uuid.uuid4().hex)
    created_at: str = field(default_factory=_now_iso)


@dataclass(frozen=True)
class Conflict:
    """A cell that no longer holds the value the secretary started from."""

    criterion: str
    province: str
    province_name: str
    yours: Decimal | None
    started_from: Decimal | None
    now: Decimal | None
    by: str | None = None
    at: str | None = None


@dataclass(frozen=True)
class SaveResult:
    """What a save did: the adjustments written now, or that all had been written before."""

    change_set_id: str
    written: tuple[Adjustment, ...]
    already_saved: bool = False


@dataclass(frozen=True)
class WriteBatch:
    """Cells to set and rows to append, applied together.

    ``cells`` maps (tab title, 1-based row, 1-based column) to the raw value to store;
    values are stored as given (text stays text, even ``=1+1``). ``appends`` maps a tab
    title to rows appended after its last non-empty row. ``new_tabs`` are created first
    when the workbook has no tab of that title (e.g. the freeze record on first use).
    """

    cells: Mapping[tuple[str, int, int], object] = field(default_factory=dict)
    appends: Mapping[str, Sequence[Sequence[object]]] = field(default_factory=dict)
    new_tabs: Sequence[str] = ()
