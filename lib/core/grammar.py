"""The workbook grammar: every tab, header, alias, kind word and the header search, in one place.

Everything the app reads or writes in a workbook is named here and only here: parse,
the store, the template and the sources use these names. Tab names, headers and words
are matched with ``lib.core.text.fold`` against their Vietnamese name and English alias,
so ``Tiêu chí``, ``TIEU CHI`` and ``Criterion`` are one header.

    tab        alias          holds                                     written by
    TieuChi    Criteria       one row per criterion                     organisers
    TuCham     SelfScores     Mã × provinces: self-scores               organisers
    MinhChung  Evidence       Mã × provinces: links or notes            organisers
    ThongNhat  Agreed         Mã × provinces: agreed scores             the store
    NhatKy     Log            one row per change                        the store
    KeHoach    Targets        Mã × provinces: assigned targets          organisers, the store
    KetQua     Results        Mã × provinces: results achieved             organisers, the store
    BieuQuyet  Votes          one row per province of each vote         the store
    DeCu       Nominations    one row per candidate of each nomination  the store
    Chot       Freeze         freeze / unfreeze events                  the store
    ChotDiem   FrozenScores   Mã × province codes: the frozen copy      the store
    TieuChiNamSau NextCriteria next year's draft criteria (TieuChi shape) organisers (optional)
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from lib.core.model import Direction, Kind, Method, RawTab, RawWorkbook
from lib.core.shown import Shown
from lib.core.shown import code_text as shown_code_text
from lib.core.text import fold

# Canonical tab name -> accepted spellings (Vietnamese first, then the English alias).
TABS = {
    "TieuChi": ("TieuChi", "Criteria"),
    "TuCham": ("TuCham", "SelfScores"),
    "MinhChung": ("MinhChung", "Evidence"),
    "ThongNhat": ("ThongNhat", "Agreed"),
    "NhatKy": ("NhatKy", "Log"),
    "KeHoach": ("KeHoach", "Targets"),
    "KetQua": ("KetQua", "Results"),
    "BieuQuyet": ("BieuQuyet", "Votes"),
    "DeCu": ("DeCu", "Nominations"),
    "Chot": ("Chot", "Freeze"),
    "ChotDiem": ("ChotDiem", "FrozenScores"),
    "TieuChiNamSau": ("TieuChiNamSau", "NextCriteria"),  # the year's loop: next year's covenant (next_year.py)
}

OPTIONAL_TABS = frozenset({"KeHoach", "KetQua", "BieuQuyet", "DeCu", "Chot", "ChotDiem", "TieuChiNamSau"})
"""Tabs a sheet normally lacks until first used: their absence is not worth a metadata re-fetch."""

SCORE_TABS = ("TuCham", "MinhChung", "ThongNhat", "KeHoach", "KetQua")
"""Tabs of the ``TuCham`` shape: a ``Mã`` column and one column per province."""

HEADERS = {
    "code": ("Mã", "Code"),
    "group": ("Nhóm", "Group"),
    "criterion": ("Tiêu chí", "Criterion"),
    "max": ("Điểm chuẩn", "Max"),
    "kind": ("Loại", "Kind"),
    "note": ("Ghi chú", "Note"),
    "method": ("Cách tính", "Method"),
    "direction": ("Chiều", "Direction"),
    "factor": ("Hệ số", "Factor"),
}
"""The ``TieuChi`` columns; the first six are the template's, the last three optional."""

TEMPLATE_CRITERIA_HEADERS = ("code", "group", "criterion", "max", "kind", "note", "method", "direction", "factor")


@dataclass(frozen=True)
class RecordHeaders:
    """The columns of a tab of records (one row per event), in the order written."""

    fields: tuple[str, ...]  # field ids, in write order
    names: tuple[str, ...]  # Vietnamese headers
    aliases: tuple[str, ...]  # English aliases
    minimum: int  # how many headers a row must show to be taken as the header row

    def spellings(self) -> dict[str, tuple[str, str]]:
        """Field id -> (Vietnamese, English)."""
        return {f: (n, a) for f, n, a in zip(self.fields, self.names, self.aliases, strict=True)}


