"""The provinces' self-scoring forms: their layout, reading a returned form, and its diff.

A form is one ``.xlsx`` per member (built by ``lib.present.forms_xlsx``): a visible table
tab (``BangTuCham``) with a header row of ``FORM_COLUMNS`` and one row per criterion, and
a hidden tab (``ThongTinBieuMau``) holding the form's identity (cluster, year, province
code, when it was made) and the values the sheet held for that province at that moment.

Reading is pure: the raw rows of every tab of a returned form in, a ``FormReading`` out
(the province, the value of each criterion, and every problem named by its address in
*the province's file*, e.g. ``BangTuCham!F12``). The identity is signed when the form is made
(``signature``: HMAC-SHA256, keyed by the server's form key, over the version, cluster, year,
province, time made and the sheet's values then), so a form whose identity cells were edited
is refused (it would write its table into another province's column), and so are a form of
another cluster, another year or a non-member. A form without a signature (a table retyped
into a new file, or the identity tab deleted) is refused unless the secretary confirms which
province it is (``unsigned=``); it is then read for that province and logged as unsigned. A
file whose name names another province than its identity is flagged, a form whose visible heading
(``Đơn vị: … (mã …)``) names another province than its identity is refused (an identity tab pasted
from another province's form still verifies), and two forms claiming
one province in one batch are both refused (``lib.core.form_identity``). Within an
accepted form a bad cell is skipped and named, and the rest is still read. ``form_changes``
compares the reading with the sheet: new, changed, unchanged, and changed in the sheet since
the form was made (a conflict: never written by an import). A blank cell in a form never clears the sheet.

The columns are looked up by their headers, so a province that adds or moves columns
still imports; a later version may add target/result columns (``Kế hoạch``/``Kết quả``)
by adding fields here without changing how a form is found or identified.
"""

from __future__ import annotations

import enum
import hmac
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from lib.core.cells import parse_score
from lib.core.errors import CellParseError
from lib.core.form_identity import heading_problem, identity_signature, name_problem
from lib.core.grammar import address, cell_at, code_text, find_header, header_columns
from lib.core.model import Criterion, Problem, Province, RawTab, RawWorkbook, Scoresheet
from lib.core.text import fold

FORM_TAB = "BangTuCham"
META_TAB = "ThongTinBieuMau"
FORM_VERSION = 1
IMPORT_REASON = "nhập từ bảng tự chấm của tỉnh"
"""How every log row of an import starts (the tracker finds the last import by it)."""

FORM_COLUMNS: tuple[tuple[str, tuple[str, str]], ...] = (
    ("code", ("Mã", "Code")),
    ("group", ("Nhóm", "Group")),
    ("criterion", ("Tiêu chí", "Criterion")),
    ("max", ("Điểm chuẩn", "Max")),
    ("kind", ("Loại", "Kind")),
    ("self", ("Tự chấm", "Self-score")),
    ("evidence", ("Minh chứng (đường dẫn hoặc ghi chú)", "Evidence (link or note)")),
)
"""The form's columns in order: the first five are layout, the last two are filled in."""

FILL_IN = ("self", "evidence")
"""The columns a province types into (unlocked in the form)."""

_SPELLINGS = {key: (*names, *(n.split(" (")[0] for n in names)) for key, names in FORM_COLUMNS}
_SEARCH_ROWS = 40
META_KEYS = ("form_version", "cluster", "year", "province", "province_name", "generated_at", "signature")
BASELINE_MARK = "baseline"
UNSIGNED_REASON = "biểu mẫu không có chữ ký, thư ký xác nhận là của tỉnh"
"""Added to the log rows' reason of an import the secretary confirmed without a signature."""


class Status(enum.Enum):
    """How a form's value compares with the sheet."""

    NEW = "new"  # the sheet's cell is blank
    CHANGED = "changed"  # the sheet holds another value, the one it held when the form was made
    UNCHANGED = "unchanged"  # the sheet already holds this value (or the province left the pre-filled one)
    SHEET_CHANGED = "sheet_changed"  # the sheet changed since the form was made *and* the form differs


WRITTEN = frozenset({Status.NEW, Status.CHANGED})
"""The statuses an import writes."""


@dataclass(frozen=True)
class FormEntry:
    """One value a form gives: criterion, which tab it goes to, the value and the form's cell."""

    criterion: str
    tab: str  # "TuCham" or "MinhChung"
    value: Decimal | str
    cell: str


