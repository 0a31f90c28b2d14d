"""From a workbook's raw tabs to a typed ``Scoresheet`` and the list of its problems.

Parsing never raises on bad content: every bad, ambiguous or missing cell becomes a
``Problem`` with its A1 address, and the rest of the workbook is still read.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from lib.cells import parse_score
from lib.errors import CellParseError
from lib.layout import (
    HEADERS,
    KINDS,
    LOG_ALIASES,
    LOG_HEADERS,
    NON_PROVINCE_HEADERS,
    address,
    cell_at,
    code_text,
    find_header_row,
    find_tab,
    header_columns,
)
from lib.model import (
    CellKey,
    CellPlace,
    Criterion,
    LogEntry,
    Problem,
    Province,
    ProvinceCode,
    RawTab,
    RawWorkbook,
    Scoresheet,
    Severity,
)
from lib.text import fold
from lib.votes import parse_votes


@dataclass(frozen=True)
class ParseResult:
    """A scoresheet with the problems found while reading it."""

    sheet: Scoresheet
    problems: tuple[Problem, ...]

    @property
    def errors(self) -> tuple[Problem, ...]:
        """Only the problems of severity error."""
        return tuple(p for p in self.problems if p.is_error)


class _Report:
    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def error(self, cell: str, message: str) -> None:
        self.problems.append(Problem(Severity.ERROR, cell, message))

    def warning(self, cell: str, message: str) -> None:
        self.problems.append(Problem(Severity.WARNING, cell, message))


def parse_workbook(workbook: RawWorkbook, members: Sequence[Province]) -> ParseResult:
    """Read the contract's tabs from ``workbook`` for the cluster's ``members``."""
    report = _Report()
    criteria, unusable = _criteria(workbook, report)
    by_code = {c.code: c for c in criteria}
    self_scores, _ = _score_tab(workbook, "TuCham", by_code, unusable, members, report, required=True)
    agreed, places = _score_tab(workbook, "ThongNhat", by_code, unusable, members, report, required=False)
    evidence, _ = _score_tab(workbook, "MinhChung", by_code, unusable, members, report, evidence=True)
    sheet = Scoresheet(
        criteria=tuple(criteria),
        provinces=tuple(members),
        self_scores={k: v for k, v in self_scores.items() if isinstance(v, Decimal)},
        agreed={k: v for k, v in agreed.items() if isinstance(v, Decimal)},
        evidence={k: str(v) for k, v in evidence.items()},
        agreed_places=places,
        log=_log(workbook),
        votes=parse_votes(workbook),
    )
    return ParseResult(sheet, tuple(report.problems))


def _criteria(workbook: RawWorkbook, report: _Report) -> tuple[list[Criterion], set[str]]:
    found = find_tab(workbook, "TieuChi")
    if found is None:
        report.error("TieuChi", "thiếu trang tính TieuChi (Criteria) — danh sách tiêu chí")
        return [], set()
    title, rows = found
    header_index = find_header_row(rows)
    if header_index is None:
        report.error(address(title, 1, 1), "không tìm thấy dòng tiêu đề có cột 'Mã'")
        return [], set()
    columns = header_columns(rows[header_index], HEADERS)
    if "max" not in columns:
        report.error(address(title, header_index + 1, 1), "thiếu cột 'Điểm chuẩn' (Max)")
        return [], set()
    criteria: list[Criterion] = []
    unusable: set[str] = set()
    seen: dict[str, str] = {}
    group = ""
    for index in range(header_index + 1, len(rows)):
        row, row_no = rows[index], index + 1

        def where(key: str, row_no: int = row_no) -> str:
            return address(title, row_no, columns[key] + 1)

        def text(key: str, row: list[object] = row) -> str:
            value = cell_at(row, columns[key]) if key in columns else None
            return "" if value is None else str(value).strip()

        group = text("group") or group  # merged group cells leave the rows below blank
        code = code_text(cell_at(row, columns["code"]))
        if not code:
            if cell_at(row, columns["max"]) is not None:
                report.warning(where("code"), "dòng có điểm chuẩn nhưng không có mã tiêu chí; bỏ qua")
            continue
        if code in seen:
            report.error(where("code"), f"mã tiêu chí {code!r} bị lặp (đã có ở {seen[code]})")
            continue
        seen[code] = where("code")
        max_points = _max_points(cell_at(row, columns["max"]), where("max"), code, report)
        # Only a blank cell means "chuẩn"; a lone "-" or "?" is not a kind anyone typed on purpose.
        kind = KINDS.get(fold(text("kind"))) if fold(text("kind")) or not text("kind") else None
        if kind is None:
            report.error(where("kind"), f"loại {text('kind')!r} không hợp lệ (chuẩn, thưởng hoặc trừ)")
        if max_points is None or kind is None:
            unusable.add(code)
            continue
        criteria.append(Criterion(code, group, text("criterion"), max_points, kind, text("note")))
    if not criteria and not unusable:
        report.warning(address(title, header_index + 2, 1), "chưa có tiêu chí nào trong TieuChi")
    return criteria, unusable


def _max_points(value: object, cell: str, code: str, report: _Report) -> Decimal | None:
    try:
        points = parse_score(value)
    except CellParseError as exc:
        report.error(cell, f"điểm chuẩn của tiêu chí {code}: {exc}")
        return None
    if points is None or points <= 0:
        report.error(cell, f"tiêu chí {code} thiếu điểm chuẩn hoặc điểm chuẩn không lớn hơn 0")
        return None
    return points


def _score_tab(
    workbook: RawWorkbook,
    canonical: str,
    criteria: dict[str, Criterion],
    unusable: set[str],
    members: Sequence[Province],
    report: _Report,
    required: bool = False,
    evidence: bool = False,
) -> tuple[dict[CellKey, object], dict[CellKey, CellPlace]]:
    found = find_tab(workbook, canonical)
    if found is None:
        if required:
            report.error(canonical, f"thiếu trang tính {canonical}")
        elif canonical == "ThongNhat":
            report.warning(canonical, "chưa có trang tính ThongNhat (điểm thống nhất)")
        return {}, {}
    title, rows = found
    header_index = find_header_row(rows)
    if header_index is None:
        report.error(address(title, 1, 1), "không tìm thấy dòng tiêu đề có cột 'Mã'")
        return {}, {}
    code_col, province_cols = _province_columns(title, header_index, rows[header_index], members, report)
    if canonical == "TuCham":
        for province in members:
            if province.code not in province_cols.values():
                report.warning(
                    f"{title}!{header_index + 1}:{header_index + 1}",
                    f"không có cột của {province.name}; coi như chưa tự chấm",
                )
    values: dict[CellKey, object] = {}
    places: dict[CellKey, CellPlace] = {}
    seen: dict[str, int] = {}
    for index in range(header_index + 1, len(rows)):
        row, row_no = rows[index], index + 1
        code = code_text(cell_at(row, code_col))
        if not code:
            if any(cell_at(row, col) is not None for col in province_cols):
                report.warning(address(title, row_no, code_col + 1), "dòng có điểm nhưng không có mã tiêu chí; bỏ qua")
            continue
        if code in unusable:
            continue
        if code not in criteria:
            report.error(address(title, row_no, code_col + 1), f"mã {code!r} không có trong TieuChi")
            continue
        if code in seen:
            report.error(address(title, row_no, code_col + 1), f"mã {code!r} bị lặp (đã có ở dòng {seen[code]})")
            continue
        seen[code] = row_no
        for col, province in province_cols.items():
            key = (code, province)
            places[key] = CellPlace(title, row_no, col + 1)
            value = cell_at(row, col)
            cell = address(title, row_no, col + 1)
            if value is None:
                if canonical == "TuCham":
                    name = next(p.name for p in members if p.code == province)
                    report.warning(cell, f"{name} chưa tự chấm tiêu chí {code} (thiếu, không tính là 0)")
            elif evidence:
                values[key] = str(value).strip()
            else:
                values[key] = _score(value, criteria[code], cell, report)
    if canonical == "TuCham":
        for code in criteria:
            if code not in seen:
                report.warning(title, f"tiêu chí {code} chưa có dòng trong {title} (thiếu điểm tự chấm)")
    return values, places


def _province_columns(
    title: str, header_index: int, header: Sequence[object], members: Sequence[Province], report: _Report
) -> tuple[int, dict[int, ProvinceCode]]:
    # Codes match exactly ("67", 67 or 67.0, never "6.7"); names and aliases match folded.
    codes = {province.code.strip(): province for province in members}
    spellings = {}
    for province in members:
        for spelling in (province.name, *province.aliases):
            if fold(spelling):  # a spelling of only punctuation would match any such header
                spellings[fold(spelling)] = province
    code_col = header_columns(header, {"code": HEADERS["code"]})["code"]
    columns: dict[int, ProvinceCode] = {}
    first_seen: dict[ProvinceCode, str] = {}
    for col, cell in enumerate(header):
        if col == code_col or cell_at(header, col) is None or fold(cell) in NON_PROVINCE_HEADERS:
            continue
        where = address(title, header_index + 1, col + 1)
        province = (
            codes.get(code_text(cell)) or spellings.get(fold(cell)) or spellings.get(_without_prefix(fold(cell)))
        )
        if province is None:
            report.error(where, f"tiêu đề cột {cell!r} không khớp tỉnh nào trong cụm")
        elif province.code in first_seen:
            report.error(where, f"{province.name} có hai cột ({first_seen[province.code]} và {where})")
        else:
            first_seen[province.code] = where
            columns[col] = province.code
    return code_col, columns


def _without_prefix(key: str) -> str:
    """``tinhgialai`` -> ``gialai``: a header may carry the word "Tỉnh"."""
    return key.removeprefix("tinh")


def _score(value: object, criterion: Criterion, cell: str, report: _Report) -> Decimal | None:
    try:
        score = parse_score(value)
    except CellParseError as exc:
        report.error(cell, f"tiêu chí {criterion.code}: {exc}")
        return None
    if score is not None and not 0 <= score <= criterion.max_points:
        report.error(cell, f"tiêu chí {criterion.code}: điểm {value!r} ngoài khoảng 0–{criterion.max_points}")
        return None
    return score


def _log(workbook: RawWorkbook) -> tuple[LogEntry, ...]:
    found = find_tab(workbook, "NhatKy")
    if found is None:
        return ()
    rows: RawTab = found[1]
    spellings = {str(i): pair for i, pair in enumerate(zip(LOG_HEADERS, LOG_ALIASES, strict=True))}
    header = next((i for i, row in enumerate(rows[:10]) if len(header_columns(row, spellings)) >= 4), None)
    if header is None:
        return ()
    columns = header_columns(rows[header], spellings)
    entries = []
    for row in rows[header + 1:]:
        cells = [cell_at(row, columns[str(i)]) if str(i) in columns else None for i in range(7)]
        if any(c is not None for c in cells):
            entries.append(LogEntry(*("" if c is None else str(c) for c in cells)))
    return tuple(entries)