LOG = RecordHeaders(
    ("time", "user", "province", "criterion", "old", "new", "reason", "change_id"),
    ("Thời gian", "Người sửa", "Đơn vị", "Mã", "Điểm cũ", "Điểm mới", "Lý do", "Mã thay đổi"),
    ("Time", "User", "Province", "Code", "Old", "New", "Reason", "Change id"),
    4,
)
"""``NhatKy``: the change id column is added on the first save through the app."""

VOTES = RecordHeaders(
    ("id", "time", "recorder", "present", "ballots", "province_code", "province", "votes", "signature"),
    ("Mã biểu quyết", "Thời gian", "Người ghi", "Có mặt", "Số phiếu", "Mã tỉnh", "Tỉnh", "Phiếu", "Chữ ký"),
    ("Vote id", "Time", "Recorder", "Present", "Ballots", "Province code", "Province", "Votes", "Signature"),
    6,
)
"""``BieuQuyet``: each row signed like a ``Chot`` row (``lib.core.freeze.sign_row``, its own domain)."""

NOMINATIONS = RecordHeaders(
    ("id", "time", "recorder", "post", "stage", "present", "ballots", "province_code", "province", "votes",
     "signature"),
    ("Mã đề cử", "Thời gian", "Người ghi", "Chức danh", "Bước", "Có mặt", "Số phiếu", "Mã tỉnh", "Tỉnh", "Phiếu",
     "Chữ ký"),
    ("Nomination id", "Time", "Recorder", "Post", "Stage", "Present", "Ballots", "Province code", "Province",
     "Votes", "Signature"),
    6,
)
"""``DeCu``: next year's leader and deputy, kept apart from ``BieuQuyet`` so a nomination never settles a tie."""

POSTS = {"leader": ("Cụm trưởng", "Leader"), "deputy": ("Cụm phó", "Deputy")}
"""The ``Chức danh`` words of ``DeCu`` (model.LEADER, model.DEPUTY)."""
STAGES = {"proposal": ("Dự kiến", "Proposal"), "election": ("Chính thức", "Election")}
"""The ``Bước`` words of ``DeCu`` (model.PROPOSAL, model.ELECTION)."""

FREEZE = RecordHeaders(
    ("time", "user", "action", "fingerprint", "reason", "signature"),
    ("Thời gian", "Người thực hiện", "Hành động", "Dấu vân tay", "Lý do", "Chữ ký"),
    ("Time", "User", "Action", "Fingerprint", "Reason", "Signature"),
    3,
)
"""``Chot``: the signature (HMAC-SHA256 keyed by the server's secret, ``lib.core.freeze.sign``) is
added to a tab written before signatures existed on its next freeze or unfreeze."""

KINDS = {
    "": Kind.STANDARD,
    "chuan": Kind.STANDARD,
    "standard": Kind.STANDARD,
    "thuong": Kind.BONUS,
    "bonus": Kind.BONUS,
    "tru": Kind.PENALTY,
    "penalty": Kind.PENALTY,
}

METHODS = {
    "": None,
    "kehoach": Method.TARGET,
    "target": Method.TARGET,
    "sovoidandau": Method.RELATIVE,
    "relative": Method.RELATIVE,
    "datkhong": Method.PASS_FAIL,
    "passfail": Method.PASS_FAIL,
    "theolan": Method.PER_COUNT,
    "percount": Method.PER_COUNT,
}
"""Folded ``Cách tính`` words (``/``, spaces, case and accents ignored) -> method; blank: typed."""

DIRECTIONS = {
    "": Direction.HIGHER,
    "tang": Direction.HIGHER,
    "higher": Direction.HIGHER,
    "giam": Direction.LOWER,
    "lower": Direction.LOWER,
}
"""Folded ``Chiều`` words -> direction; blank means higher is better."""

PASS_WORDS = frozenset({"dat", "co", "x", "1", "yes", "pass"})
FAIL_WORDS = frozenset({"khongdat", "chuadat", "khong", "0", "no", "fail"})
"""Folded ``KetQua`` words of a pass/fail criterion: full points, or none."""