@dataclass(frozen=True)
class FormReading:
    """What a returned form says: whose it is, its values, what the sheet held then, and its problems."""

    province: Province | None
    generated_at: str
    entries: tuple[FormEntry, ...]
    baseline: Mapping[tuple[str, str], Decimal | str | None] = field(default_factory=dict)
    problems: tuple[Problem, ...] = ()
    signed: bool = True  # False: no signature, the secretary confirmed the province (logged as such)

    @property
    def refused(self) -> bool:
        """True when the form as a whole cannot be imported (not ours, or no identity)."""
        return self.province is None


@dataclass(frozen=True)
class FormChange:
    """One form value against the sheet: ``old`` is the sheet's now, ``then`` the sheet's when the form was made."""

    criterion: str
    tab: str
    cell: str
    old: Decimal | str | None
    new: Decimal | str
    then: Decimal | str | None
    status: Status


def meta_rows(config_name: str, year: int, province: Province, generated_at: str,
              baseline: Sequence[tuple[str, Decimal | None, str | None]], key: bytes) -> RawTab:
    """The hidden identity tab's rows: key/value pairs and their signature, then the sheet's values then."""
    head: RawTab = [["Khóa", "Giá trị"], ["form_version", FORM_VERSION], ["cluster", config_name],
                    ["year", year], ["province", province.code], ["province_name", province.name],
                    ["generated_at", generated_at]]
    tail: RawTab = [[BASELINE_MARK, "Tự chấm", "Minh chứng"]]
    tail += [[code, score, evidence] for code, score, evidence in baseline]
    meta, values = _meta([*head, *tail])  # signed as it will be read back, so both sides agree
    return [*head, ["signature", identity_signature(key, meta, values)], *tail]


def read_form(raw: RawWorkbook, cluster: str, year: int, members: Sequence[Province],
              criteria: Sequence[Criterion], key: bytes, file_name: str = "",
              unsigned: Province | None = None) -> FormReading:
    """Read a returned form: identity first (refused as a whole if not ours), then every row.

    ``key`` checks the identity's signature; ``file_name`` (the file as sent) is compared with
    the identity; ``unsigned`` is the province the secretary confirmed for a form without a
    signature (None: such a form is refused).
    """
    problems: list[Problem] = []
    meta_title = next((t for t in raw if fold(t) == fold(META_TAB)), None)
    meta, baseline = _meta(raw[meta_title]) if meta_title is not None else ({}, {})
    signed = meta_title is not None and bool(code_text(meta.get("signature")))
    if signed:
        province = _identity(meta, meta_title or META_TAB, raw[meta_title or META_TAB], cluster, year, members,
                             key, baseline, problems)
    elif unsigned is None:
        code = "form.no_identity" if meta_title is None else "form.unsigned"
        return FormReading(None, "", (), problems=(Problem.error(meta_title or META_TAB, code, tab=META_TAB),),
                           signed=False)
    else:
        province = _confirmed(meta, meta_title, raw, cluster, year, unsigned, problems)
        baseline = {}  # unsigned: nothing the file says about the sheet then is trusted
    if province is None:
        return FormReading(None, str(meta.get("generated_at", "")), (), problems=tuple(problems), signed=signed)
    if file_name and (flag := name_problem(file_name, province, members)) is not None:
        problems.append(flag)
    found = _table(raw, meta_title, problems)
    if found is None:
        return FormReading(None, str(meta.get("generated_at", "")), (), problems=tuple(problems), signed=signed)
    title, rows, header_index, columns = found
    if (heading := heading_problem(title, rows, header_index, province, members, file_name)) is not None:
        problems.append(heading)  # another province's identity pasted under this heading: refused
        return FormReading(None, str(meta.get("generated_at", "")), (), problems=tuple(problems), signed=signed)
    entries, seen = _entries(title, rows, header_index, columns, {c.code: c for c in criteria}, problems,
                             baseline)
    for c in criteria:
        if c.code not in seen:
            problems.append(Problem.warning(title, "form.missing_row", code=c.code))
    when = str(meta.get("generated_at", "")) if signed else ""
    return FormReading(province, when, tuple(entries), baseline, tuple(problems), signed=signed)


def _confirmed(meta: Mapping[str, object], meta_title: str | None, raw: RawWorkbook, cluster: str, year: int,
               province: Province, problems: list[Problem]) -> Province | None:
    """An unsigned form the secretary confirmed: what identity it shows must not contradict the confirmation."""
    where = META_TAB if meta_title is None else _where(meta_title, raw[meta_title], "province")
    problems.append(Problem.warning(where, "form.unsigned_confirmed", name=province.name))
    if meta_title is None:
        return province
    if meta.get("cluster") is not None and fold(meta.get("cluster")) != fold(cluster):
        problems.append(Problem.error(_where(meta_title, raw[meta_title], "cluster"), "form.other_cluster",
                                      found=meta.get("cluster") or "", expected=cluster))
    if meta.get("year") is not None and code_text(meta.get("year")) != str(year):
        problems.append(Problem.error(_where(meta_title, raw[meta_title], "year"), "form.other_year",
                                      found=code_text(meta.get("year")), expected=year))
    claimed = code_text(meta.get("province"))
    if claimed and claimed != province.code:
        problems.append(Problem.error(where, "form.unsigned_other_province", code=claimed, name=province.name))
    return None if any(p.is_error for p in problems) else province


def _meta(rows: RawTab) -> tuple[dict[str, object], dict[tuple[str, str], Decimal | str | None]]:
    meta: dict[str, object] = {}
    baseline: dict[tuple[str, str], Decimal | str | None] = {}
    in_baseline = False
    for row in rows:
        key = code_text(cell_at(row, 0))
        if key == BASELINE_MARK:
            in_baseline = True
        elif in_baseline and key:
            try:
                baseline[(key, "TuCham")] = parse_score(cell_at(row, 1))
            except CellParseError:
                baseline[(key, "TuCham")] = None
            evidence = cell_at(row, 2)
            baseline[(key, "MinhChung")] = None if evidence is None else str(evidence).strip()
        elif key in META_KEYS:
            meta[key] = cell_at(row, 1)
    return meta, baseline


def _where(title: str, rows: RawTab, key: str) -> str:
    row = next((i for i, r in enumerate(rows, start=1) if code_text(cell_at(r, 0)) == key), 1)
    return address(title, row, 2)


def _identity(meta: Mapping[str, object], title: str, rows: RawTab, cluster: str, year: int,
              members: Sequence[Province], key: bytes, baseline: Mapping[tuple[str, str], Decimal | str | None],
              problems: list[Problem]) -> Province | None:
    def where(field_key: str) -> str:
        return _where(title, rows, field_key)

    expected = identity_signature(key, meta, baseline)
    if not hmac.compare_digest(expected, code_text(meta.get("signature")).lower()):
        problems.append(Problem.error(where("signature"), "form.bad_signature", tab=title))
    if fold(meta.get("cluster")) != fold(cluster):
        problems.append(Problem.error(where("cluster"), "form.other_cluster", found=meta.get("cluster") or "",
                                      expected=cluster))
    if code_text(meta.get("year")) != str(year):
        problems.append(Problem.error(where("year"), "form.other_year", found=code_text(meta.get("year")),
                                      expected=year))
    code = code_text(meta.get("province"))
    province = next((p for p in members if p.code == code), None)
    if province is None:
        problems.append(Problem.error(where("province"), "form.not_member", code=code,
                                      name=meta.get("province_name") or ""))
    return None if problems else province


def _table(raw: RawWorkbook, meta_title: str, problems: list[Problem]
           ) -> tuple[str, RawTab, int, dict[str, int]] | None:
    """The one tab whose header row shows a code and a self-score column (the province may rename it)."""
    found = []
    for title, rows in raw.items():
        if title == meta_title:
            continue
        index = find_header(rows, {key: _SPELLINGS[key] for key in ("code", "self")}, minimum=2, within=_SEARCH_ROWS)
        if index is not None:
            found.append((title, rows, index, header_columns(rows[index], _SPELLINGS)))
    if not found:
        problems.append(Problem.error(FORM_TAB, "form.no_table", tab=FORM_TAB))
        return None
    if len(found) > 1:
        problems.append(Problem.error(found[1][0], "form.two_tables", titles=", ".join(f[0] for f in found)))
        return None
    return found[0]