# Columns of a score tab that are not provinces and are ignored rather than reported.
NON_PROVINCE_HEADERS = {
    fold(h)
    for h in ("STT", "TT", "Nhóm", "Group", "Tiêu chí", "Criterion", "Điểm chuẩn", "Max",
              "Loại", "Kind", "Ghi chú", "Note", "Tổng", "Total")
}

HEADER_SEARCH_ROWS = 10
"""How many rows from the top may hold a title above the header row."""


def column_letter(col: int) -> str:
    """The A1 column name of a 1-based column index.

    >>> column_letter(1), column_letter(26), column_letter(27), column_letter(703)
    ('A', 'Z', 'AA', 'AAA')
    """
    letters = ""
    while col:
        col, rest = divmod(col - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def address(tab: str, row: int, col: int) -> str:
    """A cell's address as people read it, e.g. ``TuCham!D7``."""
    return f"{tab}!{column_letter(col)}{row}"


def matching_titles(titles: Iterable[str], canonical: str) -> list[str]:
    """Every title among ``titles`` that names the contract tab ``canonical`` (in workbook order)."""
    wanted = {fold(name) for name in TABS[canonical]}
    return [title for title in titles if fold(title) in wanted]


def find_tab(workbook: RawWorkbook, canonical: str) -> tuple[str, RawTab] | None:
    """The (title, rows) of the one tab matching ``canonical``, or None.

    Two matching tabs are ambiguous: parse reports them (``tab.duplicate``) and nobody reads
    either, because "the first wins" would give a wrong result without a word.
    """
    titles = matching_titles(workbook, canonical)
    if len(titles) != 1:
        return None
    return titles[0], workbook[titles[0]]


def title_for(workbook: Mapping[str, object], canonical: str) -> str:
    """The title under which to write ``canonical``: the existing tab's, else the canonical name."""
    titles = matching_titles(workbook, canonical)
    return titles[0] if titles else canonical


def matches(cell: object, spellings: Iterable[str]) -> bool:
    """True when ``cell`` folds to one of ``spellings``."""
    return fold(cell) in {fold(s) for s in spellings}


def header_columns(header: Sequence[object], spellings: Mapping[str, Sequence[str]]) -> dict[str, int]:
    """Map each known header key to its 0-based column in ``header`` (first match wins)."""
    folded = {key: {fold(s) for s in names} for key, names in spellings.items()}
    found: dict[str, int] = {}
    for col, cell in enumerate(header):
        key_of_cell = fold(cell)
        for key, names in folded.items():
            if key not in found and key_of_cell in names:
                found[key] = col
    return found


def find_header(rows: RawTab, spellings: Mapping[str, Sequence[str]], minimum: int = 1,
                within: int = HEADER_SEARCH_ROWS) -> int | None:
    """The 0-based index of the first top row showing at least ``minimum`` of the headers.

    This is the one header search: a title may stand above the header row, within the
    first ``within`` rows (a returned form's instructions take more than a sheet's title).
    """
    for index, row in enumerate(rows[:within]):
        if len(header_columns(row, spellings)) >= minimum:
            return index
    return None


def find_header_row(rows: RawTab) -> int | None:
    """The 0-based index of the first top row with a ``Mã``/``Code`` cell."""
    return find_header(rows, {"code": HEADERS["code"]})


def cell_at(row: Sequence[object], col: int) -> object:
    """The value at 0-based ``col`` of ``row``, None past its end; blank text becomes None."""
    value = row[col] if col < len(row) else None
    if isinstance(value, str) and not value.strip():
        return None
    return value


def code_text(value: object) -> str:
    """A criterion code as text: ``1.1`` typed as a number reads back as ``"1.1"``.

    A formatted number reads as shown, with a dot: ``1.1`` shown ``1,10`` is ``"1.10"``.
    """
    if value is None:
        return ""
    if isinstance(value, Shown):
        return shown_code_text(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value).strip()