def _entries(title: str, rows: RawTab, header_index: int, columns: dict[str, int],
             criteria: Mapping[str, Criterion], problems: list[Problem],
             baseline: Mapping[tuple[str, str], Decimal | str | None]) -> tuple[list[FormEntry], set[str]]:
    header = rows[header_index]
    known = set(columns.values())
    extra = [c for c in range(max([len(r) for r in rows[header_index:]] or [0])) if c not in known]
    for col in extra:  # a column the province added: named once, its values ignored
        if cell_at(header, col) is not None:
            problems.append(Problem.warning(address(title, header_index + 1, col + 1), "form.extra_column",
                                            header=str(cell_at(header, col))))
        else:
            first = next((i for i in range(header_index + 1, len(rows)) if cell_at(rows[i], col) is not None), None)
            if first is not None:
                problems.append(Problem.warning(address(title, first + 1, col + 1), "form.unheaded_column"))
    entries: list[FormEntry] = []
    seen: dict[str, str] = {}
    code_col, self_col, evidence_col = columns["code"], columns["self"], columns.get("evidence")
    for index in range(header_index + 1, len(rows)):
        row, row_no = rows[index], index + 1
        code = code_text(cell_at(row, code_col))
        where_code = address(title, row_no, code_col + 1)
        filled = [c for c in (self_col, evidence_col) if c is not None and cell_at(row, c) is not None]
        if not code:
            if filled:
                problems.append(Problem.warning(where_code, "form.row_without_code"))
            continue
        if code not in criteria:
            if filled or any(cell_at(row, c) is not None for c in range(len(row)) if c != code_col):
                problems.append(Problem.error(where_code, "form.unknown_criterion", code=code))
            continue
        if code in seen:
            problems.append(Problem.error(where_code, "form.duplicate_row", code=code, first=seen[code]))
            continue
        seen[code] = where_code
        criterion = criteria[code]
        score_cell = address(title, row_no, self_col + 1)
        value = cell_at(row, self_col)
        try:
            score = parse_score(value)
        except CellParseError as exc:
            problems.append(Problem.error(score_cell, "score.unreadable", criterion=code, cause=(exc.code, exc.params)))
            score = None
        else:
            if score is not None and not 0 <= score <= criterion.max_points:
                problems.append(Problem.error(score_cell, "score.out_of_range", criterion=code, value=value,
                                              max=criterion.max_points))
                score = None
            elif score is not None:
                entries.append(FormEntry(code, "TuCham", score, score_cell))
            elif (then := baseline.get((code, "TuCham"))) is not None:
                problems.append(Problem.warning(score_cell, "form.cleared", code=code, value=then))
            else:
                problems.append(Problem.warning(score_cell, "form.empty_row", code=code))
        if evidence_col is not None and (text := cell_at(row, evidence_col)) is not None:
            entries.append(FormEntry(code, "MinhChung", str(text).strip(), address(title, row_no, evidence_col + 1)))
    return entries, set(seen)


def sheet_value(sheet: Scoresheet, tab: str, criterion: str, province: str) -> Decimal | str | None:
    """What the sheet holds now for ``province`` on ``criterion`` in ``tab`` (TuCham or MinhChung)."""
    key = (criterion, province)
    if tab == "TuCham":
        return sheet.self_scores.get(key)  # type: ignore[arg-type]
    return sheet.evidence.get(key) or None  # type: ignore[arg-type]


def form_changes(reading: FormReading, sheet: Scoresheet) -> tuple[FormChange, ...]:
    """Every value of the form against the sheet as it is now."""
    if reading.province is None:
        return ()
    code = reading.province.code
    out = []
    for entry in reading.entries:
        now = sheet_value(sheet, entry.tab, entry.criterion, code)
        then = reading.baseline.get((entry.criterion, entry.tab))
        if now == entry.value or entry.value == then:
            status = Status.UNCHANGED  # already there, or the province kept the pre-filled value
        elif now != then and (entry.criterion, entry.tab) in reading.baseline:
            status = Status.SHEET_CHANGED
        elif now is None:
            status = Status.NEW
        else:
            status = Status.CHANGED
        out.append(FormChange(entry.criterion, entry.tab, entry.cell, now, entry.value, then, status))
    return tuple(out)


def import_reason(province: Province, generated_at: str, signed: bool = True) -> str:
    """The log rows' reason, in the sheet's language (``IMPORT_REASON`` first, so the tracker finds it)."""
    if not signed:
        return f"{IMPORT_REASON} {province.name} ({UNSIGNED_REASON} {province.name})"
    return f"{IMPORT_REASON} {province.name} (biểu mẫu tạo lúc {generated_at})" if generated_at else (
        f"{IMPORT_REASON} {province.name}")


@dataclass(frozen=True)
class ImportResult:
    """What an import wrote: its id (in every log row's ``Mã thay đổi``) and the cells."""

    import_id: str
    written: tuple[FormChange, ...]
    already_saved: bool = False
